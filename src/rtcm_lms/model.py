"""The content model: one in-memory Catalogue that every builder reads.

Frozen dataclasses, no I/O. Identifiers come from content paths (``M03-T08``, ``M03-T08-S2``,
``M03-T08-O1``, ``M03-T08-Q07``), never from list order, time or a content hash: Moodle matches
SCORM items by identifier and deletes learners' tracks for identifiers that vanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SourceRef:
    """Where a piece of content came from, so a reader can open the seed beside it."""

    file: str
    line: int


@dataclass(frozen=True)
class Outcome:
    id: str  # local id, "O1"; full id is f"{course.id}-{id}"
    text: str


@dataclass(frozen=True)
class Item:
    """One sub-item of a session; ``letter`` is what the seed says (may be empty)."""

    letter: str
    text: str


@dataclass(frozen=True)
class Session:
    id: str  # local id, "S2" (a duplicated seed number gets a suffix: "S5b")
    number: int  # the number the seed prints, duplicates kept
    title: str
    items: tuple[Item, ...]
    label: str = "Session"  # "Session", "Section" or "Module" (two-week courses)
    week: int | None = None


@dataclass(frozen=True)
class Material:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class TopicLink:
    course: str  # target course id, e.g. "M06-T02"
    text: str  # the wording in the seed, e.g. "Module 6, Topic 2,3,4"


@dataclass(frozen=True)
class Page:
    """Authored Markdown prose that belongs to a course (``*.md`` beside course.yaml)."""

    id: str  # file stem, e.g. "S1" (appended to session 1) or "background"
    title: str
    markdown: str
    media: tuple[tuple[str, Path], ...] = ()  # (path as written, e.g. "media/map.png"; the file on disk)


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    kind: str  # "topic" (a curriculum topic) or "course" (a stand-alone two-week course)
    language: str
    summary: str  # Markdown
    outcomes: tuple[Outcome, ...]
    sessions: tuple[Session, ...]
    audience: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    resource_persons: tuple[str, ...] = ()
    materials: tuple[Material, ...] = ()
    links: tuple[TopicLink, ...] = ()
    further_study: tuple[str, ...] = ()  # EMM section numbers, e.g. "3.1"
    pages: tuple[Page, ...] = ()
    module: str | None = None  # "M03" for topics
    topic: int | None = None
    part: str | None = None  # subtitle such as "Part I: Definition of the Concept ..."
    introduction: str = ""  # two-week courses
    methodologies: tuple[str, ...] = ()
    benefits_to_participants: tuple[str, ...] = ()
    benefits_to_organisation: tuple[str, ...] = ()
    action_plan: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    source: SourceRef | None = None
    evaluation: Evaluation | None = None  # the forms this course's packages carry (default set or override)

    @property
    def full_title(self) -> str:
        """Title with its part, since parts of one topic share a title (M03-T01 and M03-T02)."""
        return f"{self.title} — {self.part}" if self.part else self.title

    def outcome(self, local_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == local_id), None)

    def session(self, local_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == local_id), None)


# --- training evaluation (curriculum ch. 7: pre-training questionnaire, post-training form) ---------
EVALUATION_TYPES = ("choice", "sessions", "text", "rating")
RATING_POINTS = 5  # every rating question uses the same 1..5 scale (UI strings eval_scale_1..5)


@dataclass(frozen=True)
class EvaluationOption:
    id: str  # recorded as the answer, e.g. "policy"
    text: str = ""  # literal wording, in the course language
    string: str = ""  # or a UI string key, translated with the player (scorm_templates/player/i18n/)


@dataclass(frozen=True)
class EvaluationQuestion:
    """One question of a form; wording is ``text`` or the UI string ``string``. ``sessions`` questions
    offer the course's sessions as choices; ``rating`` questions use the 1..RATING_POINTS scale."""

    id: str  # "field"; see Evaluation.interaction_id
    type: str  # one of EVALUATION_TYPES
    text: str = ""
    string: str = ""
    options: tuple[EvaluationOption, ...] = ()  # choice

    def option(self, option_id: str) -> EvaluationOption | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Evaluation:
    pre: tuple[EvaluationQuestion, ...] = ()  # "Before you start" (at most 3 questions)
    post: tuple[EvaluationQuestion, ...] = ()  # "Evaluate this course"

    @staticmethod
    def interaction_id(form: str, question_id: str) -> str:
        """The cmi.interactions id an answer is recorded under: ``eval-pre-field``, ``eval-relevance``."""
        return f"eval-pre-{question_id}" if form == "pre" else f"eval-{question_id}"

    def questions(self) -> dict[str, tuple[str, EvaluationQuestion]]:
        """Interaction id -> (form, question), for reading answers back from an LMS."""
        return {self.interaction_id(form, q.id): (form, q)
                for form in ("pre", "post") for q in getattr(self, form)}  # fmt: skip


@dataclass(frozen=True)
class SdgTarget:
    code: str  # "10.7"
    text: str


@dataclass(frozen=True)
class GcmObjective:
    number: int
    text: str


@dataclass(frozen=True)
class Module:
    id: str  # "M03"
    number: int
    title: str
    introduction: str  # Markdown
    objectives: tuple[str, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()
    gcm_objectives: tuple[GcmObjective, ...] = ()
    connected_modules: str = ""
    source: SourceRef | None = None


@dataclass(frozen=True)
class EmmSection:
    number: str  # "2.7"
    title: str


@dataclass(frozen=True)
class EmmVolume:
    number: int
    title: str
    sections: tuple[EmmSection, ...]


@dataclass(frozen=True)
class EmmManual:
    title: str
    year: int | None
    languages: tuple[str, ...]
    purpose: str
    volumes: tuple[EmmVolume, ...]

    def section(self, number: str) -> EmmSection | None:
        return next((s for v in self.volumes for s in v.sections if s.number == number), None)


@dataclass(frozen=True)
class Catalogue:
    title: str
    language: str
    modules: tuple[Module, ...]
    courses: tuple[Course, ...]
    emm: EmmManual | None = None
    banks: tuple[QuizBank, ...] = ()
    _index: dict[str, Course] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({c.id: c for c in self.courses})

    def bank(self, course_id: str) -> QuizBank | None:
        return next((b for b in self.banks if b.course == course_id), None)

    def course(self, course_id: str) -> Course | None:
        return self._index.get(course_id)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def courses_of(self, module_id: str) -> tuple[Course, ...]:
        return tuple(c for c in self.courses if c.module == module_id)


# --- self-assessment -------------------------------------------------------------------------------
QUESTION_TYPES = ("single", "multiple", "truefalse", "matching", "ordering", "shortanswer")


@dataclass(frozen=True)
class Option:
    id: str  # "a", "b", … by position
    text: str  # Markdown
    correct: bool
    feedback: str


@dataclass(frozen=True)
class MatchPair:
    id: str  # "a", "b", … by position
    prompt: str
    match: str


@dataclass(frozen=True)
class Question:
    id: str  # local id, "Q07"; full id is f"{bank.course}-{id}"
    type: str
    stem: str  # Markdown
    outcomes: tuple[str, ...]
    feedback: str = ""
    options: tuple[Option, ...] = ()  # single, multiple
    answer: bool | None = None  # truefalse
    feedback_true: str = ""
    feedback_false: str = ""
    pairs: tuple[MatchPair, ...] = ()  # matching
    items: tuple[str, ...] = ()  # ordering, in the correct order
    answers: tuple[str, ...] = ()  # shortanswer variants
    case_sensitive: bool = False
    session: str | None = None
    difficulty: str = "medium"
    source: str = ""

    @property
    def correct_options(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.correct)


@dataclass(frozen=True)
class Pool:
    id: str
    draw: int
    questions: tuple[str, ...]


@dataclass(frozen=True)
class QuizBank:
    course: str
    language: str
    pass_mark: int
    shuffle_answers: bool
    attempts: int
    questions: tuple[Question, ...]
    pools: tuple[Pool, ...] = ()

    def question(self, local_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == local_id), None)

    @property
    def questions_per_attempt(self) -> int:
        return sum(p.draw for p in self.pools) if self.pools else len(self.questions)
