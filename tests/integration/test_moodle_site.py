"""The client against a real Moodle: the service, the round trip of a category and a course, uploads,
and how the site's own errors are typed. Everything made here is deleted again."""

from __future__ import annotations

import io

import pytest

from rtcm_lms.moodle import AccessDenied, Client, InvalidToken, NotFound, UploadRejected

pytestmark = pytest.mark.moodle

# The functions the client and deployer rely on; install.sh puts them in the rtcm_lms service.
REQUIRED_FUNCTIONS = {
    "core_webservice_get_site_info",
    "core_course_get_categories",
    "core_course_create_categories",
    "core_course_delete_categories",
    "core_course_get_courses_by_field",
    "core_course_create_courses",
    "core_course_update_courses",
    "core_course_delete_courses",
    "core_course_get_contents",
    "core_files_delete_draft_files",
    "mod_scorm_get_scorms_by_courses",
    "mod_scorm_get_scorm_sco_tracks",
    "gradereport_user_get_grade_items",
}


def test_site_info_lists_the_service_functions(moodle_site):
    info = moodle_site.client.site_info()

    assert info["siteurl"].rstrip("/") == moodle_site.url
    assert info["userid"] > 0
    missing = REQUIRED_FUNCTIONS - moodle_site.client.functions()
    assert not missing, f"add these functions to the token's service: {sorted(missing)}"


def test_category_and_course_round_trip_by_idnumber(moodle_site, run_prefix, cleanup):
    client = moodle_site.client
    cat_idnumber, course_idnumber = f"{run_prefix}-cat", f"{run_prefix}-course"

    [category] = client.call("core_course_create_categories", categories=[
        {"name": f"{run_prefix} category", "idnumber": cat_idnumber, "parent": 0},
    ])
    cleanup(lambda: client.call("core_course_delete_categories",
                                categories=[{"id": category["id"], "recursive": 1}]))
    [course] = client.call("core_course_create_courses", courses=[{
        "fullname": f"{run_prefix} course",
        "shortname": course_idnumber,
        "idnumber": course_idnumber,
        "categoryid": category["id"],
        "courseformatoptions": [{"name": "numsections", "value": 2}],
        "enablecompletion": True,
    }])
    cleanup(lambda: client.call("core_course_delete_courses", courseids=[course["id"]]))

    categories = client.get_categories_by_idnumber(cat_idnumber, f"{run_prefix}-absent")
    assert list(categories) == [cat_idnumber]
    assert categories[cat_idnumber]["id"] == category["id"]

    found = client.get_courses_by_idnumber(course_idnumber)[course_idnumber]
    assert (found["id"], found["categoryid"], found["fullname"]) == (
        course["id"], category["id"], f"{run_prefix} course")
    assert found["enablecompletion"] == 1

    renamed = f"{run_prefix} renamed"
    client.call("core_course_update_courses", courses=[{"id": course["id"], "fullname": renamed}])
    assert client.get_courses_by_idnumber(course_idnumber)[course_idnumber]["fullname"] == renamed

    sections = client.call("core_course_get_contents", courseid=course["id"])
    assert [section["section"] for section in sections] == [0, 1, 2]


def test_deleted_course_is_gone(moodle_site, run_prefix, scratch_category):
    client = moodle_site.client
    idnumber = f"{run_prefix}-gone"
    [course] = client.call("core_course_create_courses", courses=[{
        "fullname": idnumber, "shortname": idnumber, "idnumber": idnumber,
        "categoryid": scratch_category["id"],
    }])

    result = client.call("core_course_delete_courses", courseids=[course["id"]])

    assert result["warnings"] == []
    assert client.get_courses_by_idnumber(idnumber) == {}
    with pytest.raises(NotFound):
        client.call("core_course_get_contents", courseid=course["id"])


def test_upload_returns_a_draft_itemid_and_refuses_a_duplicate(moodle_site, run_prefix, tmp_path, cleanup):
    client = moodle_site.client
    package = tmp_path / f"{run_prefix}.zip"
    package.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive

    first = client.upload(package)
    itemid = first["itemid"]
    cleanup(lambda: client.call("core_files_delete_draft_files", draftitemid=itemid, files=[
        {"filepath": "/", "filename": package.name}, {"filepath": "/", "filename": "notes.txt"},
    ]))
    second = client.upload(io.BytesIO(b"notes"), "notes.txt", itemid=itemid)

    assert itemid > 0
    assert (first["filename"], first["filesize"], first["filearea"]) == (package.name, 22, "draft")
    assert (second["itemid"], second["filesize"]) == (itemid, 5)
    with pytest.raises(UploadRejected) as raised:
        client.upload(package, itemid=itemid)
    assert raised.value.errorcode == "filenameexist"


def test_site_errors_are_typed_and_never_show_the_token(moodle_site):
    with Client(moodle_site.url, "0" * 32) as stranger, pytest.raises(InvalidToken) as bad_token:
        stranger.site_info()
    with pytest.raises(AccessDenied) as not_in_service:
        moodle_site.client.call("core_role_assign_roles", assignments=[])

    assert "Add the function core_role_assign_roles to the external service" in str(not_in_service.value)
    for error in (bad_token.value, not_in_service.value):
        assert moodle_site.token not in str(error) + repr(error)
