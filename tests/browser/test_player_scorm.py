"""The player under a real SCORM runtime (scorm-again) in Debian's chromium: what the LMS receives."""

from __future__ import annotations

import re

import pytest
from player_samples import big_bank, sample_course

pytestmark = pytest.mark.browser

STANDARDS = ["scorm12", "scorm2004"]

# Expected interaction records, per question id suffix, for all-right answers.
EXPECTED_RIGHT = {
    "scorm12": {
        "Q01": ("choice", "a", "a"),
        "Q02": ("choice", "a,b", "a,b"),
        "Q03": ("true-false", "t", "t"),
        "Q04": ("matching", "a.1,b.2,c.3", "a.1,b.2,c.3"),
        "Q05": ("sequencing", "a,b,c,d", "a,b,c,d"),
        "Q06": ("fill-in", "GENEVA", "Geneva"),
    },
    "scorm2004": {
        "Q01": ("choice", "a", "a"),
        "Q02": ("choice", "a[,]b", "a[,]b"),
        "Q03": ("true-false", "true", "true"),
        "Q04": ("matching", "a[.]1[,]b[.]2[,]c[.]3", "a[.]1[,]b[.]2[,]c[.]3"),
        "Q05": ("sequencing", "a[,]b[,]c[,]d", "a[,]b[,]c[,]d"),
        "Q06": ("fill-in", "GENEVA", "Geneva"),
    },
}


def interactions(values: dict[str, str]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for key, value in values.items():
        m = re.match(r"cmi\.interactions\.(\d+)\.(.+)$", key)
        if m:
            out.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return out


def assert_status_committed_before_score(session, status: str, score: str) -> None:
    """Moodle grades and completes on the score's arrival with the status already stored, so the final
    status must reach the LMS in an earlier commit than the score."""
    calls = session.calls()
    last_status = max(i for i, c in enumerate(calls) if c["fn"] == session.fn("SetValue") and c["args"][0] == status)
    last_score = max(i for i, c in enumerate(calls) if c["fn"] == session.fn("SetValue") and c["args"][0] == score)
    commits = [i for i, c in enumerate(calls) if c["fn"] == session.fn("Commit")]
    assert any(last_status < i < last_score for i in commits)
    assert any(i > last_score for i in commits)


@pytest.mark.parametrize("standard", STANDARDS)
def test_all_right_answers_pass_with_exact_interactions(launch, standard):
    session = launch(sample_course(standard))
    session.take_quiz(right=True)
    result = session.frame.locator(".result")
    assert "100" in result.locator(".result-score").inner_text()

    values = session.set_values()
    is12 = standard == "scorm12"
    if is12:
        assert values["cmi.core.score.raw"] == "100"
        assert (values["cmi.core.score.min"], values["cmi.core.score.max"]) == ("0", "100")
        assert values["cmi.core.lesson_status"] == "passed"
        assert values["cmi.core.exit"] == ""
        assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", values["cmi.core.session_time"])
        assert_status_committed_before_score(session, "cmi.core.lesson_status", "cmi.core.score.raw")
    else:
        assert values["cmi.score.raw"] == "100"
        assert values["cmi.score.scaled"] == "1"
        assert values["cmi.completion_status"] == "completed"
        assert values["cmi.success_status"] == "passed"
        assert values["cmi.exit"] == "normal"
        assert re.fullmatch(r"PT\d+H\d+M\d+\.\d{2}S", values["cmi.session_time"])
        assert_status_committed_before_score(session, "cmi.success_status", "cmi.score.raw")

    records = interactions(values)
    assert len(records) == 6
    response_key = "student_response" if is12 else "learner_response"
    for record in records.values():
        suffix = record["id"].rsplit("-", 1)[1]
        kind, response, pattern = EXPECTED_RIGHT[standard][suffix]
        assert record["id"] == f"M01-T01-{suffix}"
        assert record["type"] == kind
        assert record[response_key] == response
        assert record["correct_responses.0.pattern"] == pattern
        assert record["result"] == "correct"
        assert record["objectives.0.id"].startswith("O")
        assert record["weighting"] == "1"
    # the runtime accepted every call
    assert all(c["result"] == "true" for c in session.calls(session.fn("SetValue"))), [
        c for c in session.calls(session.fn("SetValue")) if c["result"] != "true"
    ]
    stored = session.cmi()
    assert (stored["core"]["lesson_status"] if is12 else stored["success_status"]) == "passed"


@pytest.mark.parametrize("standard", STANDARDS)
def test_wrong_answers_fail_and_show_the_chosen_options_feedback(launch, standard):
    data = sample_course(standard)
    session = launch(data)
    session.start_quiz()
    seen_feedback = []
    for _ in data["quiz"]["questions"]:
        q = session.answer_current(right=False)
        feedback = session.frame.locator(".feedback")
        text = feedback.inner_text()
        assert data["strings"]["incorrect"] in text
        if q["id"].endswith("Q01"):
            # the chosen wrong option's own feedback, then the general feedback
            wrong = next(o for o in q["options"] if not o["correct"])
            assert wrong["feedback"][3:-4] in text
            assert "General feedback for" in text
            seen_feedback.append(q["id"])
        if q["id"].endswith("Q03"):
            assert "three times larger" in text
        if q["id"].endswith("Q06"):
            assert "Correct answer: Geneva" in text
        session.next_button().click()
    assert seen_feedback
    assert session.frame.locator(".result-fail").is_visible()

    values = session.set_values()
    records = interactions(values)
    assert {r["result"] for r in records.values()} == {"wrong" if standard == "scorm12" else "incorrect"}
    if standard == "scorm12":
        assert (values["cmi.core.score.raw"], values["cmi.core.lesson_status"]) == ("0", "failed")
        assert values["cmi.core.exit"] == "suspend"  # unlimited attempts left: come back and retry
    else:
        assert (values["cmi.score.raw"], values["cmi.success_status"]) == ("0", "failed")
        assert values["cmi.completion_status"] == "completed"


@pytest.mark.parametrize("standard", STANDARDS)
def test_leave_midway_then_resume_restores_location_answers_and_option_order(launch, standard):
    data = sample_course(standard)
    session = launch(data)
    session.go("Session 1: Trends")
    session.start_quiz()
    first_two = [session.answer_current(right=True)]
    session.next_button().click()
    first_two.append(session.answer_current(right=True))
    session.next_button().click()
    third = session.current_question()["id"]
    options_before = session.frame.locator("form.question").inner_text()
    session.close()

    values = session.set_values()
    is12 = standard == "scorm12"
    assert values["cmi.core.exit" if is12 else "cmi.exit"] == "suspend"
    assert len(session.calls(session.fn("Terminate"))) == 1
    suspend = values["cmi.suspend_data"]
    assert suspend.startswith("v1|")
    location = values["cmi.core.lesson_location" if is12 else "cmi.location"]

    if is12:
        init = {
            "core": {"lesson_location": location, "entry": "resume", "lesson_status": "incomplete"},
            "suspend_data": suspend,
        }
    else:
        init = {"location": location, "entry": "resume", "completion_status": "incomplete", "suspend_data": suspend}
    again = launch(data, init=init)
    assert again.frame.locator(".notice").get_by_text(data["strings"]["resume_notice"]).is_visible()
    assert again.frame.locator("#page-title").inner_text() == data["strings"]["quiz_title"]
    assert again.current_question()["id"] == third
    assert again.frame.locator("form.question").inner_text() == options_before  # same shuffled order
    assert again.frame.get_by_role("heading", name="Question 3 of 6").is_visible()
    # visited pages came back too
    assert again.frame.locator("nav .is-visited", has_text="Session 1: Trends").count() == 1
    # finish the rest right: the two answers given before leaving count towards the 100 %
    for _ in range(4):
        again.answer_current(right=True)
        again.next_button().click()
    assert "100" in again.frame.locator(".result-score").inner_text()
    assert again.set_values()["cmi.core.score.raw" if is12 else "cmi.score.raw"] == "100"


def test_suspend_data_stays_under_4096_for_scorm12_with_a_30_question_bank(launch):
    data = sample_course("scorm12", questions=big_bank())
    session = launch(data)
    session.start_quiz()
    long_answer = "Ответ " * 40  # Cyrillic: every letter costs six characters once percent-encoded
    for _ in range(30):
        q = session.current_question()
        if q["type"] == "shortanswer":
            session.frame.locator("form.question input[type=text]").fill(long_answer)
            session.frame.get_by_role("button", name=data["strings"]["check"]).click()
        else:
            session.answer_current(right=True)
        lengths = [len(c["args"][1]) for c in session.calls("LMSSetValue") if c["args"][0] == "cmi.suspend_data"]
        assert max(lengths) < 4096
        session.next_button().click()
    suspend = session.set_values()["cmi.suspend_data"]
    assert len(suspend) < 4096
    assert "!0" in suspend  # the long answers' details were dropped, their results kept
    score = session.set_values()["cmi.core.score.raw"]
    assert score == "83.33"  # 25 of 30 right: the degraded answers still count


@pytest.mark.parametrize("standard", STANDARDS)
def test_commit_on_visibilitychange_and_terminate_exactly_once(launch, standard):
    session = launch(sample_course(standard))
    commits = len(session.calls(session.fn("Commit")))
    session.hide()
    assert len(session.calls(session.fn("Commit"))) == commits + 1
    session.go("Resources")
    assert len(session.calls(session.fn("Commit"))) == commits + 2  # navigation commits too
    session.frame.get_by_role("button", name=session.data["strings"]["save_exit"]).click()
    assert session.frame.get_by_role("heading", name=session.data["strings"]["saved_title"]).is_visible()
    session.close()  # pagehide after an explicit exit must not terminate again
    assert len(session.calls(session.fn("Initialize"))) == 1
    assert len(session.calls(session.fn("Terminate"))) == 1
    terminate = session.calls(session.fn("Terminate"))[0]
    assert terminate["result"] == "true"


@pytest.mark.parametrize("standard", STANDARDS)
def test_pagehide_commits_and_terminates_once(launch, standard):
    session = launch(sample_course(standard))
    session.go("Session 1: Trends")
    session.close()
    calls = [c["fn"] for c in session.calls()]
    assert calls.count(session.fn("Terminate")) == 1
    assert calls.index(session.fn("Commit"), len(calls) - 3) < calls.index(session.fn("Terminate"))


def test_standalone_preview_shows_banner_and_still_works(launch):
    data = sample_course("none")
    session = launch(data)
    assert session.frame.get_by_text(data["strings"]["preview_mode"]).is_visible()
    assert session.frame.get_by_role("button", name=data["strings"]["save_exit"]).count() == 0
    session.take_quiz(right=True)
    assert "100" in session.frame.locator(".result-score").inner_text()
    assert session.calls() == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_scorm_package_outside_an_lms_plays_as_preview(launch, standard):
    """A SCORM package opened with no API in any parent frame still plays, and says nothing is saved."""
    data = sample_course(standard)
    session = launch(data, runtime="none")
    assert session.frame.get_by_text(data["strings"]["preview_mode"]).is_visible()
    session.go("Resources")
    assert session.frame.locator("#page-title").inner_text() == "Resources"


@pytest.mark.parametrize("suspend", ["v9|from|a|newer|player", "garbage without bars", "v1|broken", ""])
def test_unknown_or_damaged_suspend_data_starts_fresh(launch, suspend):
    data = sample_course("scorm12")
    init = {"core": {"lesson_location": "S1", "entry": "resume"}, "suspend_data": suspend}
    session = launch(data, init=init)
    assert session.frame.locator("#page-title").inner_text() == "Session 1: Trends"  # bookmark still honoured
    session.go(data["strings"]["quiz_title"])
    assert session.frame.get_by_role("button", name=data["strings"]["quiz_start"]).is_visible()
    assert session.set_values()["cmi.suspend_data"].startswith("v1|")


def test_old_suspend_data_naming_removed_questions_keeps_the_rest(launch):
    """A package update removed Q02: the attempt resumes with the questions that still exist."""
    data = sample_course("scorm2004")
    suspend = "v1|overview.S1|1|abc|||a|@Q01:a;@Q02:a.b;@Q99;@Q03"  # as v1 writes it
    data["quiz"]["questions"] = [q for q in data["quiz"]["questions"] if not q["id"].endswith("Q02")]
    session = launch(data, init={"location": "~quiz", "entry": "resume", "suspend_data": suspend})
    assert session.current_question()["id"] == "M01-T01-Q03"
    assert session.frame.get_by_role("heading", name="Question 2 of 2").is_visible()
    session.answer_current(right=True)
    session.frame.get_by_role("button", name=data["strings"]["see_result"]).click()
    assert session.set_values()["cmi.score.raw"] == "100"


def test_pools_draw_per_attempt_and_attempt_limit_is_respected(launch):
    data = sample_course(
        "scorm12",
        attempts=2,
        pools=[
            {"id": "core", "draw": 2, "questions": ["M01-T01-Q01", "M01-T01-Q02", "M01-T01-Q03"]},
            {"id": "extra", "draw": 1, "questions": ["M01-T01-Q04", "M01-T01-Q05", "M01-T01-Q06"]},
        ],
    )
    session = launch(data)
    strings = data["strings"]
    session.start_quiz()
    drawn = []
    for _ in range(3):
        drawn.append(session.answer_current(right=False)["id"])
        session.next_button().click()
    assert len(set(drawn)) == 3
    assert sum(qid[-3:] in ("Q01", "Q02", "Q03") for qid in drawn) == 2
    assert session.set_values()["cmi.core.exit"] == "suspend"  # failed with an attempt left
    session.frame.get_by_role("button", name=strings["retry"]).click()
    assert session.frame.get_by_role("heading", name="Question 1 of 3").is_visible()
    for _ in range(3):
        session.answer_current(right=False)
        session.next_button().click()
    assert session.frame.get_by_text(strings["no_attempts_left"]).is_visible()
    assert session.frame.get_by_role("button", name=strings["retry"]).count() == 0
    values = session.set_values()
    # done (no attempts left): a normal exit, so Moodle need not offer to resume
    assert (values["cmi.core.lesson_status"], values["cmi.core.exit"]) == ("failed", "")
    assert len(interactions(values)) == 6  # both attempts are journaled


@pytest.mark.parametrize("standard", STANDARDS)
def test_course_without_quiz_completes_when_every_page_is_visited(launch, standard):
    data = sample_course(standard)
    data["quiz"] = None  # the builder sends null when a course has no question bank
    session = launch(data)
    assert session.frame.locator("nav").get_by_role("link").count() == 3
    status = "cmi.core.lesson_status" if standard == "scorm12" else "cmi.completion_status"
    assert session.set_values()[status] == "incomplete"
    session.go("Session 1: Trends")
    session.go("Resources")
    assert session.set_values()[status] == "completed"
    assert session.set_values()["cmi.core.exit" if standard == "scorm12" else "cmi.exit"] in ("", "normal")
