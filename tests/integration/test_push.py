"""Push against a real Moodle: create, read back, push again (no-op), change one course."""

from __future__ import annotations

import dataclasses
import html
import secrets
from pathlib import Path

import pytest

from rtcm_lms.build import build
from rtcm_lms.moodle.deploy import Deployer
from rtcm_lms.moodle.desired import desired_state
from rtcm_lms.project import load_project

pytestmark = pytest.mark.moodle
REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_project(REPO / "content")
COURSES = [c.id for c in CATALOGUE.courses]  # the whole catalogue: about 35 s against the local site


@pytest.fixture(scope="module")
def pushed(moodle_site, tmp_path_factory):
    catalogue = CATALOGUE
    dist = tmp_path_factory.mktemp("dist")
    build(catalogue, ["scorm12", "moodlexml"], COURSES, dist, "9.9.9", jobs=2)
    prefix = f"T{secrets.token_hex(3)}-"
    desired = desired_state(catalogue, dist, "9.9.9", COURSES, id_prefix=prefix)
    deployer = Deployer(moodle_site.client, desired)
    plan = deployer.plan()
    deployer.apply(plan)
    yield catalogue, dist, desired, plan
    client = moodle_site.client
    courses = client.get_courses_by_idnumber(*[c.idnumber for c in desired.courses])
    if courses:
        client.call("core_course_delete_courses", courseids=[int(c["id"]) for c in courses.values()])
    cats = client.get_categories_by_idnumber(*[c.idnumber for c in desired.categories])
    children_first = sorted(cats.values(), key=lambda c: -int(c.get("depth", 1)))
    for cat in children_first:
        client.call("core_course_delete_categories", categories=[{"id": int(cat["id"]), "recursive": 1}])


def test_first_push_creates_categories_courses_and_sections(pushed, moodle_site):
    _, _, desired, plan = pushed
    client = moodle_site.client
    assert [a.target for a in plan.actions if a.kind == "create"][:2] == [
        f"category {desired.categories[0].idnumber}", f"category {desired.categories[1].idnumber}"]
    cats = client.get_categories_by_idnumber(*[c.idnumber for c in desired.categories])
    assert set(cats) == {c.idnumber for c in desired.categories}
    root = cats[desired.categories[0].idnumber]
    assert all(int(cats[c.idnumber]["parent"]) == int(root["id"]) for c in desired.categories[1:])
    courses = client.get_courses_by_idnumber(*[c.idnumber for c in desired.courses])
    for want in desired.courses:
        got = courses[want.idnumber]
        assert got["fullname"] == want.fullname and got["shortname"] == want.shortname
        assert int(got["categoryid"]) == int(cats[want.category]["id"])
        sections = client.call("core_course_get_contents", courseid=int(got["id"]))
        names = [html.unescape(s["name"]) for s in sections if int(s["section"]) > 0]  # Moodle escapes "&"
        assert names[: len(want.sections)] == list(want.sections)


def test_second_push_of_the_same_release_does_nothing(pushed, moodle_site):
    _, _, desired, _ = pushed
    plan = Deployer(moodle_site.client, desired).plan()
    assert [a for a in plan.actions if a.kind in {"create", "update", "upload", "record"}] == []
    assert plan.upload_bytes == 0


def test_changing_one_course_changes_only_that_course(pushed, moodle_site):
    _, _, desired, _ = pushed
    changed = dataclasses.replace(desired.courses[1], fullname=desired.courses[1].fullname + " (revised)")
    new_desired = dataclasses.replace(desired, courses=tuple(
        changed if c.idnumber == changed.idnumber else c for c in desired.courses))
    deployer = Deployer(moodle_site.client, new_desired)
    plan = deployer.plan()
    writes = [a for a in plan.actions if a.kind in {"create", "update", "upload", "record"}]
    assert [(a.kind, a.target) for a in writes][:1] == [("update", f"course {changed.idnumber}")]
    assert all(a.target.endswith(changed.idnumber) for a in writes)
    deployer.apply(plan)
    got = moodle_site.client.get_courses_by_idnumber(changed.idnumber)[changed.idnumber]
    assert got["fullname"] == changed.fullname


def test_scorm_and_questions_land_exactly(pushed, moodle_site):
    catalogue, _, desired, _ = pushed
    client = moodle_site.client
    if "local_rtcmlms_get_deployment" not in client.functions():
        pytest.skip("the companion plugin local_rtcmlms is not installed on this site")
    courses = client.get_courses_by_idnumber(*[c.idnumber for c in desired.courses])
    ids = [int(courses[c.idnumber]["id"]) for c in desired.courses]
    scorms = client.call("mod_scorm_get_scorms_by_courses", courseids=ids)["scorms"]
    deployments = {int(d["courseid"]): d for d in client.call("local_rtcmlms_get_deployment", courseids=ids)["courses"]}
    for want, cid in zip(desired.courses, ids, strict=True):
        landed = [s for s in scorms if int(s["course"]) == cid]
        assert [s["sha1hash"] for s in landed] == [want.scorm.sha1]
        deployment = deployments[cid]
        assert deployment["release"] == "9.9.9" and deployment["contenthash"] == want.content_hash
        bank = catalogue.bank(want.idnumber.split("-", 1)[1])
        counts = {c["path"].rsplit("/", 1)[-1]: int(c["questioncount"]) for c in deployment["questioncategories"]}
        assert counts.get(bank.course) == len(bank.questions)
