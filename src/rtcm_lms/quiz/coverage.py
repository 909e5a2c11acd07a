"""Which questions assess which outcome, and the quality bar every bank must meet."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Catalogue, Course, QuizBank

MIN_QUESTIONS = 12
MIN_TYPES = 3
MIN_PER_OUTCOME = 2


@dataclass(frozen=True)
class CourseCoverage:
    course: str
    outcomes: dict[str, list[str]]  # outcome id -> question ids
    questions: int
    types: tuple[str, ...]
    has_bank: bool

    @property
    def problems(self) -> list[str]:
        if not self.has_bank:
            return ["no quiz bank"]
        out = [f"outcome {o} is assessed by {len(qs)} question(s), needs {MIN_PER_OUTCOME}"
               for o, qs in self.outcomes.items() if len(qs) < MIN_PER_OUTCOME]  # fmt: skip
        if self.questions < MIN_QUESTIONS:
            out.append(f"{self.questions} questions, needs at least {MIN_QUESTIONS}")
        if len(self.types) < MIN_TYPES:
            out.append(f"{len(self.types)} question type(s), needs at least {MIN_TYPES}")
        return out


def course_coverage(course: Course, bank: QuizBank | None) -> CourseCoverage:
    outcomes = {o.id: [] for o in course.outcomes}
    for q in bank.questions if bank else ():
        for oid in q.outcomes:
            outcomes.setdefault(oid, []).append(q.id)
    types = tuple(sorted({q.type for q in bank.questions})) if bank else ()
    return CourseCoverage(course.id, outcomes, len(bank.questions) if bank else 0, types, bank is not None)


def coverage(catalogue: Catalogue, course_ids: tuple[str, ...] = ()) -> list[CourseCoverage]:
    courses = [catalogue.course(c) for c in course_ids] if course_ids else list(catalogue.courses)
    return [course_coverage(c, catalogue.bank(c.id)) for c in courses]
