"""Open a package (zip or unpacked folder) defensively, for reading only.

Nothing is ever extracted. Entries that would be dangerous to extract (zip-slip names,
symlinks, duplicates, implausible compression ratios) become problems and are left out of
the entry set that the checks see, so a hostile zip yields a report, never a traceback.
"""

from __future__ import annotations

import abc
import stat
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

from .report import Report

MAX_READ = 32 * 1024 * 1024  # largest XML/HTML file the checks will read into memory
MAX_RATIO = 100  # uncompressed:compressed beyond this, for a large entry, is a zip bomb sign
RATIO_MIN_SIZE = 1024 * 1024  # small entries may compress very well (a file of spaces)
MAX_TOTAL = 8 * 1024**3  # declared uncompressed total


class EntryError(Exception):
    """An entry cannot be read for checking; the message says why."""


def unsafe_name_reason(name: str) -> str | None:
    """Why an entry name is unsafe to extract, or None if it is fine."""
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "contains '..' (zip-slip)"
    if "\x00" in name:
        return "contains a NUL byte"
    return None


class Package(abc.ABC):
    """The readable files of a package: ``names`` (posix paths), ``read(name)`` and ``label``."""

    def __init__(self, source: Path, report: Report):
        self.source = source
        self.report = report
        self.names: set[str] = set()
        self.label_root = str(source)

    def label(self, name: str) -> str:
        return f"{self.label_root}!/{name}"

    @abc.abstractmethod
    def read(self, name: str, limit: int = MAX_READ) -> bytes:
        """The entry's bytes, or EntryError. Never reads more than ``limit`` bytes."""

    def close(self) -> None:  # noqa: B027 - a folder holds nothing open; a zip overrides this
        """Release what the package holds open."""


class ZipPackage(Package):
    def __init__(self, source: Path, report: Report, zf: zipfile.ZipFile):
        super().__init__(source, report)
        self._zip = zf
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._screen(zf.infolist())

    def _screen(self, infos: list[zipfile.ZipInfo]) -> None:
        where = self.label_root
        counts = Counter(i.filename for i in infos)
        for name, n in sorted(counts.items()):
            if n > 1:
                self.report.error(where, None, f"entry {name!r} appears {n} times in the zip")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            self.report.error(where, None, f"entries unpack to {total} bytes, over the {MAX_TOTAL} allowed")
        folded: dict[str, str] = {}
        for info in infos:
            name = info.filename
            if reason := unsafe_name_reason(name):
                self.report.error(where, None, f"unsafe entry name {name!r}: {reason}")
                continue
            if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                self.report.error(where, None, f"entry {name!r} is a symlink")
                continue
            if info.flag_bits & 0x1:
                self.report.error(where, None, f"entry {name!r} is encrypted")
                continue
            if info.is_dir():
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
                message = f"entry {name!r} has an implausible compression ratio {ratio:.0f}:1 (zip bomb?)"
                self.report.error(where, None, message)
                continue
            if counts[name] > 1:
                continue
            other = folded.setdefault(name.casefold(), name)
            if other != name:
                self.report.warning(where, None, f"entries {other!r} and {name!r} differ only in case")
            self.names.add(name)
            self._infos[name] = info

    def read(self, name: str, limit: int = MAX_READ) -> bytes:
        info = self._infos[name]
        if info.file_size > limit:
            raise EntryError(f"too large to check ({info.file_size} bytes, limit {limit})")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1)  # the header's size may lie: never read past the limit
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
            raise EntryError(f"cannot be read from the zip ({exc})") from None
        if len(data) > limit:
            raise EntryError(f"too large to check (more than {limit} bytes)")
        return data

    def close(self) -> None:
        self._zip.close()


class FolderPackage(Package):
    def __init__(self, source: Path, report: Report):
        super().__init__(source, report)
        self.label_root = str(source)
        for path in sorted(source.rglob("*")):
            name = path.relative_to(source).as_posix()
            if path.is_symlink():
                report.error(self.label_root, None, f"{name!r} is a symlink")
            elif path.is_file():
                self.names.add(name)

    def label(self, name: str) -> str:
        return str(PurePosixPath(self.label_root) / name)

    def read(self, name: str, limit: int = MAX_READ) -> bytes:
        path = self.source / name
        try:
            size = path.stat().st_size
            if size > limit:
                raise EntryError(f"too large to check ({size} bytes, limit {limit})")
            return path.read_bytes()
        except OSError as exc:
            raise EntryError(f"cannot be read ({exc.strerror})") from None


def open_package(source: Path, report: Report) -> Package | None:
    """A Package for a zip file or folder, or None (with a problem reported) if unreadable."""
    if source.is_dir():
        return FolderPackage(source, report)
    if not source.is_file():
        report.error(str(source), None, "no such file or folder")
        return None
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            struct.error) as exc:  # what a corrupt central directory makes zipfile raise
        report.error(str(source), None, f"not a readable zip archive ({exc})")
        return None
    return ZipPackage(source, report, zf)
