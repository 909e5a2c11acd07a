"""Incremental builds: an artifact is rebuilt only when something it is made of has changed.

The input key of (format, course) hashes everything the artifact is made from: the course and its
quiz bank as loaded (so a reworded YAML file counts, a touched one does not), its module, the titles
of the courses it links to, the EMM sections it cites, its media files, the templates and player,
the tool's own source, and the version label. The record (``dist/.rtcm-build.json``) keeps each
artifact's key, sha256 and build notes; an artifact whose file is missing or whose bytes no longer
match the record (a partial write, a hand edit) is rebuilt, never trusted.

A faster check comes first: the record also keeps a fingerprint of the raw input bytes (content/,
quiz_banks/, templates, tool source) and of the request (formats, courses, version label) of the
last complete build. When the fingerprint is unchanged and every artifact of that build still has
its recorded bytes, nothing can be out of date and the content is not even loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .fsutil import write_bytes_atomic

if TYPE_CHECKING:
    from .model import Catalogue, Course

RECORD = ".rtcm-build.json"
RECORD_FORMAT = 2  # 1 was a bare {artifact: entry} mapping
SOURCE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = SOURCE_DIR.parents[1] / "scorm_templates"  # as render.TEMPLATES_DIR, without importing Jinja
# Catalogue fields hashed precisely below; any other (catalogue-wide) field counts for every course.
_PER_COURSE_FIELDS = {"courses", "modules", "banks", "emm", "_index"}


def _digest_tree(root: Path, suffix: str = "") -> str:
    """Relative path and bytes of every file under ``root`` whose name ends with ``suffix``, in a fixed order."""
    h = hashlib.sha256()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            if name.endswith(suffix) and path.is_file():
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + file_digest(path).encode() + b"\0")
    return h.hexdigest()


@cache
def toolchain_digest() -> str:
    """Templates, player assets and the tool's code: a change to any of them rebuilds everything."""
    return hashlib.sha256(
        (_digest_tree(TEMPLATES_DIR) + _digest_tree(SOURCE_DIR, ".py")).encode()
    ).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file, streamed (media can be gigabytes)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _portable(course: Course) -> Course:
    """The course with each media file named by its content, not by where this checkout keeps it."""
    pages = tuple(dataclasses.replace(page, media=tuple((name, file_digest(source)) for name, source in page.media))
                  for page in course.pages)  # fmt: skip
    return dataclasses.replace(course, pages=pages)


def course_digest(catalogue: Catalogue, course: Course) -> str:
    """Everything of the content that one course's artifacts show; the same on any machine."""
    h = hashlib.sha256()
    h.update(repr(_portable(course)).encode())
    h.update(repr(catalogue.bank(course.id)).encode())
    h.update(repr(catalogue.module(course.module) if course.module else None).encode())
    for f in dataclasses.fields(catalogue):
        if f.name not in _PER_COURSE_FIELDS:
            h.update(f"{f.name}={getattr(catalogue, f.name)!r}".encode())
    for link in course.links:
        linked = catalogue.course(link.course)
        h.update(repr((link.course, linked.full_title if linked else None)).encode())
    if catalogue.emm:
        h.update(repr([catalogue.emm.section(n) for n in course.further_study]).encode() + catalogue.emm.title.encode())
    return h.hexdigest()


def input_key(fmt: str, course_hash: str, version: str) -> str:
    return hashlib.sha256(f"{fmt}\0{course_hash}\0{version}\0{toolchain_digest()}".encode()).hexdigest()


def inputs_fingerprint(input_dirs: Iterable[Path], formats: list[str], course_ids: list[str], version: str) -> str:
    """Raw bytes of every input file plus the request: equal fingerprints mean an identical build."""
    h = hashlib.sha256(json.dumps([formats, course_ids, version, toolchain_digest()]).encode())
    for root in input_dirs:
        h.update(f"\0dir {root.name}\0".encode())
        if root.is_dir():
            h.update(_digest_tree(root).encode())
    return h.hexdigest()


class BuildRecord:
    def __init__(self, out_dir: Path):
        self.path = out_dir / RECORD
        self._saved = ""  # the text on disk, so that an unchanged record is not written again
        try:
            self._saved = self.path.read_text(encoding="utf-8")
            data = json.loads(self._saved)
            if data.get("format") != RECORD_FORMAT:
                raise ValueError("older record")
            self.entries: dict[str, dict] = data["artifacts"]
            self.last_build: dict = data.get("last_build") or {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries, self.last_build = {}, {}  # a missing or damaged record only costs a full rebuild

    def verified(self, artifact: Path) -> bool:
        """The file exists and has exactly the bytes recorded for it."""
        entry = self.entries.get(artifact.name)
        try:
            info = artifact.stat()
            if not entry or not stat.S_ISREG(info.st_mode) or info.st_size != entry.get("size"):
                return False  # (a FIFO in its place would block the read below)
            return file_digest(artifact) == entry.get("sha256")
        except OSError:
            return False

    def up_to_date(self, artifact: Path, key: str) -> bool:
        entry = self.entries.get(artifact.name)
        return bool(entry) and entry.get("key") == key and self.verified(artifact)

    def entry(self, artifact: Path) -> dict | None:
        return self.entries.get(artifact.name)

    def remember(self, artifact: Path, key: str, sha256: str, size: int, course: str, fmt: str,
                 notes: Iterable[str] = ()) -> None:  # fmt: skip
        self.entries[artifact.name] = {"key": key, "sha256": sha256, "size": size, "course": course, "format": fmt,
                                       "notes": list(notes)}  # fmt: skip

    def remember_build(self, fingerprint: str, artifacts: list[str], skipped: list[str]) -> None:
        """The last complete build: its input fingerprint, its artifacts (in order) and what it skipped."""
        self.last_build = {"fingerprint": fingerprint, "artifacts": artifacts, "skipped": skipped}

    def forget_build(self) -> None:
        self.last_build = {}

    def unchanged_build(self, fingerprint: str, out_dir: Path) -> list[dict] | None:
        """The entries of the last build if its fingerprint matches and all its artifacts verify, else None."""
        if not fingerprint or self.last_build.get("fingerprint") != fingerprint:
            return None
        names = self.last_build.get("artifacts") or []
        if not all(name in self.entries and self.verified(out_dir / name) for name in names):
            return None
        return [{"name": name, **self.entries[name]} for name in names]

    def _text(self) -> str:
        data = {"format": RECORD_FORMAT, "last_build": self.last_build, "artifacts": self.entries}
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    def save(self) -> None:
        """Write the record if it changed (a no-op build writes nothing)."""
        text = self._text()
        if text != self._saved:
            write_bytes_atomic(self.path, text.encode())
            self._saved = text
