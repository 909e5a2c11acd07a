"""The evaluation report against a real Moodle: push two courses, three learners write their own tracks
(self-assessment answers, both evaluation forms, a damaged suspend_data, an answer from another tool)
with their own tokens, then `rtcm-lms report` must show exactly what they submitted."""

from __future__ import annotations

import csv
import json
import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner
from plugin_helpers import issue_token, local_moodle_dir

from rtcm_lms.build import build
from rtcm_lms.cli import main
from rtcm_lms.model import Question
from rtcm_lms.moodle import Client
from rtcm_lms.moodle.deploy import Deployer
from rtcm_lms.moodle.desired import desired_state
from rtcm_lms.project import load_project
from rtcm_lms.report.responses import plain

pytestmark = pytest.mark.moodle
REPO = Path(__file__).resolve().parents[2]
COURSE, EMPTY_COURSE, NEVER_PUSHED = "M01-T01", "M01-T02", "M01-T03"
NAMES = {"ana": "Anaxa Zarbaliyeva", "bek": "Bekzod Qurbanov", "cem": "Cemile Aydinoglu"}


def right_response(q: Question) -> str:
    """A correct SCORM 1.2 response as the player writes it (scorm_templates/player/README.md)."""
    if q.type in {"single", "multiple"}:
        return ",".join(o.id for o in q.correct_options)
    if q.type == "truefalse":
        return "t" if q.answer else "f"
    if q.type == "matching":
        targets = list(dict.fromkeys(p.match for p in q.pairs))
        return ",".join(f"{p.id}.{targets.index(p.match) + 1}" for p in q.pairs)
    if q.type == "ordering":
        return ",".join("abcdefghij"[: len(q.items)])
    return q.answers[0]


def wrong_response(q: Question) -> str:
    if q.type in {"single", "multiple"}:
        return next(o.id for o in q.options if not o.correct)
    if q.type == "truefalse":
        return "f" if q.answer else "t"
    if q.type == "matching":  # every prompt given the next prompt's match
        targets = list(dict.fromkeys(p.match for p in q.pairs))
        moved = [targets.index(q.pairs[(i + 1) % len(q.pairs)].match) + 1 for i in range(len(q.pairs))]
        return ",".join(f"{p.id}.{n}" for p, n in zip(q.pairs, moved, strict=True))
    return ",".join(reversed(right_response(q).split(",")))  # ordering: the steps reversed


class Tracks:
    """Elements named the way Moodle's own SCORM 1.2 player stores them (cmi.interactions_N.*)."""

    def __init__(self) -> None:
        self.values: list[dict[str, str]] = []
        self.count = 0

    def set(self, element: str, value: object) -> Tracks:
        self.values.append({"element": element, "value": str(value)})
        return self

    def interaction(self, iid: str, kind: str, response: str, result: str) -> Tracks:
        n, self.count = self.count, self.count + 1
        for key, value in (("id", iid), ("type", kind), ("student_response", response), ("result", result)):
            self.set(f"cmi.interactions_{n}.{key}", value)
        return self

    def ratings(self, *points: int) -> Tracks:
        for dimension, point in zip(("relevance", "efficiency", "effectiveness", "impact"), points, strict=False):
            self.interaction(f"eval-{dimension}", "likert", str(point), "neutral")
        return self

    def quiz(self, bank, wrong: set[str]) -> Tracks:
        for q in bank.questions:
            bad = q.id in wrong
            kind = {"single": "choice", "multiple": "choice", "truefalse": "true-false", "ordering": "sequencing",
                    "shortanswer": "fill-in"}.get(q.type, q.type)  # fmt: skip
            self.interaction(q.id, kind, wrong_response(q) if bad else right_response(q), "wrong" if bad else "correct")
        return self


def submissions(bank) -> dict[str, list[Tracks]]:
    """What each learner submits, per Moodle attempt."""
    ids = [q.id for q in bank.questions]
    b_wrong = set(ids[::2])  # Bek's first attempt: every other question wrong, the first one included
    b_right = round(100 * (len(ids) - len(b_wrong)) / len(ids), 2)
    ana = (Tracks().interaction("eval-pre-field", "fill-in", "policy", "neutral")
           .interaction("eval-pre-expectations", "fill-in", "Cases from the South Caucasus", "neutral")
           .interaction("eval-pre-session", "fill-in", "S2", "neutral")
           .quiz(bank, set())
           .ratings(5, 4, 4, 5)
           .interaction("eval-suggestions", "fill-in", "More case studies from the region", "neutral")
           .set("cmi.core.lesson_status", "passed").set("cmi.core.score.raw", 100)
           .set("cmi.core.total_time", "0000:25:00.00").set("cmi.suspend_data", "v1|overview|1|k3|100|100|r|"))
    bek1 = (Tracks().interaction("eval-pre-field", "fill-in", "border", "neutral").quiz(bank, b_wrong)
            .ratings(3, 2, 3, 3)
            .interaction("eval-suggestions", "fill-in", "A slower pace, please", "neutral")
            .set("cmi.core.lesson_status", "failed").set("cmi.core.score.raw", b_right)
            .set("cmi.core.total_time", "0000:30:00.00").set("cmi.suspend_data", f"v1||1|a1|{b_right}|{b_right}|r|"))
    bek2 = (Tracks().quiz(bank, set(ids[:6])).ratings(4)
            .set("cmi.core.lesson_status", "failed").set("cmi.core.score.raw", 57.14)
            .set("cmi.core.total_time", "0000:10:00.00").set("cmi.suspend_data", "v1||1|b2|57.14|57.14|r|"))
    cem = (Tracks().interaction("eval-pre-field", "fill-in", "policy", "neutral")
           .interaction("eval-pre-session", "fill-in", "S1", "neutral")
           .interaction("legacy-q1", "choice", "c", "wrong")
           .set("cmi.core.lesson_status", "incomplete").set("cmi.core.session_time", "0000:05:00.00")
           .set("cmi.suspend_data", "v1|overview.S1|0|x9||||@Q0%7"))  # cut short inside an escape
    return {"ana": [ana], "bek": [bek1, bek2], "cem": [cem]}


@pytest.fixture(scope="module")
def site(moodle_site, tmp_path_factory):
    client = moodle_site.client
    if "local_rtcmlms_upsert_scorm" not in client.functions():
        pytest.skip("the companion plugin local_rtcmlms is not installed on this site (push needs it)")
    moodle_dir = local_moodle_dir()
    if moodle_dir is None:
        pytest.skip("needs the throw-away site's Moodle directory (.moodle/site.env) to issue learners' tokens")
    catalogue = load_project(REPO / "content")
    dist = tmp_path_factory.mktemp("dist")
    build(catalogue, ["scorm12", "moodlexml"], [COURSE, EMPTY_COURSE], dist, "9.9.9")
    prefix = f"R{secrets.token_hex(3)}-"
    desired = desired_state(catalogue, dist, "9.9.9", [COURSE, EMPTY_COURSE], id_prefix=prefix)
    users: list[dict] = []
    try:
        deployer = Deployer(client, desired)
        deployer.apply(deployer.plan())
        course = client.get_courses_by_idnumber(prefix + COURSE)[prefix + COURSE]
        scorm = client.call("local_rtcmlms_get_deployment", courseids=[int(course["id"])])["courses"][0]["scorms"][0]
        [sco] = [s for s in client.call("mod_scorm_get_scorm_scoes", scormid=scorm["scormid"])["scoes"] if s["launch"]]
        submitted = submissions(catalogue.bank(COURSE))
        tmp = tmp_path_factory.mktemp("tokens")
        for key, attempts in submitted.items():
            username = f"{prefix.lower()}{key}"
            first, last = NAMES[key].split()
            [user] = client.call("core_user_create_users", users=[{
                "username": username, "password": f"Rtcm-{secrets.token_hex(8)}!", "firstname": first,
                "lastname": last, "email": f"{username}@example.invalid"}])  # fmt: skip
            users.append(user)
            issued = issue_token(moodle_dir, username, tmp)
            client.call("enrol_manual_enrol_users", enrolments=[
                {"roleid": issued["studentroleid"], "userid": user["id"], "courseid": int(course["id"])}])
            with Client(moodle_site.url, issued["token"], backoff=0.2) as learner:  # their own tracks, as them
                for number, tracks in enumerate(attempts, 1):
                    learner.call("mod_scorm_insert_scorm_tracks", scoid=sco["id"], attempt=number, tracks=tracks.values)
        yield {"client": client, "catalogue": catalogue, "prefix": prefix, "url": moodle_site.url,
               "token": moodle_site.token, "sco": sco, "users": users}  # fmt: skip
    finally:
        found = client.get_courses_by_idnumber(*[c.idnumber for c in desired.courses])
        if found:
            client.call("core_course_delete_courses", courseids=[int(c["id"]) for c in found.values()])
        if users:
            client.call("core_user_delete_users", userids=[int(u["id"]) for u in users])
        cats = client.get_categories_by_idnumber(*[c.idnumber for c in desired.categories])
        for cat in sorted(cats.values(), key=lambda c: -int(c.get("depth", 1))):
            client.call("core_course_delete_categories", categories=[{"id": int(cat["id"]), "recursive": 1}])


def run_report(site, out: Path, *extra: str) -> tuple[dict, str]:
    token_file = out.parent / f"{out.name}.token"
    token_file.write_text(site["token"])
    args = ["report", "--content", str(REPO / "content"), "--url", site["url"], "--token-file", str(token_file),
            "--id-prefix", site["prefix"], "--out", str(out), "--course", COURSE, "--course", EMPTY_COURSE,
            "--course", NEVER_PUSHED, *extra]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8")), result.output


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("report") / "anonymous"


@pytest.fixture(scope="module")
def report(site, report_dir):
    return run_report(site, report_dir)


def test_tracks_are_stored_the_way_the_report_reads_them(site):
    tracks = site["client"].call("mod_scorm_get_scorm_sco_tracks", scoid=site["sco"]["id"],
                                 userid=int(site["users"][0]["id"]), attempt=1)["data"]["tracks"]  # fmt: skip
    elements = {t["element"]: t["value"] for t in tracks}
    assert elements["cmi.interactions_0.id"] == "eval-pre-field" and elements["cmi.core.score.raw"] == "100"


def test_completion_scores_attempts_and_time_match_what_was_submitted(site, report):
    data, _ = report
    [course] = [c for c in data["courses"] if c["course"] == COURSE]
    ids = [q.id for q in site["catalogue"].bank(COURSE).questions]
    bek_first = round(100 * (len(ids) - len(ids[::2])) / len(ids), 2)
    best = [100.0, max(bek_first, 57.14)]
    assert (course["enrolled"], course["started"], course["completed"], course["passed"]) == (3, 3, 2, 1)
    assert course["moodle_attempts"] == 4 and course["quiz_attempts"] == 1 + 2 + 0
    assert course["scores"][9] == 1 and course["scores"][int(best[1] // 10)] == 1 and sum(course["scores"]) == 2
    assert course["mean_score"] == round(sum(best) / 2, 2)
    assert course["minutes_total"] == 25 + 30 + 10 + 5 and course["minutes_median"] == 25


def test_item_analysis_per_question_and_outcome(site, report):
    data, _ = report
    [course] = [c for c in data["courses"] if c["course"] == COURSE]
    bank = site["catalogue"].bank(COURSE)
    bek_wrong = {q.id for q in bank.questions[::2]}  # first answers only: Bek's second attempt does not count
    questions = {q["id"]: q for q in course["questions"]}
    for q in bank.questions:
        got = questions[q.id]
        assert (got["answers"], got["correct"]) == (2, 1 if q.id in bek_wrong else 2), q.id
    first = bank.questions[0]
    wrong = next(o for o in first.options if not o.correct)
    assert questions[first.id]["top_wrong"] == plain(wrong.text) and questions[first.id]["top_wrong_count"] == 1
    for o in course["outcomes"]:
        assessing = [q for q in bank.questions if o["id"] in q.outcomes]
        assert o["answers"] == 2 * len(assessing)
        assert o["correct"] == sum(1 if q.id in bek_wrong else 2 for q in assessing)
        assert o["share_correct"] == round(o["correct"] / o["answers"], 3)


def test_evaluation_answers_ratings_and_suggestions(report):
    data, _ = report
    [course] = [c for c in data["courses"] if c["course"] == COURSE]
    assert (course["pre_respondents"], course["post_respondents"]) == (3, 2)
    ratings = {r["id"]: r for r in course["ratings"]}
    assert ratings["eval-relevance"]["counts"] == [0, 0, 0, 1, 1], "Bek's last answer (4) replaces his first (3)"
    assert ratings["eval-efficiency"]["counts"] == [0, 1, 0, 1, 0] and ratings["eval-efficiency"]["mean"] == 3.0
    assert ratings["eval-impact"]["responses"] == 2 and ratings["eval-impact"]["mean"] == 4.0
    choices = {c["id"]: {k["key"]: k["count"] for k in c["counts"]} for c in course["choices"]}
    assert choices["eval-pre-field"]["policy"] == 2 and choices["eval-pre-field"]["border"] == 1
    assert sum(choices["eval-pre-field"].values()) == 3
    assert choices["eval-pre-session"] == {"S1": 1, "S2": 1, "S3": 0, "S4": 0}
    texts = {t["id"]: t["texts"] for t in course["texts"]}
    assert texts["eval-suggestions"] == ["A slower pace, please", "More case studies from the region"]
    assert texts["eval-pre-expectations"] == ["Cases from the South Caucasus"]
    assert data["catalogue"]["ratings"][0]["counts"] == [0, 0, 0, 1, 1]


def test_bad_input_is_said_per_course_and_the_rest_is_produced(report):
    data, output = report
    courses = {c["course"]: c for c in data["courses"]}
    assert courses[NEVER_PUSHED]["pushed"] is False
    assert "never pushed" in courses[NEVER_PUSHED]["notes"][0]
    assert courses[EMPTY_COURSE]["pushed"] and courses[EMPTY_COURSE]["notes"] == ["no learners are enrolled"]
    notes = " ".join(courses[COURSE]["notes"])
    assert "1 attempt(s) with suspend data damaged or cut short" in notes
    assert "legacy-q1" in notes and courses[COURSE]["unknown_interactions"] == [
        {"key": "legacy-q1", "label": "legacy-q1", "count": 1}]
    assert f"{NEVER_PUSHED}: never pushed" in output
    assert data["catalogue"]["courses"] == 3 and data["catalogue"]["pushed"] == 2


def test_files_carry_no_names_unless_asked(site, report, report_dir, tmp_path):
    files = {p.name: p.read_text(encoding="utf-8") for p in report_dir.iterdir()}
    assert set(files) == {"index.html", "report.json", "courses.csv", "scores.csv", "questions.csv", "outcomes.csv",
                          "ratings.csv", "choices.csv", "comments.csv"}  # fmt: skip
    for name, text in files.items():
        assert not any(part in text for full in NAMES.values() for part in full.split()), name
    named, _ = run_report(site, tmp_path / "named", "--with-names")
    [course] = [c for c in named["courses"] if c["course"] == COURSE]
    assert sorted(x["name"] for x in course["learners"]) == sorted(NAMES.values())
    with (tmp_path / "named" / "learners.csv").open(encoding="utf-8") as handle:
        rows = {r["name"]: r for r in csv.DictReader(handle)}
    assert (rows["Anaxa Zarbaliyeva"]["best_score"], rows["Bekzod Qurbanov"]["moodle_attempts"]) == ("100.0", "2")
    assert "Cemile Aydinoglu" in (tmp_path / "named" / "index.html").read_text(encoding="utf-8")
