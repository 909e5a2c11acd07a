"""The CC 1.1 cartridge of a course restored into a real Moodle through local_rtcmlms_restore_cartridge.

What Moodle 4.3's Common Cartridge importer does with our cartridge, as measured here:
- each top-level organisation item becomes a section, numbered from 0: the Overview lands in section 0
  ("General"), the sessions in 1…n, then Resources, Further study and the Self-assessment;
- the item's title goes into the section *summary*; the section keeps Moodle's default name ("Topic 1");
- a webcontent page becomes a Page activity (mod_page) named after the item, a web link a URL activity,
  the QTI assessment a quiz whose questions go into a new category of the course's question bank.
Every course made here is deleted again with the run's scratch category.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from plugin_helpers import issue_token, local_moodle_dir

from rtcm_lms.build import build
from rtcm_lms.course_pages import course_pages
from rtcm_lms.moodle import AccessDenied, Client, MoodleError
from rtcm_lms.project import load_project
from rtcm_lms.quiz.export_qti12 import export_qti12

pytestmark = pytest.mark.moodle

REPO = Path(__file__).resolve().parents[2]
COURSE = "M01-T01"
RESTORE = "local_rtcmlms_restore_cartridge"


@pytest.fixture(scope="module")
def client(moodle_site):
    needed = {RESTORE, "local_rtcmlms_get_deployment"}
    missing = needed - moodle_site.client.functions()
    if missing:
        pytest.fail(f"local_rtcmlms is not installed or not in the service (missing {sorted(missing)}): "
                    "run tests/moodle/install.sh", pytrace=False)
    return moodle_site.client


@pytest.fixture(scope="module")
def catalogue():
    return load_project(REPO / "content")


@pytest.fixture(scope="module")
def cartridges(catalogue, tmp_path_factory) -> dict[str, Path]:
    dist = tmp_path_factory.mktemp("dist")
    result = build(catalogue, ["cc11", "cc13"], [COURSE], dist, "9.9.9")
    return {a.format: a.path for a in result.artifacts}


def empty_course(client, category: dict, run_prefix: str) -> dict:
    idnumber = f"{run_prefix}-cc-{secrets.token_hex(3)}"
    [course] = client.call("core_course_create_courses", courses=[{
        "fullname": idnumber, "shortname": idnumber, "idnumber": idnumber, "categoryid": category["id"],
        "courseformatoptions": [{"name": "numsections", "value": 0}],
    }])
    return course


def restore(client, course: dict, cartridge: Path) -> dict:
    draft = client.upload(cartridge)
    return client.call(RESTORE, courseid=course["id"], draftitemid=int(draft["itemid"]))


@pytest.fixture(scope="module")
def restored(client, cartridges, scratch_category, run_prefix):
    """Restores the CC 1.1 cartridge once into an empty course; the tests read what Moodle made."""
    course = empty_course(client, scratch_category, run_prefix)
    try:
        result = restore(client, course, cartridges["cc11"])
        contents = client.call("core_course_get_contents", courseid=course["id"])
        deployment = client.call("local_rtcmlms_get_deployment", courseids=[course["id"]])["courses"][0]
        yield result, contents, deployment
    finally:
        client.call("core_course_delete_courses", courseids=[course["id"]])


def restored_modules(result: dict, contents: list[dict]) -> dict[int, list[dict]]:
    """The modules the restore created, per section number, in course order."""
    created = {m["cmid"] for m in result["modules"]}
    return {int(s["section"]): [m for m in s["modules"] if m["id"] in created] for s in contents}


def test_the_cartridge_restores_without_warnings(restored):
    result, _, _ = restored
    assert result["format"] == "imscc11"
    assert result["warnings"] == []
    assert result["modules"], "the restore created no activity"


def test_every_page_becomes_a_page_activity_in_its_own_section(restored, catalogue):
    result, contents, _ = restored
    course = catalogue.course(COURSE)
    pages = course_pages(catalogue, course)
    modules = restored_modules(result, contents)
    summaries = {int(s["section"]): s["summary"] for s in contents}
    for number, page in enumerate(pages):
        assert summaries[number] == page.title
        [activity, *_] = modules[number]
        assert (activity["modname"], activity["name"]) == ("page", page.title)


def test_each_web_link_becomes_a_url_activity_with_the_materials_url(restored, catalogue):
    result, contents, _ = restored
    course = catalogue.course(COURSE)
    number = [p.id for p in course_pages(catalogue, course)].index("resources")
    [_page, *links] = restored_modules(result, contents)[number]
    assert {m["modname"] for m in links} == {"url"}
    got = [m["contents"][0]["fileurl"] for m in links]
    assert got == [m.url for m in course.materials if m.url]


def test_the_self_assessment_becomes_a_quiz_with_every_qti_item(restored, catalogue):
    result, contents, deployment = restored
    course = catalogue.course(COURSE)
    last = len(course_pages(catalogue, course))
    [quiz] = restored_modules(result, contents)[last]
    assert (quiz["modname"], quiz["name"]) == ("quiz", f"Self-assessment: {course.full_title}")
    assert {s["sectionnum"] for s in result["sections"]} == set(range(last + 1))
    # Matching questions become one item per pair in QTI 1.2 (build notes), so Moodle gets the items.
    items = export_qti12(course, catalogue.bank(COURSE)).items
    counts = {c["name"]: c["questioncount"] for c in deployment["questioncategories"]}
    assert counts == {f"Quiz Bank '{quiz['name']}'": len(items)}


def test_a_cc13_cartridge_is_refused_with_a_clear_message_and_adds_nothing(client, cartridges, scratch_category,
                                                                           run_prefix):  # fmt: skip
    course = empty_course(client, scratch_category, run_prefix)
    try:
        before = client.call("core_course_get_contents", courseid=course["id"])
        with pytest.raises(MoodleError) as refused:
            restore(client, course, cartridges["cc13"])
        assert refused.value.errorcode == "invalidcartridge"
        assert "only IMS Common Cartridge 1.0 and 1.1 can be restored" in refused.value.message
        assert client.call("core_course_get_contents", courseid=course["id"]) == before
    finally:
        client.call("core_course_delete_courses", courseids=[course["id"]])


def test_a_student_may_not_restore_into_the_course(client, cartridges, scratch_category, run_prefix, tmp_path,
                                                   cleanup):  # fmt: skip
    moodle_dir = local_moodle_dir()
    if moodle_dir is None:
        pytest.skip("needs the throw-away site's Moodle directory (.moodle/site.env) to issue a student's token")
    course = empty_course(client, scratch_category, run_prefix)
    cleanup(lambda: client.call("core_course_delete_courses", courseids=[course["id"]]))
    username = f"{run_prefix}-{secrets.token_hex(2)}".lower()
    [user] = client.call("core_user_create_users", users=[{
        "username": username, "password": f"Rtcm-{secrets.token_hex(8)}!", "firstname": "Test",
        "lastname": "Student", "email": f"{username}@example.invalid"}])
    cleanup(lambda: client.call("core_user_delete_users", userids=[user["id"]]))
    issued = issue_token(moodle_dir, username, tmp_path)
    client.call("enrol_manual_enrol_users", enrolments=[
        {"roleid": issued["studentroleid"], "userid": user["id"], "courseid": course["id"]}])
    before = client.call("core_course_get_contents", courseid=course["id"])

    with Client(client.url, issued["token"], backoff=0.2) as student, pytest.raises(AccessDenied) as denied:
        restore(student, course, cartridges["cc11"])

    assert denied.value.errorcode == "nopermissions"
    assert "(Restore courses)" in denied.value.message  # moodle/restore:restorecourse, checked first
    assert client.call("core_course_get_contents", courseid=course["id"]) == before
