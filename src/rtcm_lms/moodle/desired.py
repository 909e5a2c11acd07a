"""What a push wants Moodle to hold: categories, courses, sections and files, from built artifacts.

Everything is keyed by idnumber (our ids), so the remote state can be read back and compared.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Catalogue, Course
from ..render import inline_html, markdown_html

ROOT_CATEGORY = "RTCM"
COURSES_CATEGORY = "RTCM-COURSES"
SCORM_FORMAT = "scorm12"  # Moodle's best-supported SCORM version


@dataclass(frozen=True)
class DesiredCategory:
    idnumber: str
    name: str
    parent: str | None  # idnumber of the parent category, None for top level
    description: str = ""


@dataclass(frozen=True)
class DesiredFile:
    path: Path
    sha1: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DesiredCourse:
    idnumber: str
    shortname: str
    fullname: str
    summary: str
    category: str  # category idnumber
    sections: tuple[str, ...]  # names of sections 1..n
    scorm: DesiredFile | None
    questions: DesiredFile | None
    pass_mark: int
    content_hash: str = field(default="")


@dataclass(frozen=True)
class DesiredState:
    release: str
    categories: tuple[DesiredCategory, ...]
    courses: tuple[DesiredCourse, ...]


def file_info(path: Path) -> DesiredFile | None:
    if not path.is_file():
        return None
    sha1, sha256 = hashlib.sha1(), hashlib.sha256()  # noqa: S324 - Moodle identifies packages by sha1
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            sha1.update(chunk)
            sha256.update(chunk)
    return DesiredFile(path, sha1.hexdigest(), sha256.hexdigest(), path.stat().st_size)


def course_summary(course: Course) -> str:
    first = course.summary.split("\n\n")[0] if course.summary else ""
    outcomes = "".join(f"<li>{inline_html(o.text)}</li>" for o in course.outcomes)
    return str(markdown_html(first)) + (f"<ul>{outcomes}</ul>" if outcomes else "")


def desired_state(catalogue: Catalogue, dist: Path, release: str, course_ids: list[str] | None = None,
                  id_prefix: str = "") -> DesiredState:  # fmt: skip
    """``id_prefix`` namespaces every idnumber and shortname (tests use it on shared sites)."""
    p = id_prefix
    root = p + ROOT_CATEGORY
    categories = [DesiredCategory(root, catalogue.title, None)]
    categories += [DesiredCategory(f"{p}RTCM-{m.id}", f"Module {m.number}: {m.title}", root) for m in catalogue.modules]
    if any(c.module is None for c in catalogue.courses):
        categories.append(DesiredCategory(p + COURSES_CATEGORY, "Two-week courses", root))
    courses = []
    for course in catalogue.courses:
        if course_ids and course.id not in course_ids:
            continue
        scorm = file_info(dist / f"{course.id}.{SCORM_FORMAT}.zip")
        questions = file_info(dist / f"{course.id}.moodle.xml")
        bank = catalogue.bank(course.id)
        parts = [scorm.sha256 if scorm else "-", questions.sha256 if questions else "-", course.full_title]
        courses.append(DesiredCourse(
            idnumber=p + course.id,
            shortname=p + course.id,
            fullname=course.full_title,
            summary=course_summary(course),
            category=f"{p}RTCM-{course.module}" if course.module else p + COURSES_CATEGORY,
            sections=tuple(f"{s.label} {s.number}: {s.title}" for s in course.sessions),
            scorm=scorm,
            questions=questions,
            pass_mark=bank.pass_mark if bank else 0,
            content_hash=hashlib.sha256("\n".join(parts).encode()).hexdigest(),
        ))  # fmt: skip
    return DesiredState(release, tuple(categories), tuple(courses))
