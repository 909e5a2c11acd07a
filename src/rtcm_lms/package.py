"""Deterministic, atomic zip writer: the only code in the project that writes a zip.

Every package (SCORM 1.2/2004, IMS CC 1.1/1.3, question-bank archives) goes through
:func:`write_package`. What it guarantees:

* **Order**: the entries named in ``first`` (``imsmanifest.xml`` by default) come first, in
  that order; every other entry follows, sorted by path (code-point order, which is also
  UTF-8 byte order).
* **Fixed metadata**: every entry gets the same timestamp, ``SOURCE_DATE_EPOCH`` (read as UTC)
  if set, else 2000-01-01 00:00:00 (well inside the DOS date range, clear of the 1980 epoch
  edge that some unzip tools mishandle). Every entry is a regular file with mode 0o644 and
  "made by" Unix, whatever the build machine. No extra fields, no comment.
* **Fixed compression**: deflate at level :data:`DEFLATE_LEVEL`; already-compressed media
  (:data:`STORED_SUFFIXES`) at deflate level 0. zipstream-ng always writes a data descriptor after
  each entry; that is deterministic too (CRC and sizes only).
* **Streaming**: file sources are read in 64 KiB chunks while the zip is written, so a
  1 GB asset costs no more memory than a 1 KB one. sha256 and size are computed from the
  bytes as they are written, never by re-reading the output.
* **Atomic**: the zip is written to ``.<name>.tmp-XXXX`` beside the destination, fsynced and
  renamed; on any failure, Ctrl-C included, the temporary file is removed and a previous
  artifact at the destination is left untouched.

The same entries give the same sha256 on any machine that uses the same deflate
implementation. Stock zlib is stable across versions; zlib-ng (the ``zlib`` of some
distributions) compresses differently, so its builds differ from stock zlib's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zipfile import ZIP_DEFLATED, ZIP_STORED

from zipstream import ZipStream, ZipStreamInfo

__all__ = [
    "DEFAULT_DATE_TIME",
    "DEFLATE_LEVEL",
    "STORED_SUFFIXES",
    "PackageError",
    "PackageResult",
    "Source",
    "build_date_time",
    "check_arcname",
    "write_package",
]

Source = Path | bytes | str
"""What an entry holds: a file on disk (``Path``), or rendered content (``bytes``, or ``str``
written as UTF-8). A ``str`` is always content, never a file name: pass a ``Path`` for files."""

DEFAULT_DATE_TIME = (2000, 1, 1, 0, 0, 0)
DEFLATE_LEVEL = 6  # zlib's default: near level 9's size at a fraction of its time
FILE_MODE = 0o644
CHUNK_SIZE = 64 * 1024
_UNIX = 3  # "version made by" host system; fixed so Windows builds match Linux ones

# Already-compressed formats: deflate level 6 runs at ~60 MB/s on them and saves ~0 bytes.
# They are written as deflate level 0 (stored blocks, ~2 GB/s), not as the "stored" method:
# zipstream-ng always writes data descriptors, and Java's ZipInputStream (used by some
# LMSs) rejects stored entries that have one.
STORED_SUFFIXES = frozenset({
    ".zip", ".gz", ".bz2", ".xz", ".7z", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif",
    ".mp3", ".mp4", ".m4a", ".m4v", ".webm", ".ogg", ".ogv", ".oga", ".opus", ".woff", ".woff2", ".pdf",
})

_DOS_MIN = (1980, 1, 1, 0, 0, 0)
_DOS_MAX = (2107, 12, 31, 23, 59, 58)


class PackageError(ValueError):
    """A package cannot be written as asked (bad entry path, bad source, bad setting)."""


@dataclass(frozen=True)
class PackageResult:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class _Planned:
    arcname: str
    source: Path | bytes
    size: int


def build_date_time(environ: Mapping[str, str] | None = None) -> tuple[int, int, int, int, int, int]:
    """The timestamp every entry gets: ``SOURCE_DATE_EPOCH`` (UTC) if set, else 2000-01-01."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_DATE_TIME
    try:
        epoch = int(raw)
    except ValueError:
        raise PackageError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, got {raw!r}") from None
    stamp = tuple(time.gmtime(max(epoch, 0))[:6])
    stamp = min(max(stamp, _DOS_MIN), _DOS_MAX)
    # DOS times have 2-second resolution: round down here so what is written is what we say.
    return (*stamp[:5], stamp[5] - stamp[5] % 2)


def check_arcname(name: str) -> str:
    """Return ``name`` if it is a safe, portable archive path, else raise PackageError."""
    if not isinstance(name, str) or not name:
        raise PackageError(f"archive path must be a non-empty string, got {name!r}")
    if "\\" in name:
        raise PackageError(f"archive path {name!r} contains a backslash; use '/'")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(f"archive path {name!r} is absolute")
    if any(ord(c) < 0x20 or c == "\x7f" for c in name):
        raise PackageError(f"archive path {name!r} contains a control character")
    parts = name.split("/")
    if ".." in parts:
        raise PackageError(f"archive path {name!r} contains '..'")
    if any(p in ("", ".") for p in parts):
        raise PackageError(f"archive path {name!r} has an empty or '.' component (or ends with '/')")
    if not unicodedata.is_normalized("NFC", name):
        raise PackageError(f"archive path {name!r} is not in Unicode NFC form")
    return name


def _check_source_file(arcname: str, source: Path, allowed_root: Path | None) -> int:
    """Refuse sources that are missing, not regular files, or (via symlinks) outside the root."""
    try:
        st = source.stat()
    except FileNotFoundError:
        raise PackageError(f"source of {arcname!r} does not exist: {source}") from None
    if not stat.S_ISREG(st.st_mode):
        raise PackageError(f"source of {arcname!r} is not a regular file: {source}")
    if allowed_root is not None:
        root = allowed_root.resolve()
        real = source.resolve()
        if not real.is_relative_to(root):
            if source.is_symlink() or real != source.absolute():
                raise PackageError(
                    f"source of {arcname!r} is a symlink: {source} -> {real}, outside the allowed root {root}"
                )
            raise PackageError(f"source of {arcname!r} is outside the allowed root {root}: {source}")
    return st.st_size


def _plan(
    entries: Mapping[str, Source] | Iterable[tuple[str, Source]],
    first: Iterable[str],
    allowed_root: Path | None,
) -> list[_Planned]:
    items = entries.items() if isinstance(entries, Mapping) else entries
    planned: dict[str, _Planned] = {}
    folded: dict[str, str] = {}
    for arcname, source in items:
        check_arcname(arcname)
        if arcname in planned:
            raise PackageError(f"duplicate archive path {arcname!r}")
        # Two names that differ only in case overwrite each other on Windows and macOS.
        other = folded.setdefault(arcname.casefold(), arcname)
        if other != arcname:
            raise PackageError(f"archive paths {other!r} and {arcname!r} differ only in case")
        if isinstance(source, str):
            source = source.encode("utf-8")
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            planned[arcname] = _Planned(arcname, data, len(data))
        elif isinstance(source, os.PathLike):
            path = Path(source)
            planned[arcname] = _Planned(arcname, path, _check_source_file(arcname, path, allowed_root))
        else:
            kind = type(source).__name__
            raise PackageError(f"source of {arcname!r} must be a Path, bytes or str, got {kind}")

    head = []
    for name in first:
        if name not in planned:
            raise PackageError(f"required first entry {name!r} is missing from the package")
        head.append(planned.pop(name))
    return head + [planned[name] for name in sorted(planned)]


def _read_chunks(arcname: str, path: Path, size: int) -> Iterator[bytes]:
    """Stream a file; fail if it changed size since it was planned (the header would lie)."""
    read = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_SIZE):
            read += len(chunk)
            if read > size:
                break
            yield chunk
    if read != size:
        raise PackageError(f"source of {arcname!r} changed size while packaging: {path}")


class _PinnedInfo(ZipStreamInfo):
    """A zip entry whose metadata depends on nothing but its name, timestamp and size."""

    def __init__(self, arcname: str, date_time: tuple[int, ...], size: int):
        super().__init__(arcname, date_time)
        self.create_system = _UNIX
        self.external_attr = (stat.S_IFREG | FILE_MODE) << 16
        self.file_size = size


class _ReproducibleZipStream(ZipStream):
    """ZipStream with pinned entry metadata.

    zipstream-ng takes timestamps from file mtimes or the clock, and modes from the file or
    0o600, with no option to fix them. This override of its entry generator replaces only the
    ZipStreamInfo construction; the header, data descriptor and central directory code stay
    zipstream-ng's. tests/test_package.py checks every pinned field in the written bytes.
    """

    def __init__(self, date_time: tuple[int, ...]):
        super().__init__(compress_type=ZIP_STORED)  # each entry names its own compression
        self._date_time = date_time

    def _gen_file_entry(self, *, iterable=None, data=None, size=None, arcname,
                        compress_type=None, compress_level=None, path=None):
        if path is not None:  # the writer below only queues bytes and sized iterables
            raise TypeError("_ReproducibleZipStream does not add paths")
        zinfo = _PinnedInfo(arcname, self._date_time, size)
        zinfo.compress_type = self._compress_type if compress_type is None else compress_type
        level = self._compress_level if compress_level is None else compress_level
        zinfo._compresslevel = level if zinfo.compress_type == ZIP_DEFLATED else None
        zinfo.header_offset = self._pos
        chunks = iter((data,)) if data is not None else iterable
        for piece in zinfo._file_data(chunks):
            yield self._track(piece)
        self._filelist.append(zinfo)


def _deflate_level(arcname: str) -> int:
    return 0 if PurePosixPath(arcname).suffix.lower() in STORED_SUFFIXES else DEFLATE_LEVEL


def write_package(
    dest: str | os.PathLike[str],
    entries: Mapping[str, Source] | Iterable[tuple[str, Source]],
    *,
    first: Iterable[str] = ("imsmanifest.xml",),
    allowed_root: str | os.PathLike[str] | None = None,
    date_time: tuple[int, int, int, int, int, int] | None = None,
) -> PackageResult:
    """Write ``entries`` (archive path -> source) as a reproducible zip at ``dest``.

    ``first`` names entries the format needs at the front, in order; each must be present.
    ``allowed_root``, if given, is the folder every file source must resolve into (symlinks
    pointing out of it are refused). ``date_time`` overrides :func:`build_date_time`.
    Every check runs before anything is written. Raises :class:`PackageError` on bad input.
    """
    dest = Path(dest)
    root = Path(allowed_root) if allowed_root is not None else None
    stamp = date_time if date_time is not None else build_date_time()
    planned = _plan(entries, tuple(first), root)

    stream = _ReproducibleZipStream(stamp)
    for item in planned:
        level = _deflate_level(item.arcname)
        if isinstance(item.source, bytes):
            stream.add(item.source, item.arcname, compress_type=ZIP_DEFLATED, compress_level=level)
        else:
            chunks = _read_chunks(item.arcname, item.source, item.size)
            stream.add(chunks, item.arcname, size=item.size, compress_type=ZIP_DEFLATED, compress_level=level)

    if not dest.parent.is_dir():
        raise PackageError(f"destination folder {dest.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.tmp-", dir=dest.parent)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for piece in stream:
                digest.update(piece)
                size += len(piece)
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(dest.parent)
    return PackageResult(path=dest, sha256=digest.hexdigest(), size=size)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; some filesystems cannot open a folder for this, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
