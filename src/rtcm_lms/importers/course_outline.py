"""Importer for the stand-alone two-week course outlines (seeds 000, 001, 003).

These seeds are flat: a fixed set of section names, "- " bullets, "WEEK n: …" and "Module n: …" lines.
Each becomes one course; its "modules" become the course's sessions (``label: Module``).
"""

from __future__ import annotations

import re
from pathlib import Path

from slugify import slugify

from ..model import Course, Item, Outcome, Session, SourceRef
from .text import ImportLog

SECTIONS = {
    "executive summary": "summary",
    "introduction": "introduction",
    "course outcomes": "outcomes",
    "training methodologies": "methodologies",
    "benefits to participants": "benefits_to_participants",
    "benefits to sending organization": "benefits_to_organisation",
    "target participants": "audience",
    "action plan for implementation": "action_plan",
    "course features": "features",
}
WEEK = re.compile(r"^WEEK\s+(\d+)\s*:\s*(.+)$", re.I)
MODULE = re.compile(r"^Module\s+(\d+)\s*[:–-]\s*(.+)$")
TITLE = re.compile(r"^Course Title:\s*(.+)$")


def course_id(title: str) -> str:
    """Readable, stable id from the course title, without the generic suffix."""
    return slugify(re.sub(r"\s+Training Course$", "", title.strip()), max_length=60, word_boundary=True)


def import_course_outline(path: Path, log: ImportLog, language: str = "en") -> Course:
    lines = path.read_text(encoding="utf-8").splitlines()
    fields: dict[str, list[str]] = {}
    sessions: list[dict] = []
    title, title_line, section, week = None, 0, None, None
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        if m := TITLE.match(text):
            title, title_line = m.group(1).strip(), number
            continue
        if text.lower() in SECTIONS:
            section = SECTIONS[text.lower()]
            fields.setdefault(section, [])
            continue
        if m := WEEK.match(text):
            week, section = int(m.group(1)), "week"
            fields.setdefault("weeks", []).append(f"Week {week}: {m.group(2).strip()}")
            continue
        if (m := MODULE.match(text)) and section in {"week", "module"}:
            section = "module"
            sessions.append({"number": int(m.group(1)), "title": m.group(2).strip(), "week": week, "items": []})
            continue
        if section == "module" and text.startswith("- "):
            sessions[-1]["items"].append(text[2:].strip())
        elif section in {None, "week"}:
            log.warn(path.name, number, f"line outside any known section ignored: '{text[:60]}'")
        elif text.startswith("- "):
            fields[section].append(text[2:].strip())
        else:
            fields[section].append(text)
    if title is None:
        raise ValueError(f"{path.name}: no 'Course Title:' line")
    cid = course_id(title)
    outcomes = fields.get("outcomes", [])
    log.note(path.name, title_line, f"course {cid}: {len(sessions)} modules, {len(outcomes)} outcomes")
    return Course(
        id=cid,
        title=title,
        kind="course",
        language=language,
        summary="\n\n".join(fields.get("summary", [])),
        introduction="\n\n".join(fields.get("introduction", [])),
        outcomes=tuple(Outcome(f"O{i}", t.rstrip(".")) for i, t in enumerate(fields.get("outcomes", []), 1)),
        sessions=tuple(
            Session(f"S{s['number']}", s["number"], s["title"], tuple(Item("", t.rstrip(".")) for t in s["items"]),
                    label="Module", week=s["week"])  # fmt: skip
            for s in sessions
        ),
        audience=tuple(fields.get("audience", ())),
        methodologies=tuple(fields.get("methodologies", ())),
        benefits_to_participants=tuple(fields.get("benefits_to_participants", ())),
        benefits_to_organisation=tuple(fields.get("benefits_to_organisation", ())),
        action_plan=tuple(fields.get("action_plan", ())),
        features=tuple(fields.get("features", ())),
        format=("Two-week intensive course",),
        source=SourceRef(path.name, title_line),
    )
