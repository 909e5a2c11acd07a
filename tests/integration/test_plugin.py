"""The companion plugin local_rtcmlms against a real Moodle: SCORM upsert (create, no-op, update that
keeps learners' tracks, refusal), idempotent question import, deployment records, and capability checks.
Every course made here is deleted again (with the run's scratch category)."""

from __future__ import annotations

import hashlib
import io
import secrets

import pytest
from plugin_helpers import (
    broken_manifest_zip,
    issue_token,
    local_moodle_dir,
    moodle_xml,
    not_scorm_zip,
    scorm12_zip,
)

from rtcm_lms.moodle import AccessDenied, Client, MoodleError

pytestmark = pytest.mark.moodle

PLUGIN_FUNCTIONS = {
    "local_rtcmlms_upsert_scorm",
    "local_rtcmlms_import_questions",
    "local_rtcmlms_get_deployment",
    "local_rtcmlms_set_deployment",
}
CATEGORY = "$course$/top/RTCM/M99/M99-T01"


@pytest.fixture(scope="module")
def plugin(moodle_site):
    missing = PLUGIN_FUNCTIONS - moodle_site.client.functions()
    if missing:
        pytest.fail(f"local_rtcmlms is not installed or not in the service (missing {sorted(missing)}): "
                    "run tests/moodle/install.sh", pytrace=False)
    return moodle_site.client


@pytest.fixture
def course(plugin, run_prefix, scratch_category, cleanup):
    """A throw-away course with completion enabled and 3 sections."""
    idnumber = f"{run_prefix}-plugin-{secrets.token_hex(3)}"
    [created] = plugin.call("core_course_create_courses", courses=[{
        "fullname": idnumber, "shortname": idnumber, "idnumber": idnumber,
        "categoryid": scratch_category["id"], "enablecompletion": True,
        "courseformatoptions": [{"name": "numsections", "value": 3}],
    }])
    cleanup(lambda: plugin.call("core_course_delete_courses", courseids=[created["id"]]))
    return {"id": created["id"], "idnumber": idnumber}


def upload(client: Client, data: bytes, filename: str) -> int:
    return client.upload(io.BytesIO(data), filename)["itemid"]


def upsert(client: Client, course: dict, data: bytes, idnumber: str = "M99-T01-SCORM", **options) -> dict:
    params = {
        "courseid": course["id"], "sectionnum": 1, "idnumber": idnumber, "name": "M99-T01 Test topic",
        "draftitemid": upload(client, data, f"{idnumber}.zip"), "grademethod": 1, "maxgrade": 100,
        "whatgrade": 0, "maxattempt": 0, "passgrade": 80, "completionstatus": "passed",
    }
    return client.call("local_rtcmlms_upsert_scorm", **(params | options))


def scorms_in(client: Client, course: dict) -> list[dict]:
    return client.call("mod_scorm_get_scorms_by_courses", courseids=[course["id"]])["scorms"]


def test_upsert_scorm_creates_then_leaves_alone_then_updates_in_place(plugin, course):
    first_zip = scorm12_zip(body="Version 1")

    created = upsert(plugin, course, first_zip)

    assert created["status"] == "created"
    assert created["packagechanged"] is True
    assert created["sha1hash"] == hashlib.sha1(first_zip).hexdigest()
    assert created["version"] == "SCORM_1.2"
    assert created["gradepass"] == pytest.approx(80.0)
    [scorm] = scorms_in(plugin, course)
    assert (scorm["id"], scorm["coursemodule"]) == (created["scormid"], created["cmid"])
    assert scorm["sha1hash"] == hashlib.sha1(first_zip).hexdigest()
    assert scorm["completionstatusrequired"] == 2  # "passed"
    sections = plugin.call("core_course_get_contents", courseid=course["id"])
    [module] = [m for s in sections if s["section"] == 1 for m in s["modules"]]
    assert (module["id"], module["modname"], module["completion"]) == (created["cmid"], "scorm", 2)  # automatic
    cm = plugin.call("core_course_get_course_module", cmid=created["cmid"])["cm"]
    assert (cm["idnumber"], cm["section"]) == ("M99-T01-SCORM", sections[1]["id"])

    again = upsert(plugin, course, first_zip)

    assert again["status"] == "unchanged"
    assert (again["cmid"], again["sha1hash"], again["packagechanged"]) == (created["cmid"], created["sha1hash"], False)

    second_zip = scorm12_zip(body="Version 2")
    updated = upsert(plugin, course, second_zip, sectionnum=2, name="M99-T01 Renamed")

    assert updated["status"] == "updated"
    assert (updated["cmid"], updated["scormid"]) == (created["cmid"], created["scormid"])
    assert updated["packagechanged"] is True
    [scorm] = scorms_in(plugin, course)
    assert scorm["sha1hash"] == hashlib.sha1(second_zip).hexdigest() == updated["sha1hash"]
    assert scorm["name"] == "M99-T01 Renamed"
    assert updated["sectionnum"] == 2
    modules = [(s["section"], m["id"]) for s in plugin.call("core_course_get_contents", courseid=course["id"])
               for m in s["modules"] if m["modname"] == "scorm"]
    assert modules == [(2, created["cmid"])]


def test_a_package_that_is_not_scorm_is_refused_and_creates_nothing(plugin, course):
    with pytest.raises(MoodleError) as raised:
        upsert(plugin, course, not_scorm_zip())

    assert raised.value.errorcode == "invalidpackage"
    assert "imsmanifest.xml" in raised.value.message
    assert scorms_in(plugin, course) == []

    with pytest.raises(MoodleError) as not_a_zip:
        upsert(plugin, course, b"this is not a zip at all")
    assert not_a_zip.value.errorcode == "invalidpackage"
    with pytest.raises(MoodleError) as unreadable:  # passes the zip check; mod_scorm cannot parse it: rolled back
        upsert(plugin, course, broken_manifest_zip())
    assert unreadable.value.errorcode == "invalidpackage"
    assert scorms_in(plugin, course) == []
    sections = plugin.call("core_course_get_contents", courseid=course["id"])
    assert [m for s in sections for m in s["modules"] if m["modname"] == "scorm"] == []


def test_bad_requests_have_our_error_codes(plugin, course):
    with pytest.raises(MoodleError) as no_course:
        upsert(plugin, {"id": 987654321}, scorm12_zip())
    with pytest.raises(MoodleError) as no_draft:
        plugin.call("local_rtcmlms_upsert_scorm", courseid=course["id"], sectionnum=1, idnumber="X",
                    name="X", draftitemid=123456789)
    with pytest.raises(MoodleError) as bad_setting:
        upsert(plugin, course, scorm12_zip(), completionstatus="sometimes")

    assert no_course.value.errorcode == "coursenotfound"
    assert no_draft.value.errorcode == "draftfilemissing"
    assert bad_setting.value.errorcode == "invalidsetting"
    assert scorms_in(plugin, course) == []


def test_import_questions_twice_imports_nothing_the_second_time(plugin, course):
    questions = [("M99-T01-Q01", "Water is wet."), ("M99-T01-Q02", "Fire is cold."), ("M99-T01-Q03", "2+2=4.")]
    xml = moodle_xml(CATEGORY, questions)

    first = plugin.call("local_rtcmlms_import_questions", courseid=course["id"],
                        draftitemid=upload(plugin, xml, "M99-T01.xml"))
    second = plugin.call("local_rtcmlms_import_questions", courseid=course["id"],
                         draftitemid=upload(plugin, xml, "M99-T01.xml"))
    grown = moodle_xml(CATEGORY, [*questions, ("M99-T01-Q04", "One more.")])
    third = plugin.call("local_rtcmlms_import_questions", courseid=course["id"],
                        draftitemid=upload(plugin, grown, "M99-T01.xml"))

    assert (first["imported"], first["skipped"], first["total"]) == (3, 0, 3)
    assert first["categoryname"] == "M99-T01"
    assert sorted(first["importedidnumbers"]) == ["M99-T01-Q01", "M99-T01-Q02", "M99-T01-Q03"]
    assert (second["imported"], second["skipped"], second["total"]) == (0, 3, 3)
    assert second["categoryid"] == first["categoryid"]
    assert (third["imported"], third["skipped"], third["total"]) == (1, 3, 4)
    assert third["importedidnumbers"] == ["M99-T01-Q04"]


def test_a_question_without_idnumber_is_refused(plugin, course):
    xml = moodle_xml(CATEGORY, [("M99-T01-Q01", "Fine.")]).replace(b"<idnumber>M99-T01-Q01</idnumber>", b"")

    with pytest.raises(MoodleError) as raised:
        plugin.call("local_rtcmlms_import_questions", courseid=course["id"],
                    draftitemid=upload(plugin, xml, "M99-T01.xml"))

    assert raised.value.errorcode == "missingidnumber"
    [report] = plugin.call("local_rtcmlms_get_deployment", courseids=[course["id"]])["courses"]
    assert all(c["questioncount"] == 0 for c in report["questioncategories"])


def test_get_deployment_reports_everything_and_set_deployment_round_trips(plugin, course, run_prefix):
    package = scorm12_zip()
    scorm = upsert(plugin, course, package)
    imported = plugin.call("local_rtcmlms_import_questions", courseid=course["id"], draftitemid=upload(
        plugin, moodle_xml(CATEGORY, [("M99-T01-Q01", "A."), ("M99-T01-Q02", "B.")]), "M99-T01.xml"))

    before = plugin.call("local_rtcmlms_get_deployment", courseidnumbers=[course["idnumber"], f"{run_prefix}-absent"])
    recorded = plugin.call("local_rtcmlms_set_deployment", courseid=course["id"], release="1.2.3",
                           contenthash="ab" * 32)
    again = plugin.call("local_rtcmlms_set_deployment", courseid=course["id"], release="1.2.4",
                        contenthash="cd" * 32)
    after = plugin.call("local_rtcmlms_get_deployment", courseids=[course["id"]])

    [report] = before["courses"]
    assert (report["courseid"], report["release"], report["contenthash"]) == (course["id"], "", "")
    assert report["scorms"] == [{
        "idnumber": "M99-T01-SCORM", "cmid": scorm["cmid"], "scormid": scorm["scormid"],
        "name": "M99-T01 Test topic", "sectionnum": 1, "visible": True,
        "sha1hash": hashlib.sha1(package).hexdigest(), "version": "SCORM_1.2",
        "timemodified": report["scorms"][0]["timemodified"],
    }]
    [category] = [c for c in report["questioncategories"] if c["id"] == imported["categoryid"]]
    assert (category["path"], category["questioncount"]) == ("top/RTCM/M99/M99-T01", 2)
    assert sorted(category["questionidnumbers"]) == ["M99-T01-Q01", "M99-T01-Q02"]
    assert [w["warningcode"] for w in before["warnings"]] == ["coursenotfound"]

    assert (recorded["previousrelease"], recorded["release"]) == ("", "1.2.3")
    assert (again["previousrelease"], again["previouscontenthash"]) == ("1.2.3", "ab" * 32)
    [report] = after["courses"]
    assert (report["release"], report["contenthash"]) == ("1.2.4", "cd" * 32)
    assert report["timedeployed"] == again["timedeployed"]


@pytest.fixture
def learner(plugin, run_prefix, tmp_path, cleanup):
    """A user with a token of their own (issued on the server: no web service can do that)."""
    moodle_dir = local_moodle_dir()
    if moodle_dir is None:
        pytest.skip("needs the throw-away site's Moodle directory (.moodle/site.env) to issue a learner's token")
    username = f"{run_prefix}-{secrets.token_hex(2)}".lower()
    [user] = plugin.call("core_user_create_users", users=[{
        "username": username, "password": f"Rtcm-{secrets.token_hex(8)}!", "firstname": "Test",
        "lastname": "Learner", "email": f"{username}@example.invalid",
    }])
    cleanup(lambda: plugin.call("core_user_delete_users", userids=[user["id"]]))
    issued = issue_token(moodle_dir, username, tmp_path)
    client = Client(plugin.url, issued["token"], backoff=0.2)
    cleanup(client.close)
    return {"id": user["id"], "client": client, "studentroleid": issued["studentroleid"]}


def test_capabilities_are_checked_and_updates_keep_learners_tracks(plugin, course, learner):
    scorm = upsert(plugin, course, scorm12_zip(body="Version 1"))
    student = learner["client"]

    with pytest.raises(AccessDenied):  # not enrolled: cannot even enter the course
        student.call("local_rtcmlms_set_deployment", courseid=course["id"], release="x", contenthash="x")

    plugin.call("enrol_manual_enrol_users", enrolments=[
        {"roleid": learner["studentroleid"], "userid": learner["id"], "courseid": course["id"]}])

    with pytest.raises(AccessDenied) as denied:
        upsert(student, course, scorm12_zip(body="Version 666"))
    assert denied.value.errorcode == "nopermissions"
    with pytest.raises(AccessDenied):
        student.call("local_rtcmlms_import_questions", courseid=course["id"], draftitemid=upload(
            student, moodle_xml(CATEGORY, [("M99-T01-Q09", "No.")]), "M99-T01.xml"))
    with pytest.raises(AccessDenied):
        student.call("local_rtcmlms_set_deployment", courseid=course["id"], release="x", contenthash="x")
    hidden = student.call("local_rtcmlms_get_deployment", courseids=[course["id"]])
    assert hidden["courses"] == [] and [w["warningcode"] for w in hidden["warnings"]] == ["nopermissions"]
    assert scorms_in(plugin, course)[0]["sha1hash"] == scorm["sha1hash"]

    # The learner records a result, then the package is replaced with one that keeps the item identifier.
    [sco] = [s for s in student.call("mod_scorm_get_scorm_scoes", scormid=scorm["scormid"])["scoes"] if s["launch"]]
    student.call("mod_scorm_insert_scorm_tracks", scoid=sco["id"], attempt=1, tracks=[
        {"element": "cmi.core.score.raw", "value": "90"},
        {"element": "cmi.core.lesson_status", "value": "passed"},
    ])
    updated = upsert(plugin, course, scorm12_zip(body="Version 2"))
    assert (updated["status"], updated["cmid"]) == ("updated", scorm["cmid"])

    tracks = plugin.call("mod_scorm_get_scorm_sco_tracks", scoid=sco["id"], userid=learner["id"], attempt=1)
    values = {t["element"]: t["value"] for t in tracks["data"]["tracks"]}
    assert values["cmi.core.lesson_status"] == "passed"
    assert values["cmi.core.score.raw"] == "90"
    [scoes_after] = [[s for s in plugin.call("mod_scorm_get_scorm_scoes", scormid=scorm["scormid"])["scoes"]
                      if s["launch"]]]
    assert [s["id"] for s in scoes_after] == [sco["id"]]


def test_unknown_courses_are_warnings_not_errors(plugin):
    result = plugin.call("local_rtcmlms_get_deployment", courseids=[987654321])
    assert result["courses"] == []
    assert [(w["item"], w["itemid"], w["warningcode"]) for w in result["warnings"]] == [
        ("course", 987654321, "coursenotfound")]
    with pytest.raises(MoodleError) as raised:
        plugin.call("local_rtcmlms_set_deployment", courseid=987654321, release="1", contenthash="x")
    assert raised.value.errorcode == "coursenotfound"
