"""Every bank's exports read back equal to the bank: Moodle XML, GIFT and QTI 1.2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree, html

from rtcm_lms.project import load_project
from rtcm_lms.quiz.export_gift import escape, export_gift
from rtcm_lms.quiz.export_moodlexml import export_moodlexml
from rtcm_lms.quiz.export_qti12 import export_qti12
from rtcm_lms.validate import schemas
from support.gift_reader import read_gift

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_project(REPO / "content")
BANKS = [b.course for b in CATALOGUE.banks]
# Moodle's standard grades (question_bank::fraction_options_full), as percentages.
MOODLE_GRADES = {100 / n for n in range(1, 11)} | {90.0, 80.0, 75.0, 70.0, 60.0, 40.0, 30.0, 5.0, 0.0}
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace folded."""
    if not fragment.strip():
        return ""
    return re.sub(r"\s+", " ", html.fromstring(f"<div>{fragment}</div>").text_content()).strip()


def md_text(markdown: str) -> str:
    from rtcm_lms.render import markdown_html

    return text_of(str(markdown_html(markdown)))


def test_there_are_banks_to_check():
    assert len(BANKS) >= 1


@pytest.mark.parametrize("course_id", BANKS)
def test_moodle_xml_reads_back_equal_to_the_bank(course_id):
    course, bank = CATALOGUE.course(course_id), CATALOGUE.bank(course_id)
    root = etree.fromstring(export_moodlexml(course, bank).encode())
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == f"$course$/top/RTCM/{course.module or 'courses'}/{course.id}"
    assert [q.findtext("idnumber") for q in questions] == [f"{course.id}-{q.id}" for q in bank.questions]
    for xq, q in zip(questions, bank.questions, strict=True):
        assert text_of(xq.findtext("questiontext/text")).startswith(md_text(q.stem)[:40])
        assert text_of(xq.findtext("generalfeedback/text")) == md_text(q.feedback)
        answers = xq.findall("answer")
        if q.type in {"single", "multiple"}:
            assert xq.get("type") == "multichoice"
            assert xq.findtext("single") == ("true" if q.type == "single" else "false")
            assert xq.findtext("shuffleanswers") == ("true" if bank.shuffle_answers else "false")
            fractions = [float(a.get("fraction")) for a in answers]
            assert all(min(abs(abs(f) - g) for g in MOODLE_GRADES) < 1e-3 for f in fractions)
            assert [f > 0 for f in fractions] == [o.correct for o in q.options]
            assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.01)
            assert [text_of(a.findtext("feedback/text")) for a in answers] == [md_text(o.feedback) for o in q.options]
        elif q.type == "truefalse":
            assert xq.get("type") == "truefalse"
            right = next(a.findtext("text") for a in answers if a.get("fraction") == "100")
            assert right == ("true" if q.answer else "false")
        elif q.type == "matching":
            assert xq.get("type") == "match"
            pairs = [(text_of(s.findtext("text")), s.findtext("answer/text")) for s in xq.findall("subquestion")]
            assert pairs == [(md_text(p.prompt), p.match) for p in q.pairs]
        elif q.type == "shortanswer":
            assert [a.findtext("text") for a in answers] == list(q.answers)
        elif q.type == "ordering":
            assert xq.get("type") == "gapselect"
            assert [o.findtext("text") for o in xq.findall("selectoption")] == list(q.items)
            assert xq.findtext("questiontext/text").count("[[") == len(q.items)


@pytest.mark.parametrize("course_id", BANKS)
def test_gift_reads_back_equal_to_the_bank(course_id):
    course, bank = CATALOGUE.course(course_id), CATALOGUE.bank(course_id)
    read = {q.id: q for q in read_gift(export_gift(course, bank))}
    for q in bank.questions:
        if q.type == "ordering":
            assert f"{course.id}-{q.id}" not in read
            continue
        g = read[f"{course.id}-{q.id}"]
        assert g.stem == q.stem.strip()
        assert g.general_feedback == q.feedback.strip()
        if q.type in {"single", "multiple"}:
            assert [a["text"] for a in g.answers] == [o.text for o in q.options]
            assert [a["feedback"] for a in g.answers] == [o.feedback for o in q.options]
            if q.type == "single":
                assert [a["mark"] == "=" for a in g.answers] == [o.correct for o in q.options]
            else:
                assert [float(a["weight"]) > 0 for a in g.answers] == [o.correct for o in q.options]
        elif q.type == "truefalse":
            assert g.truefalse is q.answer
            wrong, right = (q.feedback_false, q.feedback_true) if q.answer else (q.feedback_true, q.feedback_false)
            assert g.tf_feedback == (wrong, right)
        elif q.type == "matching":
            assert [(a["prompt"], a["match"]) for a in g.answers] == [(p.prompt, p.match) for p in q.pairs]
        elif q.type == "shortanswer":
            assert [a["text"] for a in g.answers] == list(q.answers)


def test_gift_escapes_its_special_characters():
    assert escape("a: b = c ~ d # e {f} \\ g") == "a\\: b \\= c \\~ d \\# e \\{f\\} \\\\ g"


@pytest.mark.parametrize("course_id", BANKS)
def test_qti_is_valid_and_keeps_every_key(course_id):
    course, bank = CATALOGUE.course(course_id), CATALOGUE.bank(course_id)
    export = export_qti12(course, bank)
    root = etree.fromstring(export.xml.encode())
    schema = schemas.load("cc11_qti").xsd
    assert schema.validate(root), schema.error_log.last_error
    items = {i.get("ident"): i for i in root.iter(f"{QTI}item")}
    for q in bank.questions:
        ident = f"{course.id}-{q.id}"
        if q.type in {"single", "truefalse"}:
            correct = {f"{ident}-{o.id}" for o in q.options if o.correct} if q.type == "single" else {
                "true" if q.answer else "false"}
            scored = items[ident].findall(f".//{QTI}respcondition[@continue='No']//{QTI}varequal")
            assert {v.text for v in scored} == correct
        elif q.type == "multiple":
            cond = items[ident].find(f".//{QTI}respcondition[@continue='No']/{QTI}conditionvar/{QTI}and")
            positive = {v.text for v in cond.findall(f"{QTI}varequal")}
            assert positive == {f"{ident}-{o.id}" for o in q.options if o.correct}
        elif q.type == "matching":
            assert {f"{ident}-{p.id}" for p in q.pairs} <= set(items)
        elif q.type == "ordering":
            assert ident in items and any(q.id in note for note in export.notes)
