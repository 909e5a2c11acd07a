"""The evaluation report without a Moodle: tracks recorded in Moodle's shape for SCORM 1.2 and 2004
(tests/fixtures/report/) aggregated against the small fixture course; reading through a fake Moodle
on 127.0.0.1; the HTML, CSV and JSON written from the figures; the command's bad-input paths."""

from __future__ import annotations

import csv
import json
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rtcm_lms.cli import main
from rtcm_lms.moodle import Client
from rtcm_lms.project import load_project
from rtcm_lms.report.aggregate import build_report, course_figures
from rtcm_lms.report.fetch import Attempt, CourseTracks, Learner, TracksReader
from rtcm_lms.report.render import write_report
from rtcm_lms.report.responses import describe
from rtcm_lms.report.tracks import read_attempt, read_suspend_data, timespan_seconds

RECORDED = Path(__file__).resolve().parent / "fixtures" / "report"
NAMES = ("Aigerim", "Nurlanova", "Davit", "Beridze", "Leyla", "Mammadova", "Omid", "Rahimi")
META = {"title": "Test catalogue", "site": "http://127.0.0.1", "generated": "2030-01-01 00:00 UTC",
        "tool_version": "0", "with_names": False, "courses": ["M01-T01", "M01-T02"]}  # fmt: skip


def as_tracks(recorded_tracks: list[dict]) -> dict[str, str]:
    return {t["element"]: str(t["value"]) for t in recorded_tracks}


def recorded(name: str) -> CourseTracks:
    data = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    learners = tuple(Learner(x["user_id"], x["name"], tuple(Attempt(a["number"], as_tracks(a["tracks"]))
                                                            for a in x["attempts"]))
                     for x in data["learners"])  # fmt: skip
    return CourseTracks(data["course"], data["pushed"], data["scorm_version"], learners, tuple(data["notes"]))


@pytest.fixture()
def catalogue(small_project: Path, repo: Path):
    """The small fixture project with the shipped default evaluation forms."""
    shutil.copyfile(repo / "content" / "evaluation.yaml", small_project / "content" / "evaluation.yaml")
    return load_project(small_project / "content")


def figures(catalogue, name: str, with_names: bool = False):
    return course_figures(catalogue.course("M01-T01"), catalogue.bank("M01-T01"), recorded(name), with_names)


# --- one attempt's tracks -----------------------------------------------------------------------


def test_scorm12_and_2004_attempts_read_the_same_way():
    first = json.loads((RECORDED / "scorm12.json").read_text())["learners"][0]["attempts"][0]["tracks"]
    twelve = read_attempt(as_tracks(first))
    assert (twelve.completed, twelve.passed, twelve.score, twelve.seconds) == (True, True, 100, 1200)
    assert twelve.quiz_attempts == 1
    assert [(i.id, i.response, i.correct) for i in twelve.interactions][3:6] == [
        ("Q01", "a", True), ("Q02", "t", True), ("Q03", "a.1,b.2,c.3", True)]
    later = read_attempt({"cmi.completion_status": "completed", "cmi.success_status": "failed",
                          "cmi.score.scaled": "0.425",
                          "cmi.total_time": "PT1H2M3.5S", "cmi.interactions.1.id": "Q02",
                          "cmi.interactions.1.learner_response": "false", "cmi.interactions.1.result": "incorrect",
                          "cmi.interactions.0.id": "Q01", "cmi.interactions.0.result": "correct"})  # fmt: skip
    assert (later.completed, later.passed, later.score, later.seconds) == (True, False, 42.5, 3723.5)
    assert [(i.id, i.correct) for i in later.interactions] == [("Q01", True), ("Q02", False)], "dotted indexes too"
    opened = read_attempt({"cmi.core.lesson_status": "incomplete", "cmi.core.session_time": "0000:03:10.00"})
    assert (opened.completed, opened.passed, opened.score, opened.seconds, opened.quiz_attempts) == (False, False, None,
                                                                                                     190, None)


@pytest.mark.parametrize(("text", "seconds"), [
    ("0000:20:00.00", 1200), ("12:01:02.5", 43262.5), ("PT22M30S", 1350), ("PT1H5M", 3900), ("P1DT1S", 86401),
    ("PT0.25S", 0.25), ("", 0), ("P", 0), ("twenty minutes", 0),
])  # fmt: skip
def test_timespans_of_both_standards(text, seconds):
    assert timespan_seconds(text) == seconds


@pytest.mark.parametrize(("text", "scorm12", "expected"), [
    ("v1|overview|2|k3|80|60|r|@Q01:a", True, (2, "")),
    ("", True, (None, "")),
    ("v1|overview|1|k3|80|60|r|@Q0%7", True, (None, "damaged")),  # cut inside an escape
    ("v1|overview|1|k3", True, (None, "damaged")),  # cut before the last field
    ("v1||0|0|||r|" + "x" * 4090, True, (None, "damaged")),  # at SCORM 1.2's 4096 characters
    ("v1||0|0|||r|" + "x" * 4090, False, (0, "")),  # 2004 keeps 64000
    ("v2|anything", True, (None, "newer")),
    ("lesson=3;page=7", True, (None, "foreign")),
], ids=["v1", "empty", "cut-escape", "cut-fields", "at-4096", "long-2004", "newer", "foreign"])  # fmt: skip
def test_suspend_data_problems_are_named(text, scorm12, expected):
    assert read_suspend_data(text, scorm12) == expected


def test_responses_read_back_in_the_banks_words(catalogue):
    bank = catalogue.bank("M01-T01")
    q01, q02, q03 = bank.questions
    assert describe(q01, "b") == "A border crossing point"
    assert describe(q02, "f") == describe(q02, "false") == "False"
    assert describe(q03, "a.2,b.1,c.3") == describe(q03, "a[.]2[,]b[.]1[,]c[.]3") == (
        "Pre-departure → Crossing a third country; Transit → Orientation; Return → Reintegration")
    assert describe(q01, "z") == "z", "an answer the bank cannot hold is shown as recorded"
    assert describe(q03, "a.9,b.1,c.3") == "a.9,b.1,c.3"


# --- one course ---------------------------------------------------------------------------------


def test_scorm12_course_counts_scores_and_time(catalogue):
    c = figures(catalogue, "scorm12")
    assert (c.enrolled, c.started, c.completed, c.passed) == (4, 3, 2, 1)
    assert (c.moodle_attempts, c.quiz_attempts) == (3, 1 + 2 + 0)
    assert c.scores == (0, 0, 0, 1, 0, 0, 0, 0, 0, 1)
    assert c.mean_score == c.median_score == round(statistics.fmean([100, 33.33]), 2)
    assert c.minutes_total == round(20 + 65.5 + 190 / 60, 2) and c.minutes_median == 20
    assert c.notes == () and c.unknown_interactions == () and c.learners == ()


def test_item_analysis_reads_first_answers_per_question_and_outcome(catalogue):
    c = figures(catalogue, "scorm12")
    q = {x.id: x for x in c.questions}
    assert (q["Q01"].answers, q["Q01"].correct, q["Q01"].share_correct) == (2, 1, 0.5)
    assert (q["Q01"].top_wrong, q["Q01"].top_wrong_count) == ("A border crossing point", 1)
    assert (q["Q02"].correct, q["Q02"].top_wrong) == (1, "False")
    assert (q["Q03"].answers, q["Q03"].correct, q["Q03"].top_wrong) == (2, 2, ""), "Davit's retry is not a first answer"
    outcomes = {o.id: (o.questions, o.answers, o.correct, o.share_correct) for o in c.outcomes}
    assert outcomes == {"O1": (("Q01", "Q03"), 4, 3, 0.75), "O2": (("Q02", "Q03"), 4, 3, 0.75)}


def test_evaluation_forms_last_answer_per_learner(catalogue):
    c = figures(catalogue, "scorm12")
    assert (c.pre_respondents, c.post_respondents) == (2, 2)
    choices = {ch.id: {k.key: k.count for k in ch.counts} for ch in c.choices}
    assert choices["eval-pre-field"]["policy"] == choices["eval-pre-field"]["border"] == 1
    assert sum(choices["eval-pre-field"].values()) == 2
    assert choices["eval-pre-session"] == {"S1": 1, "S2": 1}
    ratings = {r.id: (r.counts, r.responses, r.mean) for r in c.ratings}
    assert ratings["eval-relevance"] == ((0, 1, 0, 0, 1), 2, 3.5), "Davit's re-sent 2 replaces his 1"
    assert ratings["eval-impact"] == ((1, 0, 0, 0, 1), 2, 3.0)
    texts = {t.id: t.texts for t in c.texts}
    assert texts == {"eval-pre-expectations": ("Practical cases on labour migration",),
                     "eval-suggestions": ("More exercises with real data", "Too long for one sitting")}  # fmt: skip
    labels = {k.key: k.label for ch in c.choices for k in ch.counts}
    assert labels["policy"] == "Migration policy and legislation"
    assert labels["S2"] == f"Session 2: {catalogue.course('M01-T01').session('S2').title}"


def test_scorm2004_course_with_foreign_and_damaged_data(catalogue):
    c = figures(catalogue, "scorm2004")
    assert (c.enrolled, c.started, c.completed, c.passed, c.moodle_attempts) == (2, 2, 2, 2, 3)
    assert c.quiz_attempts == 1 + 1 + 1, "Farid's unreadable suspend data: one attempt per attempt's answers"
    assert c.scores[8:] == (1, 1) and c.mean_score == 90
    assert c.minutes_total == 22.5 + 65 + 10 and c.minutes_median == (22.5 + 75) / 2
    q = {x.id: x for x in c.questions}
    assert (q["Q01"].correct, q["Q01"].top_wrong) == (1, "A border crossing point")
    assert (q["Q03"].answers, q["Q03"].correct) == (2, 2)
    assert [(k.key, k.count) for k in c.unknown_interactions] == [("eval-stars", 1), ("foreign-1", 1)]
    notes = "\n".join(c.notes)
    assert "1 attempt(s) with suspend data damaged or cut short" in notes
    assert "1 attempt(s) with suspend data written by a newer version of the player" in notes
    assert "2 answer(s) with interaction ids this course does not know" in notes and "foreign-1" in notes
    assert "1 rating(s) outside the scale 1–5 were left out" in notes
    assert (c.pre_respondents, c.post_respondents) == (1, 1)
    assert {t.id: t.texts for t in c.texts}["eval-suggestions"] == (
        "Add a session on return migration (shortened to one line)",)


def test_learners_are_named_only_when_asked(catalogue):
    named = figures(catalogue, "scorm12", with_names=True)
    rows = {x.name: x for x in named.learners}
    assert set(rows) == {"Aigerim Nurlanova", "Davit Beridze", "Leyla Mammadova", "Omid Rahimi"}
    assert (rows["Davit Beridze"].best_score, rows["Davit Beridze"].quiz_attempts) == (33.33, 2)
    assert (rows["Omid Rahimi"].moodle_attempts, rows["Omid Rahimi"].minutes) == (0, 0)


# --- the catalogue and the files ----------------------------------------------------------------


def two_courses(catalogue, with_names: bool = False):
    missing = CourseTracks("M01-T02", False, notes=("never pushed: no Moodle course has idnumber 'M01-T02'",))
    return build_report(catalogue, [recorded("scorm12"), missing], with_names)


def test_catalogue_adds_up_courses_and_lists_what_was_not_found(catalogue):
    report = two_courses(catalogue)
    cat = report.catalogue
    assert (cat.courses, cat.pushed, cat.enrolled, cat.started, cat.distinct_learners) == (2, 1, 4, 3, 3)
    assert cat.scores == report.courses[0].scores and cat.post_respondents == 2
    assert cat.notes == ("M01-T02: never pushed: no Moodle course has idnumber 'M01-T02'",)
    assert [(course, o.id) for course, o in cat.weakest_outcomes] == [("M01-T01", "O1"), ("M01-T01", "O2")]
    assert {r.id: r.counts for r in cat.ratings}["eval-relevance"] == (0, 1, 0, 0, 1)
    assert [ch.id for ch in cat.choices] == ["eval-pre-field"], "sessions differ per course: not merged"
    assert report.courses[1].pushed is False and report.courses[1].questions == ()


def test_files_hold_the_same_figures_without_names(catalogue, tmp_path):
    report = two_courses(catalogue)
    written = write_report(report, tmp_path, META)
    assert sorted(p.name for p in written) == ["choices.csv", "comments.csv", "courses.csv", "index.html",
                                              "outcomes.csv", "questions.csv", "ratings.csv", "report.json",
                                              "scores.csv"]  # fmt: skip
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not any(name in text for name in NAMES), path.name
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["courses"][0]["questions"][0]["top_wrong"] == "A border crossing point"
    assert data["catalogue"]["started"] == 3 and data["meta"]["site"] == "http://127.0.0.1"
    with (tmp_path / "courses.csv").open(encoding="utf-8") as handle:
        rows = {r["course"]: r for r in csv.DictReader(handle)}
    assert (rows["M01-T01"]["started"], rows["M01-T02"]["pushed"], rows["ALL"]["passed"]) == ("3", "False", "1")
    with (tmp_path / "ratings.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["id"] == "eval-relevance"]
    assert [(r["course"], r["rated_2"], r["rated_5"], r["mean"]) for r in rows] == [("M01-T01", "1", "1", "3.5"),
                                                                                   ("ALL", "1", "1", "3.5")]


def test_html_is_self_contained_with_a_table_behind_every_chart(catalogue, tmp_path):
    write_report(two_courses(catalogue), tmp_path, META)
    doc = lxml.html.fromstring((tmp_path / "index.html").read_bytes())
    assert not doc.xpath("//script | //link | //img | //*[@src]"), "nothing loaded from elsewhere"
    svgs = doc.xpath("//svg")
    assert len(svgs) >= 6
    for svg in svgs:
        title = svg.xpath("./title")[0]
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == title.get("id")
        figure = svg.getparent()
        assert figure.tag == "figure" and figure.xpath("./table/caption"), title.text
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"
    text = doc.text_content()
    assert "Learning outcomes that need better teaching" in text and "Too long for one sitting" in text
    assert "M01-T02 — " in text and "never pushed" in text
    assert "@media print" in doc.xpath("//style")[0].text


def test_names_file_comes_and_goes_with_the_flag(catalogue, tmp_path):
    write_report(two_courses(catalogue, with_names=True), tmp_path, {**META, "with_names": True})
    with (tmp_path / "learners.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    assert "Aigerim Nurlanova" in (tmp_path / "index.html").read_text(encoding="utf-8")
    write_report(two_courses(catalogue), tmp_path, META)
    assert not (tmp_path / "learners.csv").exists()


# --- reading from Moodle (a fake site on 127.0.0.1) ------------------------------------------------


class FakeMoodle:
    """Answers the web-service functions the report reads, from a dict of canned answers."""

    def __init__(self, answers: dict):
        self.answers = answers

    def __call__(self, request: Request) -> Response:
        function = request.args["wsfunction"]
        answer = self.answers[function]
        if callable(answer):
            answer = answer(request.form)
        return Response(json.dumps(answer), content_type="application/json")


@pytest.fixture()
def fake_moodle() -> Iterator[tuple[HTTPServer, dict]]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    answers: dict = {}
    server.expect_request("/webservice/rest/server.php").respond_with_handler(FakeMoodle(answers))
    yield server, answers
    server.clear()
    server.stop()


def course_answer(form):
    return {"courses": [{"id": 7, "idnumber": "M01-T01"}] if form["value"] == "M01-T01" else []}


def test_reading_tracks_through_web_services(fake_moodle):
    server, answers = fake_moodle
    tracks12 = json.loads((RECORDED / "scorm12.json").read_text())["learners"][0]["attempts"][0]["tracks"]
    answers.update({
        "core_course_get_courses_by_field": course_answer,
        "mod_scorm_get_scorms_by_courses": {"scorms": [{"id": 3, "version": "SCORM_12"}, {"id": 2, "version": "AICC"}]},
        "mod_scorm_get_scorm_scoes": lambda f: {"scoes": [
            {"id": 30, "launch": "index.html", "identifier": "ITEM-M01-T01"}] if f["scormid"] == "3" else [
            {"id": 20, "launch": "x.html", "identifier": "other"}]},
        "core_enrol_get_enrolled_users": [
            {"id": 5, "fullname": "A Learner", "roles": [{"shortname": "student"}]},
            {"id": 6, "fullname": "A Teacher", "roles": [{"shortname": "editingteacher"}]}],
        "mod_scorm_get_scorm_attempt_count": {"attemptscount": 1},
        "mod_scorm_get_scorm_sco_tracks": {"data": {"attempt": 1, "tracks": tracks12}, "warnings": []},
    })  # fmt: skip
    seen = []
    with Client(server.url_for("/"), "t0ken", retries=0) as client:
        found = TracksReader(client, progress=lambda *a: seen.append(a)).read(["M01-T01", "M01-T02"])
    ours, missing = found
    assert (ours.pushed, ours.scorm_version, ours.notes) == (True, "SCORM_12", ())
    [learner] = ours.learners
    assert (learner.user_id, learner.name, learner.attempts[0].tracks["cmi.core.score.raw"]) == (5, "A Learner", "100")
    assert missing.pushed is False and "never pushed" in missing.notes[0]
    assert seen == [("M01-T01", 1, 1), ("M01-T02", 0, 0)]


def test_reading_says_what_it_could_not_find(fake_moodle):
    server, answers = fake_moodle
    answers.update({
        "core_course_get_courses_by_field": lambda f: {"courses": [{"id": f["value"][-1], "idnumber": f["value"]}]},
        "mod_scorm_get_scorms_by_courses": lambda f: {"scorms": [] if f["courseids[0]"] == "1" else [{"id": 9}]},
        "mod_scorm_get_scorm_scoes": {"scoes": [{"id": 90, "launch": "a.html", "identifier": "SCO-1"}]},
        "core_enrol_get_enrolled_users": lambda f: [] if f["courseid"] == "2" else [{"id": 5, "fullname": "X"}],
        "mod_scorm_get_scorm_attempt_count": {"attemptscount": 0},
    })  # fmt: skip
    with Client(server.url_for("/"), "t0ken", retries=0) as client:
        no_scorm, no_learners, roles_hidden = TracksReader(client).read(["M01-T01", "M01-T02", "M01-T03"])
    assert no_scorm.notes == ("the Moodle course has no SCORM activity (pushed without the companion plugin?)",)
    assert no_learners.notes[0].startswith("no SCORM item 'ITEM-M01-T02' (not our package?): read 'SCO-1'")
    assert no_learners.notes[1] == "no learners are enrolled"
    assert "cannot see enrolled users' roles" in roles_hidden.notes[-1] and len(roles_hidden.learners) == 1


# --- the command --------------------------------------------------------------------------------


def invoke(project: Path, *args: str):
    token = project / "token.txt"
    token.write_text("t0ken")
    return CliRunner().invoke(main, ["report", "--content", str(project / "content"), "--token-file", str(token),
                                     *args])  # fmt: skip


def test_an_unknown_course_is_a_usage_error(small_project):
    result = invoke(small_project, "--url", "http://127.0.0.1:9", "--course", "M09-T99")
    assert result.exit_code == 2 and "unknown course id(s): M09-T99" in result.output


def test_a_site_that_refuses_the_token_writes_nothing(small_project, fake_moodle):
    server, answers = fake_moodle
    answers["core_course_get_courses_by_field"] = {"exception": "moodle_exception", "errorcode": "invalidtoken",
                                                   "message": "Invalid token - token not found"}  # fmt: skip
    out = small_project / "report"
    result = invoke(small_project, "--url", server.url_for("/").rstrip("/"), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "report stopped: nothing was written" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_command_writes_a_report_from_a_site(small_project, fake_moodle):
    server, answers = fake_moodle
    answers.update({"core_course_get_courses_by_field": {"courses": []}})
    out = small_project / "report"
    result = invoke(small_project, "--url", server.url_for("/").rstrip("/"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "report of 2 course(s) (0 in Moodle" in result.output and "M01-T01: never pushed" in result.output
    assert json.loads((out / "report.json").read_text())["catalogue"]["pushed"] == 0
