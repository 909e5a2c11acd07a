"""The JSON a SCORM package embeds for the learner player (contract: scorm_templates/player/)."""

from __future__ import annotations

from ..course_pages import course_pages
from ..model import Catalogue, Course, Question, QuizBank
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


def module_label(catalogue: Catalogue, course: Course) -> str:
    module = catalogue.module(course.module) if course.module else None
    return f"Module {module.number}: {module.title}" if module else catalogue.title


def player_data(catalogue: Catalogue, course: Course, standard: str, version: str) -> dict:
    lang = course.language
    return {
        "schema": SCHEMA,
        "standard": standard,
        "version": version,
        "course": {"id": course.id, "title": course.full_title, "module": module_label(catalogue, course), "lang": lang,
                   "dir": text_direction(lang)},  # fmt: skip
        "strings": ui_strings(lang),
        "pages": [{"id": p.id, "title": p.title, "html": p.html} for p in course_pages(catalogue, course)],
        "quiz": quiz_json(catalogue.bank(course.id)),
        "evaluation": None,
    }
