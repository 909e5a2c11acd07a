"""Importer for the EMM manual description (seed 004): volumes and their numbered sections."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import EmmManual, EmmSection, EmmVolume
from .text import ImportLog

VOLUME = re.compile(r"^VOLUME (ONE|TWO|THREE|FOUR)\s*:\s*(.+)$")
SECTION = re.compile(r"^-\s*(\d+)\.(\d+)\s+(.+)$")
NUMBERS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4}
TITLE = "The Essentials of Migration Management: A Guide for Policy Makers and Practitioners"


def import_emm(path: Path, log: ImportLog) -> EmmManual:
    lines = path.read_text(encoding="utf-8").splitlines()
    volumes: list[tuple[int, str, list[EmmSection]]] = []
    year, languages, purpose, in_purpose = None, (), [], False
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if m := re.match(r"^(\d{4}) - .*Available in (.+)$", text):
            year = int(m.group(1))
            languages = tuple(x.strip() for x in re.split(r",| and ", m.group(2)) if x.strip())
            log.note(path.name, number, f"EMM: published {year}, languages {', '.join(languages)}")
        elif text == "PURPOSE AND TARGET GROUP":
            in_purpose = True
        elif in_purpose and text.isupper() and text:
            in_purpose = False
        elif in_purpose and text:
            purpose.append(text)
        elif m := VOLUME.match(text):
            volumes.append((NUMBERS[m.group(1)], m.group(2).strip().title(), []))
        elif (m := SECTION.match(text)) and volumes:
            if int(m.group(1)) != volumes[-1][0]:
                log.warn(path.name, number, f"section {m.group(1)}.{m.group(2)} listed under volume {volumes[-1][0]}")
            volumes[-1][2].append(EmmSection(f"{m.group(1)}.{m.group(2)}", m.group(3).strip()))
    total = sum(len(v[2]) for v in volumes)
    log.note(path.name, 1, f"EMM: {len(volumes)} volumes, {total} sections")
    return EmmManual(
        title=TITLE,
        year=year,
        languages=languages,
        purpose="\n\n".join(purpose),
        volumes=tuple(EmmVolume(n, t, tuple(s)) for n, t, s in volumes),
    )
