"""QuizBank -> QTI 1.2 assessment in the IMS Common Cartridge profile (cc.exam.v0p1).

The CC profile has single/multiple choice, true/false and fill-in items only. Two documented
fallbacks keep every question: a matching question becomes one single-choice item per pair ("which
matches …?", all matches as choices; ids ``Q04-a``, ``Q04-b``…), and an ordering question becomes a
single-choice item whose options are the correct order and three wrong orders. Each fallback is
reported (``QtiExport.notes``) so that authors know what a cartridge learner sees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Course, Question, QuizBank
from ..render import inline_html, markdown_html, render_template

PROFILES = {"single": "cc.multiple_choice.v0p1", "truefalse": "cc.true_false.v0p1",
            "multiple": "cc.multiple_response.v0p1", "fib": "cc.fib.v0p1"}  # fmt: skip


@dataclass
class QtiItem:
    ident: str
    title: str
    kind: str  # single | multiple | truefalse | fib
    stem: str
    general_feedback: str
    choices: list[dict] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    case_sensitive: bool = False

    @property
    def profile(self) -> str:
        return PROFILES[self.kind]

    @property
    def correct_ident(self) -> str:
        return next(c["ident"] for c in self.choices if c["correct"])


@dataclass
class QtiExport:
    xml: str
    items: list[QtiItem]
    notes: list[str]


def _choice(ident: str, text: str, correct: bool, feedback: str = "") -> dict:
    return {"ident": ident, "html": str(inline_html(text)), "correct": correct,
            "feedback": str(markdown_html(feedback)) if feedback else ""}  # fmt: skip


def items_for(course: Course, q: Question, notes: list[str]) -> list[QtiItem]:
    ident = f"{course.id}-{q.id}"
    stem, general = str(markdown_html(q.stem)), str(markdown_html(q.feedback))
    if q.type in {"single", "multiple"}:
        choices = [_choice(f"{ident}-{o.id}", o.text, o.correct, o.feedback) for o in q.options]
        return [QtiItem(ident, q.id, q.type, stem, general, choices)]
    if q.type == "truefalse":
        choices = [_choice("true", "True", q.answer is True, q.feedback_true),
                   _choice("false", "False", q.answer is False, q.feedback_false)]  # fmt: skip
        return [QtiItem(ident, q.id, "truefalse", stem, general, choices)]
    if q.type == "shortanswer":
        return [QtiItem(ident, q.id, "fib", stem, general, answers=list(q.answers), case_sensitive=q.case_sensitive)]
    if q.type == "matching":
        notes.append(f"{course.id} {q.id}: matching has no QTI 1.2 CC form; written as {len(q.pairs)} "
                     "single-choice items, one per pair")  # fmt: skip
        matches = [p.match for p in q.pairs]
        return [
            QtiItem(f"{ident}-{p.id}", f"{q.id}-{p.id}", "single",
                    f"{stem}<p><strong>{inline_html(p.prompt)}</strong></p>", general,
                    [_choice(f"{ident}-{p.id}-{k}", m, m == p.match) for k, m in enumerate(matches, 1)])
            for p in q.pairs
        ]  # fmt: skip
    if q.type == "ordering":
        notes.append(f"{course.id} {q.id}: ordering has no QTI 1.2 CC form; written as a single-choice item "
                     "between the correct order and three wrong ones")  # fmt: skip
        rng = random.Random(ident)  # seeded by the id: the same wrong orders on every build
        orders = [list(q.items)]
        while len(orders) < min(4, _factorial(len(q.items))):
            candidate = rng.sample(list(q.items), len(q.items))
            if candidate not in orders:
                orders.append(candidate)
        rng.shuffle(orders)
        choices = [_choice(f"{ident}-{k}", " → ".join(order), order == list(q.items))
                   for k, order in enumerate(orders, 1)]
        return [QtiItem(ident, q.id, "single", stem, general, choices)]
    raise ValueError(f"unknown question type {q.type}")


def _factorial(n: int) -> int:
    out = 1
    for k in range(2, n + 1):
        out *= k
    return out


@lru_cache(maxsize=64)  # the cartridges and the QTI package of one course render the same assessment
def export_qti12(course: Course, bank: QuizBank) -> QtiExport:
    notes: list[str] = []
    items = [item for q in bank.questions for item in items_for(course, q, notes)]
    xml = render_template(
        "quiz/qti12_assessment.xml.j2",
        ident=f"QTI-{course.id}",
        title=f"Self-assessment: {course.full_title}",
        max_attempts="unlimited" if bank.attempts == 0 else str(bank.attempts),
        shuffle=bank.shuffle_answers,
        items=items,
    )
    return QtiExport(xml, items, notes)
