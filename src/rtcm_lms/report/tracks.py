"""One SCORM attempt as Moodle stores it, read the same way for SCORM 1.2 and 2004.

Moodle keeps elements as the package set them, except that interaction indexes are written
``cmi.interactions_0.id`` by its own player (``cmi.interactions.0.id`` by other tools): both are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERACTION = re.compile(r"^cmi\.interactions[._](\d+)\.(id|type|result|student_response|learner_response)$")
ISO_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                          r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")  # fmt: skip
CMI_TIMESPAN = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$")
SUSPEND_VERSION = re.compile(r"^v(\d+)\|")
V1_FIELDS = 8  # scorm_templates/player/README.md, "suspend_data v1"
SCORM12_SUSPEND_MAX = 4096
BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Interaction:
    id: str
    type: str
    response: str
    result: str  # correct, wrong (1.2) / incorrect (2004), neutral (evaluation answers), ...

    @property
    def correct(self) -> bool | None:
        return True if self.result == "correct" else False if self.result in {"wrong", "incorrect"} else None


@dataclass(frozen=True)
class AttemptFacts:
    completed: bool
    passed: bool
    score: float | None
    seconds: float
    interactions: tuple[Interaction, ...]
    quiz_attempts: int | None  # self-assessment attempts started, from the player's suspend_data
    suspend_problem: str = ""  # "", "damaged", "newer" or "foreign"


def read_attempt(tracks: dict[str, str]) -> AttemptFacts:
    status = tracks.get("cmi.core.lesson_status", "")
    completion, success = tracks.get("cmi.completion_status", ""), tracks.get("cmi.success_status", "")
    finished = {"completed", "passed", "failed"}  # a 1.2 "failed" learner did finish the course
    completed = status in finished or completion == "completed" or success in finished
    scorm12 = any(element.startswith("cmi.core.") for element in tracks)
    quiz_attempts, problem = read_suspend_data(tracks.get("cmi.suspend_data", ""), scorm12)
    return AttemptFacts(
        completed=completed,
        passed=status == "passed" or success == "passed",
        score=_score(tracks),
        seconds=timespan_seconds(tracks.get("cmi.core.total_time") or tracks.get("cmi.total_time")
                                 or tracks.get("cmi.core.session_time") or tracks.get("cmi.session_time") or ""),
        interactions=interactions(tracks),
        quiz_attempts=quiz_attempts,
        suspend_problem=problem,
    )  # fmt: skip


def _score(tracks: dict[str, str]) -> float | None:
    for element, factor in (("cmi.core.score.raw", 1), ("cmi.score.raw", 1), ("cmi.score.scaled", 100)):
        try:
            return round(float(tracks[element]) * factor, 2)
        except (KeyError, ValueError):
            continue
    return None


def interactions(tracks: dict[str, str]) -> tuple[Interaction, ...]:
    """Interactions in the order they were recorded (by index)."""
    found: dict[int, dict[str, str]] = {}
    for element, value in tracks.items():
        if m := INTERACTION.match(element):
            found.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return tuple(
        Interaction(f.get("id", ""), f.get("type", ""), f.get("student_response", f.get("learner_response", "")),
                    f.get("result", ""))
        for _, f in sorted(found.items()) if f.get("id")
    )  # fmt: skip


def timespan_seconds(text: str) -> float:
    """SCORM 1.2 CMITimespan (``0001:02:03.5``) or 2004 ISO 8601 duration (``PT1H2M3.5S``); 0 if neither."""
    if m := CMI_TIMESPAN.match(text):
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    if text != "P" and (m := ISO_DURATION.match(text)):
        years, months, days, hours, minutes, seconds = (float(g or 0) for g in m.groups())
        return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
    return 0.0


def read_suspend_data(text: str, scorm12: bool = True) -> tuple[int | None, str]:
    """(self-assessment attempts, problem) from the player's suspend_data v1."""
    if not text:
        return None, ""
    version = SUSPEND_VERSION.match(text)
    if version is None:
        return None, "foreign"
    if version.group(1) != "1":
        return None, "newer"
    fields = text.split("|")
    # The player stays under 4000 characters (1.2) and escapes with whole %XX triplets: anything else was
    # cut short, e.g. by an LMS or a tool that kept only the first 4096 characters.
    cut = (scorm12 and len(text) >= SCORM12_SUSPEND_MAX) or BROKEN_ESCAPE.search(text)
    if cut or len(fields) != V1_FIELDS or not fields[2].isdigit():
        return None, "damaged"
    return int(fields[2]), ""
