"""Incremental builds: an artifact is rebuilt only when something it is made of has changed.

The input key of (format, course) hashes everything the artifact is made from: the course and its
quiz bank as loaded (so a reworded YAML file counts, a touched one does not), its module, the titles
of the courses it links to, the EMM sections it cites, its media files, the templates and player,
the tool's own source, and the version label. The record (``dist/.rtcm-build.json``) keeps each
artifact's key and sha256; an artifact whose file is missing or whose bytes no longer match the
record (a partial write, a hand edit) is rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from .fsutil import write_bytes_atomic
from .model import Catalogue, Course
from .render import TEMPLATES_DIR

RECORD = ".rtcm-build.json"
SOURCE_DIR = Path(__file__).resolve().parent


def _digest_tree(root: Path, patterns: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def toolchain_digest() -> str:
    """Templates, player assets and the tool's code: a change to any of them rebuilds everything."""
    return hashlib.sha256(
        (_digest_tree(TEMPLATES_DIR, ("*",)) + _digest_tree(SOURCE_DIR, ("*.py",))).encode()
    ).hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def course_digest(catalogue: Catalogue, course: Course) -> str:
    """Everything of the content that one course's artifacts show."""
    h = hashlib.sha256()
    h.update(repr(course).encode())
    h.update(repr(catalogue.bank(course.id)).encode())
    h.update(repr(catalogue.module(course.module) if course.module else None).encode())
    h.update(catalogue.title.encode())
    for link in course.links:
        linked = catalogue.course(link.course)
        h.update(repr((link.course, linked.full_title if linked else None)).encode())
    if catalogue.emm:
        h.update(repr([catalogue.emm.section(n) for n in course.further_study]).encode() + catalogue.emm.title.encode())
    for page in course.pages:
        for _, source in page.media:
            h.update(file_digest(source).encode())
    return h.hexdigest()


def input_key(fmt: str, course_hash: str, version: str) -> str:
    return hashlib.sha256(f"{fmt}\0{course_hash}\0{version}\0{toolchain_digest()}".encode()).hexdigest()


class BuildRecord:
    def __init__(self, out_dir: Path):
        self.path = out_dir / RECORD
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}  # a missing or damaged record only costs a full rebuild

    def up_to_date(self, artifact: Path, key: str) -> bool:
        entry = self.entries.get(artifact.name)
        if not entry or entry.get("key") != key or not artifact.is_file():
            return False
        return artifact.stat().st_size == entry.get("size") and file_digest(artifact) == entry.get("sha256")

    def entry(self, artifact: Path) -> dict | None:
        return self.entries.get(artifact.name)

    def remember(self, artifact: Path, key: str, sha256: str, size: int, course: str, fmt: str) -> None:
        self.entries[artifact.name] = {"key": key, "sha256": sha256, "size": size, "course": course, "format": fmt}

    def save(self) -> None:
        text = json.dumps(self.entries, indent=1, sort_keys=True) + "\n"
        write_bytes_atomic(self.path, text.encode())
