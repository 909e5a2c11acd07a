"""The JSON a SCORM package embeds for the learner player (contract: scorm_templates/player/)."""

from __future__ import annotations

from ..course_pages import course_pages
from ..model import Catalogue, Course, Evaluation, EvaluationQuestion, Question, QuizBank
from ..player import text_direction, ui_strings
from ..render import inline_html, markdown_html

SCHEMA = 1


def question_json(q: Question) -> dict:
    data: dict = {"id": q.id, "type": q.type, "stem": str(markdown_html(q.stem)), "outcomes": list(q.outcomes),
                  "feedback": str(markdown_html(q.feedback))}  # fmt: skip
    if q.type in {"single", "multiple"}:
        data["options"] = [
            {"id": o.id, "html": str(inline_html(o.text)), "correct": o.correct, "feedback": str(markdown_html(o.feedback))}
            for o in q.options
        ]
    elif q.type == "truefalse":
        data.update(answer=q.answer, feedback_true=str(markdown_html(q.feedback_true)),
                    feedback_false=str(markdown_html(q.feedback_false)))  # fmt: skip
    elif q.type == "matching":
        data["pairs"] = [{"id": p.id, "prompt": str(inline_html(p.prompt)), "match": p.match} for p in q.pairs]
    elif q.type == "ordering":
        data["items"] = [{"id": chr(ord("a") + i), "html": str(inline_html(t))} for i, t in enumerate(q.items)]
    elif q.type == "shortanswer":
        data.update(answers=list(q.answers), case_sensitive=q.case_sensitive)
    return data


def quiz_json(bank: QuizBank | None) -> dict | None:
    if bank is None or not bank.questions:
        return None
    return {
        "pass_mark": bank.pass_mark,
        "shuffle_answers": bank.shuffle_answers,
        "attempts": bank.attempts,
        "pools": [{"id": p.id, "draw": p.draw, "questions": list(p.questions)} for p in bank.pools],
        "questions": [question_json(q) for q in bank.questions],
    }


def evaluation_question_json(form: str, q: EvaluationQuestion, course: Course, strings: dict[str, str]) -> dict:
    """A question with its wording resolved in the course language; ``sessions`` become choices."""

    def wording(x) -> str:
        return strings[x.string] if x.string else x.text

    data: dict = {"id": Evaluation.interaction_id(form, q.id), "type": q.type, "text": wording(q)}
    if q.type == "sessions":
        data["type"] = "choice"
        data["options"] = [{"id": s.id, "text": f"{s.label} {s.number}: {s.title}"} for s in course.sessions]
    elif q.type == "choice":
        data["options"] = [{"id": o.id, "text": wording(o)} for o in q.options]
    return data


def evaluation_json(course: Course, strings: dict[str, str]) -> dict | None:
    """The "Before you start" and "Evaluate this course" forms; None when the course has neither."""
    ev = course.evaluation
    if ev is None or not (ev.pre or ev.post):
        return None
    return {form: [evaluation_question_json(form, q, course, strings) for q in getattr(ev, form)]
            for form in ("pre", "post")}  # fmt: skip


def module_label(catalogue: Catalogue, course: Course) -> str:
    module = catalogue.module(course.module) if course.module else None
    return f"Module {module.number}: {module.title}" if module else catalogue.title


def player_data(catalogue: Catalogue, course: Course, standard: str, version: str) -> dict:
    lang = course.language
    strings = ui_strings(lang)
    return {
        "schema": SCHEMA,
        "standard": standard,
        "version": version,
        "course": {"id": course.id, "title": course.full_title, "module": module_label(catalogue, course), "lang": lang,
                   "dir": text_direction(lang)},  # fmt: skip
        "strings": strings,
        "pages": [{"id": p.id, "title": p.title, "html": p.html} for p in course_pages(catalogue, course)],
        "quiz": quiz_json(catalogue.bank(course.id)),
        "evaluation": evaluation_json(course, strings),
    }
