"""The training evaluation forms in the player, under scorm-again: "Before you start" on the overview and
"Evaluate this course" after the self-assessment. Answers reach the LMS as interactions with fixed ids
and types, never touch score or status, respect SCORM 1.2 limits visibly, and pass axe-core LTR and RTL."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from player_samples import sample_course
from test_player_a11y import axe_violations
from test_player_scorm import interactions

from rtcm_lms.builders.player_data import evaluation_json
from rtcm_lms.player import ui_strings
from rtcm_lms.project import load_project
from rtcm_lms.report.render import write_report

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
STANDARDS = ["scorm12", "scorm2004"]
ELEMENTS = {
    "scorm12": {"status": "cmi.core.lesson_status", "score": "cmi.core.score.raw", "response": "student_response",
                "time": "time"},
    "scorm2004": {"status": "cmi.success_status", "score": "cmi.score.raw", "response": "learner_response",
                  "time": "timestamp"},
}  # fmt: skip
EXPECTATIONS = "Practical cases on labour migration, please"
SUGGESTION = "More exercises on data sources"


@cache
def shipped_course():
    """The real M01-T01 with the default evaluation set of content/evaluation.yaml."""
    return load_project(REPO / "content").course("M01-T01")


def course_with_evaluation(standard: str, lang: str = "en", **changes) -> dict:
    data = sample_course(standard, lang=lang)
    data["evaluation"] = evaluation_json(shipped_course(), ui_strings(lang))
    data.update(changes)
    return data


def open_pre_form(session):
    frame = session.frame
    frame.get_by_role("button", name=session.data["strings"]["eval_pre_open"]).click()
    return frame.locator('form[data-form="pre"]')


def answer_pre(session, form=None) -> None:
    form = form or open_pre_form(session)
    form.get_by_role("radio", name=session.data["strings"]["eval_field_policy"]).check()
    form.get_by_label(session.data["strings"]["eval_pre_expectations"]).fill(EXPECTATIONS)
    form.get_by_role("radio", name=re.compile(r"^Session 2: ")).check()
    form.get_by_role("button", name=session.data["strings"]["eval_send"]).click()


def answer_post(session, ratings: dict[str, int], suggestion: str) -> None:
    strings = session.data["strings"]
    form = session.frame.locator('form[data-form="post"]')
    for dimension, value in ratings.items():
        group = form.get_by_role("group", name=strings[f"eval_{dimension}"])
        group.get_by_role("radio", name=re.compile(f"^{value} · ")).check()
    form.get_by_label(strings["eval_suggestions"]).fill(suggestion)
    form.get_by_role("button", name=strings["eval_post_send"]).click()


def evaluation_records(session) -> list[tuple[str, str, str, str]]:
    """(id, type, response, result) of every evaluation interaction, in the order recorded."""
    response = ELEMENTS[session.standard]["response"]
    records = [interactions(session.set_values())[n] for n in sorted(interactions(session.set_values()))]
    return [(r["id"], r["type"], r.get(response), r.get("result")) for r in records if r["id"].startswith("eval-")]


@pytest.mark.parametrize("standard", STANDARDS)
def test_answers_reach_the_lms_as_interactions_and_leave_score_and_status_alone(launch, standard):
    session = launch(course_with_evaluation(standard))
    strings = session.data["strings"]
    el = ELEMENTS[standard]
    answer_pre(session)
    assert session.frame.locator(".eval-thanks").inner_text().strip() == strings["eval_pre_thanks"]
    text_type = "fill-in" if standard == "scorm12" else "long-fill-in"
    assert evaluation_records(session) == [
        ("eval-pre-field", "fill-in", "policy", "neutral"),
        ("eval-pre-expectations", text_type, EXPECTATIONS, "neutral"),
        ("eval-pre-session", "fill-in", "S2", "neutral"),
    ]
    assert session.set_values().get(el["status"]) in (None, "incomplete"), "a questionnaire is not an attempt"

    session.take_quiz(right=False)
    before = session.set_values()
    assert before[el["score"]] == "0" and before[el["status"]] == "failed"
    calls_before = len(session.calls())
    session.frame.locator(".result-actions").get_by_role("button", name=strings["eval_post_title"]).click()
    assert session.frame.locator("#page-title").inner_text() == strings["eval_post_title"]
    answer_post(session, {"relevance": 4, "efficiency": 3, "effectiveness": 5, "impact": 2}, SUGGESTION)
    assert strings["eval_post_thanks"] in session.frame.locator(".eval-thanks").inner_text()

    records = evaluation_records(session)
    assert records[3:] == [
        ("eval-relevance", "likert", "4", "neutral"),
        ("eval-efficiency", "likert", "3", "neutral"),
        ("eval-effectiveness", "likert", "5", "neutral"),
        ("eval-impact", "likert", "2", "neutral"),
        ("eval-suggestions", text_type, SUGGESTION, "neutral"),
    ]
    # the quiz's interactions come first and keep their numbers: evaluation ones are appended
    numbered = interactions(session.set_values())
    assert [numbered[n]["id"] for n in sorted(numbered)][3:9] == [q["id"] for q in session.data["quiz"]["questions"]]
    written_after = {c["args"][0] for c in session.calls()[calls_before:] if c["fn"] == session.fn("SetValue")}
    assert not any(k.startswith(("cmi.core.score", "cmi.score", "cmi.core.lesson_status", "cmi.success_status",
                                 "cmi.completion_status")) for k in written_after)  # fmt: skip
    after = session.set_values()
    assert (after[el["score"]], after[el["status"]]) == ("0", "failed")
    assert all(c["error"] == "0" for c in session.calls(session.fn("SetValue"))), "the runtime accepted every value"
    if standard == "scorm2004":
        described = {r["id"]: r.get("description") for r in numbered.values()}
        assert described["eval-relevance"] == strings["eval_relevance"]
        assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", r["timestamp"]) for r in numbered.values())
    else:
        assert all(re.match(r"^\d\d:\d\d:\d\d$", r["time"]) for r in numbered.values())


def test_scorm12_free_text_shows_a_counter_and_is_shortened_visibly(launch):
    session = launch(course_with_evaluation("scorm12"))
    strings = session.data["strings"]
    session.go(strings["eval_post_title"])
    form = session.frame.locator('form[data-form="post"]')
    box = form.get_by_label(strings["eval_suggestions"])
    box.fill("x" * 200)
    counter = form.locator(".eval-count")
    assert counter.inner_text() == "200 of 255 characters"
    assert box.get_attribute("aria-describedby") == counter.get_attribute("id")
    text = "".join(f"{n:03d} " for n in range(75))  # 300 characters, each position readable
    box.fill(text)
    assert counter.inner_text().startswith("299 of 255 characters")  # the trailing space does not count
    assert "only the first 255 characters will be sent" in counter.inner_text()
    assert "is-over" in counter.get_attribute("class")
    session.player().wait_for_function("document.getElementById('announcer').textContent.includes('255')")
    form.get_by_role("button", name=strings["eval_post_send"]).click()
    assert "shortened to 255 characters" in session.frame.locator(".eval-thanks").inner_text()
    [record] = evaluation_records(session)
    assert record[:2] == ("eval-suggestions", "fill-in") and record[2] == text[:255]


def test_scorm2004_keeps_4000_characters_on_one_line(launch):
    session = launch(course_with_evaluation("scorm2004"))
    strings = session.data["strings"]
    session.go(strings["eval_post_title"])
    form = session.frame.locator('form[data-form="post"]')
    form.get_by_label(strings["eval_suggestions"]).fill("{lang=fr} first line\n\nsecond line " + "y" * 4100)
    form.get_by_role("button", name=strings["eval_post_send"]).click()
    [record] = evaluation_records(session)
    assert record[1] == "long-fill-in" and len(record[2]) == 4000
    assert record[2].startswith("(lang=fr} first line second line yyy"), "one line, no language delimiter"
    assert all(c["error"] == "0" for c in session.calls("SetValue"))


def test_an_empty_form_asks_for_one_answer_and_records_nothing(launch):
    session = launch(course_with_evaluation("scorm12"))
    form = open_pre_form(session)
    form.get_by_role("button", name=session.data["strings"]["eval_send"]).click()
    assert form.get_by_role("alert").inner_text() == session.data["strings"]["eval_answer_one"]
    assert evaluation_records(session) == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_sent_forms_are_not_offered_again_after_a_resume(launch, standard):
    data = course_with_evaluation(standard)
    session = launch(data)
    answer_pre(session)
    session.go(data["strings"]["eval_post_title"])
    answer_post(session, {"relevance": 5}, "")
    values = session.set_values()
    suspend = values["cmi.suspend_data"]
    assert suspend.startswith("v1|") and "%7Epre" in suspend and "%7Epost" in suspend
    if standard == "scorm12":
        init = {"core": {"lesson_location": "overview", "entry": "resume"}, "suspend_data": suspend}
    else:
        init = {"location": "overview", "entry": "resume", "suspend_data": suspend}
    again = launch(data, init=init)
    assert again.frame.locator(".eval-card").count() == 0
    again.go(data["strings"]["eval_post_title"])
    assert again.frame.locator('form[data-form="post"]').count() == 0
    assert again.frame.locator(".eval-thanks").inner_text().strip() == data["strings"]["eval_post_thanks"]


def test_a_course_without_a_quiz_completes_without_the_evaluation_page(launch):
    session = launch(course_with_evaluation("scorm12", quiz=None))
    strings = session.data["strings"]
    for title in ("Session 1: Trends", "Resources"):
        session.go(title)
    assert session.set_values()["cmi.core.lesson_status"] == "completed"
    progress = session.frame.locator(".toc-progress p").inner_text()
    assert progress == "3 of 3 sections visited", "the evaluation page is not a section to visit"
    assert session.frame.locator(".pager-next").inner_text().endswith(strings["eval_post_title"])


def test_courses_with_evaluation_off_show_neither_form(launch):
    session = launch(course_with_evaluation("scorm12", evaluation=None))
    assert session.frame.locator(".eval-card").count() == 0
    toc = session.frame.get_by_role("navigation").inner_text()
    assert session.data["strings"]["eval_post_title"] not in toc


def test_a_course_with_only_the_post_form(launch):
    data = course_with_evaluation("scorm2004")
    data["evaluation"]["pre"] = []
    session = launch(data)
    assert session.frame.locator(".eval-card").count() == 0
    article = session.frame.locator("article.page")
    assert article.evaluate("a => [...a.childNodes].map(n => n.nodeName)")[:2] == ["H1", "DIV"], "nothing in between"
    session.go(data["strings"]["eval_post_title"])
    assert session.frame.locator('form[data-form="post"] fieldset').count() == 4


def test_review_mode_offers_no_form(launch):
    session = launch(course_with_evaluation("scorm12"), init={"core": {"lesson_mode": "review"}})
    assert session.frame.locator(".eval-card").count() == 0
    assert session.data["strings"]["eval_post_title"] not in session.frame.get_by_role("navigation").inner_text()


def test_forms_work_in_preview_without_recording(launch):
    session = launch(course_with_evaluation("none"))
    answer_pre(session)
    assert session.frame.locator(".eval-thanks").is_visible()
    assert session.calls() == []


def test_keyboard_opens_the_questionnaire_and_answers_it(launch):
    session = launch(course_with_evaluation("scorm12"))
    page, frame = session.page, session.player()
    frame.get_by_role("button", name=session.data["strings"]["eval_pre_open"]).focus()
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.name") == "eval-pre-0", "focus moves into the first radio group"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # radio groups move the choice with the arrow keys
    assert frame.evaluate("document.activeElement.value") == "border"
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("Short note")
    frame.locator('form[data-form="pre"] button[type="submit"]').focus()
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.className") == "eval-thanks"
    assert [r[:3] for r in evaluation_records(session)] == [
        ("eval-pre-field", "fill-in", "border"), ("eval-pre-expectations", "fill-in", "Short note")]


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_both_forms_have_no_axe_violations(launch, screenshots, lang):
    data = course_with_evaluation("scorm12", lang=lang)
    session = launch(data)
    strings = data["strings"]
    html = session.player().locator("html")
    assert html.get_attribute("dir") == ("ltr" if lang == "en" else "rtl")
    form = open_pre_form(session)
    assert form.is_visible()
    session.page.screenshot(path=str(screenshots / f"{lang}-eval-pre.png"), full_page=True)
    assert axe_violations(session) == [], "pre-training form"
    answer_pre(session, form)
    assert axe_violations(session) == [], "pre-training thanks"
    session.go(strings["eval_post_title"])
    post = session.frame.locator('form[data-form="post"]')
    post.get_by_label(strings["eval_suggestions"]).fill("z" * 260)
    session.page.screenshot(path=str(screenshots / f"{lang}-eval-post.png"), full_page=True)
    assert axe_violations(session) == [], "post-training form, text over the limit"
    post.get_by_role("button", name=strings["eval_post_send"]).click()
    assert axe_violations(session) == [], "post-training thanks"


def test_the_evaluation_report_has_no_axe_violations(page, server, site_root, small_project, screenshots):
    """The report's HTML (charts, tables, notes) from the recorded tracks of tests/fixtures/report/."""
    from test_report import META, two_courses  # the same figures the unit tests check

    shutil.copyfile(REPO / "content" / "evaluation.yaml", small_project / "content" / "evaluation.yaml")
    catalogue = load_project(small_project / "content")
    out = site_root / "report"
    write_report(two_courses(catalogue, with_names=True), out, {**META, "with_names": True})
    page.goto(f"{server}/report/index.html")
    assert page.locator("svg[role=img]").count() >= 6
    page.screenshot(path=str(screenshots / "evaluation-report.png"), full_page=True)
    page.add_script_tag(url="/lib/axe.js")
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""")
    assert violations == []
