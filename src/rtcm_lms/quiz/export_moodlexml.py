"""QuizBank -> Moodle XML (the format Moodle's qformat_xml imports).

Questions go into a category per course, ``$course$/top/RTCM/<module>/<course>``; our question ids
are kept in ``idnumber`` (``M01-T01-Q05``) so a re-import can be matched to what is already there.
Ordering questions have no core type in Moodle 4.3 (qtype_ordering is a plugin), so they become
"select missing words" (gapselect) questions: one gap per position, the items as the choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Course, Question, QuizBank
from ..render import inline_html, markdown_html, render_template
from .fractions import multiple_response

PENALTY = "0.3333333"  # Moodle's default for a wrong try in interactive mode


@dataclass
class MoodleQuestion:
    full_id: str
    name: str
    moodle_type: str
    stem: str
    feedback: str
    penalty: str = PENALTY
    single: bool = True
    case_sensitive: bool = False
    answers: list = field(default_factory=list)
    subquestions: list = field(default_factory=list)
    choices: list = field(default_factory=list)
    tags: list = field(default_factory=list)


def category_path(course: Course) -> str:
    return "/".join(["$course$", "top", "RTCM", course.module or "courses", course.id])


def question_name(q: Question, limit: int = 60) -> str:
    plain = re.sub(r"[*_`#>\[\]]", "", q.stem).split("\n")[0].strip()
    return plain if len(plain) <= limit else plain[: limit - 1].rsplit(" ", 1)[0] + "…"


def to_moodle(course: Course, q: Question) -> MoodleQuestion:
    mq = MoodleQuestion(
        full_id=f"{course.id}-{q.id}",
        name=question_name(q),
        moodle_type={"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                     "matching": "match", "shortanswer": "shortanswer", "ordering": "gapselect"}[q.type],
        stem=str(markdown_html(q.stem)),
        feedback=str(markdown_html(q.feedback)),
        tags=[f"outcome-{course.id}-{o}" for o in q.outcomes] + [f"difficulty-{q.difficulty}"],
    )  # fmt: skip
    if q.type in {"single", "multiple"}:
        n_correct = len(q.correct_options)
        n_wrong = len(q.options) - n_correct
        mq.single = q.type == "single"
        mq.answers = [
            {"fraction": ("100" if o.correct else "0") if mq.single
             else multiple_response(o.correct, n_correct, n_wrong),
             "text": str(inline_html(o.text)), "feedback": str(markdown_html(o.feedback))}
            for o in q.options
        ]  # fmt: skip
    elif q.type == "truefalse":
        mq.penalty = "1.0000000"  # guessing the other value after a wrong try earns nothing
        mq.answers = [
            {"text": "true", "fraction": "100" if q.answer else "0", "feedback": str(markdown_html(q.feedback_true))},
            {"text": "false", "fraction": "0" if q.answer else "100", "feedback": str(markdown_html(q.feedback_false))},
        ]
    elif q.type == "matching":
        mq.subquestions = [{"prompt": str(inline_html(p.prompt)), "match": p.match} for p in q.pairs]
    elif q.type == "shortanswer":
        mq.answers = list(q.answers)
        mq.case_sensitive = q.case_sensitive
    elif q.type == "ordering":
        gaps = "".join(f"<p>{n}. [[{n}]]</p>" for n in range(1, len(q.items) + 1))
        mq.stem += gaps
        mq.choices = list(q.items)
    return mq


def export_moodlexml(course: Course, bank: QuizBank, module_title: str = "") -> str:
    info = f"Self-assessment of {course.full_title}" + (f" ({module_title})" if module_title else "")
    return render_template(
        "quiz/moodle.xml.j2",
        course=course,
        category=category_path(course),
        category_info=info,
        shuffle=bank.shuffle_answers,
        questions=[to_moodle(course, q) for q in bank.questions],
    )
