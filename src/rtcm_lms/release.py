"""Numbered releases that anyone can rebuild and check byte for byte.

``make_release`` builds every format of every course with the release's version label into
``releases/VERSION/`` (built beside it under a temporary name and renamed at the end, so a release
is never half-written), with ``release.json`` (what was built from what) and ``SHA256SUMS``, then
prepends an entry to ``releases/CHANGELOG.md`` saying which courses were added, changed or removed
since the previous release (compared by per-course content hash). ``verify_release`` rebuilds a
release in a temporary folder and compares every sha256 with ``release.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import total_ordering
from pathlib import Path

import jinja2

from . import __version__
from .build import Artifact, build, registry
from .fsutil import write_bytes_atomic
from .incremental import RECORD, course_digest, file_digest
from .model import Catalogue
from .render import TEMPLATES_DIR

RELEASE_JSON = "release.json"
SHA256SUMS = "SHA256SUMS"
CHANGELOG = "CHANGELOG.md"
BUILD_NOTES = "BUILD_NOTES.txt"
# semver.org 2.0.0: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], no leading zeros (matched whole, with fullmatch)
_IDENT = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"  # pre-release
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"  # build metadata
)


class ReleaseError(Exception):
    """A release cannot be made or read as asked; the message is one line for the user."""


@total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A semantic version, ordered by semver precedence (build metadata does not count)."""

    text: str
    core: tuple[int, int, int]
    prerelease: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Version:
        match = SEMVER.fullmatch(text)
        if not match:
            raise ReleaseError(f"'{text}' is not a semantic version: use MAJOR.MINOR.PATCH, e.g. 1.4.0 or 1.4.0-rc.1")
        major, minor, patch, pre, _build = match.groups()
        return cls(text, (int(major), int(minor), int(patch)), tuple(pre.split(".")) if pre else ())

    def _key(self) -> tuple:
        # A pre-release sorts before its release; numeric identifiers sort below alphanumeric ones.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return self.core, not self.prerelease, pre

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True)
class Changes:
    since: str | None  # the previous release's version, None for the first release
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    tool_before: str | None = None  # the previous release's tool version, when it differs


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    data: dict  # the release.json contents
    changes: Changes
    seconds: float


@dataclass(frozen=True)
class Mismatch:
    artifact: str
    problem: str

    def __str__(self) -> str:
        return f"{self.artifact}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    version: str
    checked: int  # artifacts listed in release.json
    mismatches: list[Mismatch]
    release_tool: str  # the tool version that made the release (a different one may build other bytes)


def content_hashes(catalogue: Catalogue) -> dict[str, str]:
    """Per-course content hash (the same that decides incremental rebuilds), by course id."""
    return {course.id: course_digest(catalogue, course) for course in catalogue.courses}


def overall_hash(course_hashes: dict[str, str]) -> str:
    lines = "".join(f"{cid} {digest}\n" for cid, digest in sorted(course_hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def read_release(path: Path) -> dict:
    manifest = path / RELEASE_JSON
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{manifest}: missing; {path} is not a release made by `rtcm-lms release`") from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{manifest}: unreadable ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("artifacts"), list) or "version" not in data:
        raise ReleaseError(f"{manifest}: not a release manifest (no version or artifact list)")
    return data


def existing_releases(releases_dir: Path) -> list[tuple[Version, Path]]:
    """Releases in the folder (sub-folders named by a semantic version that hold release.json), oldest first."""
    found = []
    if releases_dir.is_dir():
        for child in releases_dir.iterdir():
            if child.is_dir() and SEMVER.fullmatch(child.name) and (child / RELEASE_JSON).is_file():
                found.append((Version.parse(child.name), child))
    return sorted(found)


def check_new_version(version: str, releases_dir: Path) -> Version:
    """The version as a Version, if a release of it may be made in ``releases_dir``; else ReleaseError."""
    new = Version.parse(version)
    target = releases_dir / version
    if target.exists():
        raise ReleaseError(f"{target} already exists: a release is never overwritten; choose a new version")
    releases = existing_releases(releases_dir)
    if releases and not new > releases[-1][0]:
        newest, where = releases[-1]
        raise ReleaseError(f"{version} is not greater than the newest release {newest.text} ({where})")
    return new


def compare(previous: dict | None, hashes: dict[str, str]) -> Changes:
    """Courses added, changed and removed since the ``previous`` release.json, by content hash."""
    if previous is None:
        return Changes(None, added=sorted(hashes))
    before = {cid: info.get("content_hash") for cid, info in (previous.get("courses") or {}).items()}
    tool_before = (previous.get("tool") or {}).get("version")
    return Changes(
        previous.get("version"),
        added=sorted(set(hashes) - set(before)),
        changed=sorted(cid for cid in hashes if cid in before and before[cid] != hashes[cid]),
        removed=sorted(set(before) - set(hashes)),
        tool_before=tool_before if tool_before != __version__ else None,
    )


def manifest(version: str, catalogue: Catalogue, hashes: dict[str, str], artifacts: list[Artifact],
             skipped: list[str], changes: Changes) -> dict:  # fmt: skip
    """release.json: no dates or paths, so a rebuild of the same sources gives the same file."""
    return {
        "version": version,
        "tool": {"name": "rtcm-lms", "version": __version__},
        "content_hash": overall_hash(hashes),
        "courses": {c.id: {"title": c.full_title, "content_hash": hashes[c.id]} for c in catalogue.courses},
        "artifacts": [{"path": a.path.name, "course": a.course, "format": a.format, "sha256": a.sha256, "size": a.size}
                      for a in artifacts],  # fmt: skip
        "skipped": skipped,
        "changes": {"since": changes.since, "added": changes.added, "changed": changes.changed,
                    "removed": changes.removed},  # fmt: skip
    }


def sha256sums(artifacts: list[Artifact]) -> str:
    """The format of ``sha256sum`` (two spaces: text mode), so ``sha256sum -c SHA256SUMS`` checks a release."""
    return "".join(f"{a.sha256}  {a.path.name}\n" for a in sorted(artifacts, key=lambda a: a.path.name))


def _templates() -> jinja2.Environment:
    # Markdown, not HTML: autoescaping would turn "&" in a course title into "&amp;".
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "release")), autoescape=False,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )  # fmt: skip


def release_date() -> str:
    """UTC date of the release for the changelog: SOURCE_DATE_EPOCH when set (reproducible), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch) if epoch.isdigit() else None))


def changelog_text(existing: str, version: str, data: dict, changes: Changes, titles: dict[str, str],
                   notes: str) -> str:  # fmt: skip
    """CHANGELOG.md with the new entry above the older ones (everything from the first "## " heading)."""
    at = existing.find("\n## ")
    older = existing if existing.startswith("## ") else existing[at + 1:] if at >= 0 else ""
    return _templates().get_template("CHANGELOG.md.j2").render(
        version=version, date=release_date(), data=data, changes=changes, titles=titles, notes=notes.strip(),
        older=older.strip(),
    )  # fmt: skip


def make_release(catalogue: Catalogue, version: str, releases_dir: Path, notes: str = "", jobs: int = 1,
                 on_start: Callable[[int], None] | None = None,
                 on_done: Callable[[Artifact], None] | None = None) -> Release:  # fmt: skip
    """Build and write release ``version``; nothing is left behind if anything fails (Ctrl-C included)."""
    started = time.perf_counter()
    check_new_version(version, releases_dir)
    releases = existing_releases(releases_dir)
    previous = read_release(releases[-1][1]) if releases else None
    hashes = content_hashes(catalogue)
    changes = compare(previous, hashes)
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.tmp-", dir=releases_dir))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a published release is readable by all
        result = build(catalogue, list(registry()), [], staging, version, jobs, on_start, on_done, force=True)
        (staging / RECORD).unlink(missing_ok=True)  # the incremental cache is not part of a release
        data = manifest(version, catalogue, hashes, result.artifacts, result.skipped, changes)
        if result.notes:
            write_bytes_atomic(staging / BUILD_NOTES, ("\n".join(result.notes) + "\n").encode())
        write_bytes_atomic(staging / RELEASE_JSON, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())
        write_bytes_atomic(staging / SHA256SUMS, sha256sums(result.artifacts).encode())
        check_new_version(version, releases_dir)  # the same version may have been released meanwhile
        target = releases_dir / version
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    changelog = releases_dir / CHANGELOG
    existing = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    titles = {c.id: c.full_title for c in catalogue.courses}
    titles.update({cid: info.get("title", cid) for cid, info in ((previous or {}).get("courses") or {}).items()
                   if cid not in titles})  # fmt: skip
    write_bytes_atomic(changelog, changelog_text(existing, version, data, changes, titles, notes).encode())
    return Release(version, target, data, changes, time.perf_counter() - started)


def verify_release(catalogue: Catalogue, release_dir: Path, jobs: int = 1,
                   on_start: Callable[[int], None] | None = None,
                   on_done: Callable[[Artifact], None] | None = None) -> Verification:  # fmt: skip
    """Rebuild the release from ``catalogue`` and list every artifact whose bytes differ from release.json."""
    data = read_release(release_dir)
    recorded = {a["path"]: a for a in data["artifacts"]}
    mismatches = [Mismatch(name, problem) for name, problem in _release_files(release_dir, recorded)]
    hashes = content_hashes(catalogue)
    before = {cid: info.get("content_hash") for cid, info in (data.get("courses") or {}).items()}
    differs = {cid for cid in set(hashes) | set(before) if hashes.get(cid) != before.get(cid)}
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=release_dir.parent) as scratch:
        result = build(catalogue, list(registry()), [], Path(scratch), data["version"], jobs, on_start, on_done,
                       force=True)  # fmt: skip
        rebuilt = {a.path.name: a for a in result.artifacts}
    for name, entry in recorded.items():
        artifact = rebuilt.get(name)
        hint = " (its course's content differs from the release's)" if entry.get("course") in differs else ""
        if artifact is None:
            mismatches.append(Mismatch(name, f"in release.json but not rebuilt{hint}"))
        elif artifact.sha256 != entry.get("sha256"):
            mismatches.append(Mismatch(name, f"rebuilt sha256 {artifact.sha256[:12]}… differs from release.json "
                                             f"{str(entry.get('sha256'))[:12]}…{hint}"))  # fmt: skip
    for name in sorted(set(rebuilt) - set(recorded)):
        mismatches.append(Mismatch(name, "rebuilt but not in release.json (a course added since the release?)"))
    return Verification(data["version"], len(recorded), mismatches, (data.get("tool") or {}).get("version", "?"))


def _release_files(release_dir: Path, recorded: dict[str, dict]):
    """What ``sha256sum -c`` would say of the release folder itself (missing or altered files)."""
    for name, entry in sorted(recorded.items()):
        path = release_dir / name
        if not path.is_file():
            yield name, "listed in release.json but missing from the release folder"
        elif path.stat().st_size != entry.get("size") or file_digest(path) != entry.get("sha256"):
            yield name, "the file in the release folder does not match release.json (altered after release)"

