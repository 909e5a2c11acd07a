"""End to end in a real Moodle and a real browser: push a course, a learner passes its
self-assessment in Chromium, the track, grade and completion are in Moodle, and a reworded
re-push keeps the learner's attempt and grade."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

import pytest

from rtcm_lms.build import build
from rtcm_lms.builders.player_data import player_data
from rtcm_lms.moodle.deploy import Deployer
from rtcm_lms.moodle.desired import desired_state
from rtcm_lms.project import load_project
from support.chromium import CHROMIUM, unavailable
from support.player_driver import Session

pytestmark = [pytest.mark.moodle, pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
COURSE = "M01-T02"
STUDENT_ROLE = 5  # the "student" archetype's id on a fresh site (REST cannot list roles in 4.3)
PASSWORD = "Learner-1-pass!"


def push(client, catalogue, dist: Path, prefix: str) -> dict:
    build(catalogue, ["scorm12", "moodlexml"], [COURSE], dist, "9.9.9")
    desired = desired_state(catalogue, dist, "9.9.9", [COURSE], id_prefix=prefix)
    deployer = Deployer(client, desired)
    deployer.apply(deployer.plan())
    course = client.get_courses_by_idnumber(desired.courses[0].idnumber)[desired.courses[0].idnumber]
    deployment = client.call("local_rtcmlms_get_deployment", courseids=[int(course["id"])])["courses"][0]
    return {"course": course, "desired": desired, "scorm": deployment["scorms"][0]}


@pytest.fixture(scope="module")
def site(moodle_site, tmp_path_factory):
    client = moodle_site.client
    if "local_rtcmlms_upsert_scorm" not in client.functions():
        pytest.skip("the companion plugin local_rtcmlms is not installed on this site")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not installed: apt-get install -y chromium")
    catalogue = load_project(REPO / "content")
    prefix = f"E{secrets.token_hex(3)}-"
    pushed = push(client, catalogue, tmp_path_factory.mktemp("dist"), prefix)
    username = f"learner{secrets.token_hex(4)}"
    user = client.call("core_user_create_users", users=[{
        "username": username, "password": PASSWORD, "firstname": "Aylin", "lastname": "Learner",
        "email": f"{username}@example.invalid", "auth": "manual"}])[0]
    client.call("enrol_manual_enrol_users", enrolments=[
        {"roleid": STUDENT_ROLE, "userid": int(user["id"]), "courseid": int(pushed["course"]["id"])}])
    yield {"client": client, "catalogue": catalogue, "prefix": prefix, "user": user, "username": username,
           "url": moodle_site.url, **pushed}
    if os.environ.get("RTCM_KEEP_TEST_DATA"):  # for looking at a failure in the site itself
        return
    client.call("core_course_delete_courses", courseids=[int(pushed["course"]["id"])])
    client.call("core_user_delete_users", userids=[int(user["id"])])
    cats = client.get_categories_by_idnumber(*[c.idnumber for c in pushed["desired"].categories])
    for cat in sorted(cats.values(), key=lambda c: -int(c.get("depth", 1))):
        client.call("core_course_delete_categories", categories=[{"id": int(cat["id"]), "recursive": 1}])


@pytest.fixture(scope="module")
def learner_passed(site, browser):
    """The learner logs in, opens the SCORM activity and passes the self-assessment."""
    data = player_data(site["catalogue"], site["catalogue"].course(COURSE), "scorm12", "9.9.9")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        if os.environ.get("RTCM_TRACE_COMMITS"):
            page.on("request", lambda r: "datamodel.php" in r.url and print("COMMIT", r.post_data))
        page.goto(f"{site['url']}/login/index.php")
        page.fill("#username", site["username"])
        page.fill("#password", PASSWORD)
        page.click("#loginbtn")
        page.goto(f"{site['url']}/mod/scorm/view.php?id={site['scorm']['cmid']}")
        page.get_by_role("button", name="Enter").click()
        session = Session(page, "scorm12", data, frame_id="scorm_object")
        session.frame.locator("#page-title").wait_for(timeout=30_000)
        session.take_quiz(right=True)
        assert "100" in session.frame.locator(".result .result-score").inner_text()
        page.goto(f"{site['url']}/course/view.php?id={site['course']['id']}")  # leaving sends the last commit
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return site


def tracks(site) -> dict[str, str]:
    client = site["client"]
    scoes = client.call("mod_scorm_get_scorm_scoes", scormid=int(site["scorm"]["scormid"]))["scoes"]
    sco = next(s for s in scoes if s["launch"])
    answer = client.call("mod_scorm_get_scorm_sco_tracks", scoid=int(sco["id"]), userid=int(site["user"]["id"]),
                         attempt=1)
    return {t["element"]: t["value"] for t in answer["data"]["tracks"]}


def grade(site) -> float | None:
    report = site["client"].call("gradereport_user_get_grade_items", courseid=int(site["course"]["id"]),
                                 userid=int(site["user"]["id"]))
    items = report["usergrades"][0]["gradeitems"]
    scorm = next(i for i in items if i.get("itemmodule") == "scorm")
    return scorm.get("graderaw")


def test_the_learner_passes_and_moodle_records_score_status_and_completion(learner_passed):
    site = learner_passed
    values = tracks(site)
    assert values["cmi.core.lesson_status"] == "passed"
    assert float(values["cmi.core.score.raw"]) == 100
    assert any(k.startswith("cmi.interactions_") or k.startswith("cmi.interactions.") for k in values)
    assert grade(site) == pytest.approx(100)
    completion = site["client"].call("core_completion_get_activities_completion_status",
                                     courseid=int(site["course"]["id"]), userid=int(site["user"]["id"]))
    state = next(s for s in completion["statuses"] if int(s["cmid"]) == int(site["scorm"]["cmid"]))
    assert int(state["state"]) in {1, 2}  # COMPLETION_COMPLETE or COMPLETION_COMPLETE_PASS


def test_a_reworded_repush_keeps_the_attempt_and_the_grade(learner_passed, tmp_path):
    site = learner_passed
    catalogue = site["catalogue"]
    course = catalogue.course(COURSE)
    reworded = dataclasses.replace(course, sessions=tuple(
        dataclasses.replace(s, title=s.title + " (revised)") for s in course.sessions))
    changed = dataclasses.replace(catalogue, courses=tuple(reworded if c.id == COURSE else c for c in catalogue.courses),
                                  _index={})
    again = push(site["client"], changed, tmp_path, site["prefix"])
    assert again["scorm"]["cmid"] == site["scorm"]["cmid"]
    assert again["scorm"]["sha1hash"] != site["scorm"]["sha1hash"]
    values = tracks({**site, "scorm": again["scorm"]})
    assert values["cmi.core.lesson_status"] == "passed"
    assert grade(site) == pytest.approx(100)
