"""`rtcm-lms status` against a real Moodle: a pushed course reads back as deployed and up to date,
and a new local release shows as the one step a push would take."""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

import pytest
from rich.console import Console

from rtcm_lms.build import build
from rtcm_lms.moodle.deploy import Deployer
from rtcm_lms.moodle.desired import desired_state
from rtcm_lms.moodle.status import print_status, site_status
from rtcm_lms.project import load_project

pytestmark = pytest.mark.moodle
REPO = Path(__file__).resolve().parents[2]
COURSE = "M01-T01"


@pytest.fixture(scope="module")
def deployed(moodle_site, tmp_path_factory):
    client = moodle_site.client
    if "local_rtcmlms_get_deployment" not in client.functions():
        pytest.fail("local_rtcmlms is not installed or not in the service: run tests/moodle/install.sh", pytrace=False)
    catalogue = load_project(REPO / "content")
    dist = tmp_path_factory.mktemp("dist")
    build(catalogue, ["scorm12", "moodlexml"], [COURSE], dist, "9.9.9")
    desired = desired_state(catalogue, dist, "9.9.9", [COURSE], id_prefix=f"S{secrets.token_hex(3)}-")
    deployer = Deployer(client, desired)
    deployer.apply(deployer.plan())
    yield catalogue, desired
    courses = client.get_courses_by_idnumber(*[c.idnumber for c in desired.courses])
    if courses:
        client.call("core_course_delete_courses", courseids=[int(c["id"]) for c in courses.values()])
    categories = client.get_categories_by_idnumber(*[c.idnumber for c in desired.categories])
    for category in sorted(categories.values(), key=lambda c: -int(c.get("depth", 1))):
        client.call("core_course_delete_categories", categories=[{"id": int(category["id"]), "recursive": 1}])


def test_a_pushed_course_reads_back_as_deployed_and_up_to_date(deployed, moodle_site):
    catalogue, desired = deployed

    report = site_status(moodle_site.client, desired)

    [course] = report.courses
    want = desired.courses[0]
    assert report.plugin and report.categories == []
    assert (course.state, course.differences) == ("up to date", [])
    assert (course.release, course.contenthash, course.scorm_sha1) == ("9.9.9", want.content_hash, want.scorm.sha1)
    assert course.questions == len(catalogue.bank(COURSE).questions)
    console = Console(record=True, width=200)
    print_status(report, console)
    assert "1 up to date" in console.export_text()


def test_a_new_local_release_shows_as_the_step_a_push_would_take(deployed, moodle_site):
    _, desired = deployed

    report = site_status(moodle_site.client, dataclasses.replace(desired, release="9.9.10"))

    [course] = report.courses
    assert (course.state, course.differences) == ("differs", ["record deployment (release 9.9.10)"])
    assert course.release == "9.9.9"
