"""Sample course data for the player's browser tests (the JSON contract the builders embed)."""

from __future__ import annotations

import json
from typing import Any

from rtcm_lms.player import text_direction, ui_strings


def _choice(qid: str, stem: str, options: list[tuple[str, str, bool, str]], multiple: bool = False) -> dict:
    return {
        "id": qid,
        "type": "multiple" if multiple else "single",
        "stem": f"<p>{stem}</p>",
        "outcomes": ["O1"],
        "options": [
            {"id": i, "html": h, "correct": c, "feedback": f"<p>{fb}</p>" if fb else ""} for i, h, c, fb in options
        ],
        "feedback": f"<p>General feedback for {qid}.</p>",
    }


def sample_questions(prefix: str = "M01-T01-") -> list[dict]:
    """One question of each type, with feedback texts the tests look for."""
    return [
        _choice(
            prefix + "Q01",
            "Which body is the UN migration agency?",
            [
                ("a", "IOM", True, "Right: IOM joined the UN system in 2016."),
                ("b", "UNHCR", False, "UNHCR is the refugee agency."),
                ("c", "ILO", False, "ILO works on labour standards."),
            ],
        ),
        _choice(
            prefix + "Q02",
            "Which are drivers of migration?",
            [
                ("a", "Conflict", True, ""),
                ("b", "Climate change", True, ""),
                ("c", "Time zones", False, "Time zones do not drive migration."),
            ],
            multiple=True,
        ),
        {
            "id": prefix + "Q03",
            "type": "truefalse",
            "stem": "<p>Remittances exceed official aid.</p>",
            "outcomes": ["O2"],
            "answer": True,
            "feedback_true": "<p>Yes, by far.</p>",
            "feedback_false": "<p>They are about three times larger.</p>",
            "feedback": "",
        },
        {
            "id": prefix + "Q04",
            "type": "matching",
            "stem": "<p>Match each term to its meaning.</p>",
            "outcomes": ["O2"],
            "pairs": [
                {"id": "a", "prompt": "<p>Emigrant</p>", "match": "Leaves a country"},
                {"id": "b", "prompt": "<p>Immigrant</p>", "match": "Arrives in a country"},
                {"id": "c", "prompt": "<p>Returnee</p>", "match": "Comes back home"},
            ],
            "feedback": "<p>Matching feedback.</p>",
        },
        {
            "id": prefix + "Q05",
            "type": "ordering",
            "stem": "<p>Put the steps in order.</p>",
            "outcomes": ["O3"],
            "items": [
                {"id": "a", "html": "Identify"},
                {"id": "b", "html": "Assess"},
                {"id": "c", "html": "Refer"},
                {"id": "d", "html": "Follow up"},
            ],
            "feedback": "<p>Ordering feedback.</p>",
        },
        {
            "id": prefix + "Q06",
            "type": "shortanswer",
            "stem": "<p>In which city is IOM headquartered?</p>",
            "outcomes": ["O1"],
            "answers": ["Geneva", "Genève"],
            "case_sensitive": False,
            "feedback": "<p>IOM's headquarters are in Geneva.</p>",
        },
    ]


def big_bank(prefix: str = "M01-T01-") -> list[dict]:
    """30 questions (five of each type) for the suspend_data size test."""
    bank = []
    for round_ in range(5):
        for q in sample_questions(prefix):
            q = json.loads(json.dumps(q))
            q["id"] = f"{q['id']}-{round_}"
            bank.append(q)
    return bank


def sample_course(standard: str, lang: str = "en", questions: list[dict] | None = None, **quiz: Any) -> dict:
    rtl = text_direction(lang) == "rtl"
    title = "السياق العالمي للهجرة" if rtl else "The Global Context of Migration"
    return {
        "schema": 1,
        "standard": standard,
        "version": "0.1.0",
        "course": {
            "id": "M01-T01",
            "title": title,
            "module": "Module 1 — Introduction to International Migration",
            "lang": lang,
            "dir": text_direction(lang),
        },
        "strings": ui_strings(lang),
        "pages": [
            {
                "id": "overview",
                "title": "نظرة عامة" if rtl else "Overview",
                "html": "<p>This topic introduces <strong>international migration</strong>.</p>"
                "<h2>Learning outcomes</h2><ul><li>Describe trends</li><li>Name actors</li></ul>",
            },
            {
                "id": "S1",
                "title": "Session 1: Trends",
                "html": "<p>Around 281 million people lived outside their country of birth in 2020.</p>"
                "<table><caption>Stocks</caption>"
                "<tr><th scope='col'>Year</th><th scope='col'>Migrants</th></tr>"
                "<tr><td>2000</td><td>173 million</td></tr></table>",
            },
            {
                "id": "resources",
                "title": "Resources",
                "html": "<ul><li><a href='https://example.org/wmr' target='_blank' rel='noopener'>"
                "World Migration Report</a></li></ul>",
            },
        ],
        "quiz": {
            "pass_mark": 70,
            "shuffle_answers": True,
            "attempts": 0,
            "pools": [],
            "questions": questions if questions is not None else sample_questions(),
            **quiz,
        },
        "evaluation": None,
    }
