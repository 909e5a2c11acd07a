"""Turn the seed folder into a Catalogue: which seed is which, and the cross-topic clean-up."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Catalogue, Course, Outcome, Session, SourceRef, TopicLink
from .course_outline import import_course_outline
from .curriculum import CurriculumParser, TopicDraft
from .emm import import_emm
from .text import ImportLog

CURRICULUM_TITLE = "Regional Migration Curriculum"


class SeedError(Exception):
    """A seed folder that cannot be imported (missing or unreadable seed)."""


def _seed(folder: Path, prefix: str) -> Path:
    found = sorted(folder.glob(f"{prefix}_*.txt"))
    if not found:
        raise SeedError(f"{folder}: no seed file '{prefix}_*.txt'")
    return found[0]


def import_seeds(folder: Path) -> tuple[Catalogue, ImportLog]:
    log = ImportLog()
    if not folder.is_dir():
        raise SeedError(f"{folder}: not a directory")
    curriculum = CurriculumParser(_seed(folder, "002"), log).parse()
    emm = import_emm(_seed(folder, "004"), log)
    known = {t.id for t in curriculum.topics}
    courses = [topic_course(t, known, log, curriculum_file=_seed(folder, "002").name) for t in curriculum.topics]
    for course in courses:
        object.__setattr__(course, "further_study", further_study(course, emm))
    courses += [import_course_outline(_seed(folder, p), log) for p in ("000", "001", "003")]
    return Catalogue(CURRICULUM_TITLE, "en", tuple(curriculum.modules), tuple(courses), emm), log


def topic_course(t: TopicDraft, known: set[str], log: ImportLog, curriculum_file: str) -> Course:
    return Course(
        id=t.id,
        title=t.title,
        kind="topic",
        language="en",
        summary="\n\n".join(t.summary),
        outcomes=tuple(Outcome(f"O{i}", text) for i, text in enumerate(t.outcomes, 1)),
        sessions=session_ids(t, log, curriculum_file),
        audience=tuple(t.audience),
        format=tuple(t.format),
        resource_persons=tuple(t.resource_persons),
        materials=tuple(t.materials),
        links=resolve_links(t, known, log, curriculum_file),
        module=f"M{t.module:02d}",
        topic=t.number,
        part=t.part,
        source=SourceRef(curriculum_file, t.line),
    )


def session_ids(t: TopicDraft, log: ImportLog, file: str) -> tuple[Session, ...]:
    """``S<number>`` as printed; a repeated number gets ``b``, ``c``… so ids stay unique."""
    used: set[str] = set()
    sessions = []
    for k, s in enumerate(t.sessions):
        sid = f"S{s['number']}"
        suffix = iter("bcdefgh")
        while sid in used:
            sid = f"S{s['number']}{next(suffix)}"
        if sid != f"S{s['number']}":
            log.warn(file, s["line"], f"{t.id}: session number {s['number']} repeats; kept, with id {sid}")
        elif k and s["number"] > t.sessions[k - 1]["number"] + 1:
            previous = t.sessions[k - 1]["number"]
            log.warn(file, s["line"], f"{t.id}: session numbers skip from {previous} to {s['number']}")
        if not s["items"]:
            log.warn(file, s["line"], f"{t.id}: session {sid} has no items")
        used.add(sid)
        sessions.append(Session(sid, s["number"], s["title"], tuple(s["items"]), label=s["label"]))
    return tuple(sessions)


def resolve_links(t: TopicDraft, known: set[str], log: ImportLog, file: str) -> tuple[TopicLink, ...]:
    links: list[TopicLink] = []
    for link in t.links:
        if link.course == t.id:
            log.note(file, t.line, f"{t.id}: link to itself ('{link.text}') dropped")
        elif link.course not in known:
            log.warn(file, t.line, f"{t.id}: link '{link.text}' names {link.course}, which does not exist; dropped")
        elif all(x.course != link.course for x in links):
            links.append(link)
    return tuple(links)


def further_study(course: Course, emm) -> tuple[str, ...]:
    """EMM sections whose title the topic names (in its title, sessions or items)."""
    text = " ".join(
        [course.title] + [s.title for s in course.sessions] + [i.text for s in course.sessions for i in s.items]
    ).lower()
    found = []
    for volume in emm.volumes:
        for section in volume.sections:
            title = section.title.lower()
            subject = re.sub(r"^migration and ", "", title)
            if title in text or (subject != title and re.search(rf"\bmigration and {re.escape(subject)}\b",
                                                                   course.title.lower())):
                found.append(section.number)
    return tuple(found)
