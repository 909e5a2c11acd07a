"""`rtcm-lms push` against a stateful fake Moodle (tests/support/fake_moodle.py) that fails on cue.

For each fault: the command prints what went wrong, nothing is created twice on the site, a rerun
finishes the job, and the exact requests show that reads were retried and writes were not.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

import rtcm_lms.moodle
from rtcm_lms.build import build
from rtcm_lms.cli import main
from rtcm_lms.moodle import Client
from rtcm_lms.moodle.desired import DesiredState, desired_state
from rtcm_lms.project import load_project
from support.fake_moodle import FakeMoodle

REPO = Path(__file__).resolve().parents[1]
TOKEN = "0123456789abcdef0123456789abcdef"
NEW_TOKEN = "fedcba9876543210fedcba9876543210"
TWO = ["M01-T01", "M01-T02"]
STOPPED = "push stopped; run it again to finish (nothing is created twice)"


@pytest.fixture(scope="module")
def catalogue():
    return load_project(REPO / "content")


@pytest.fixture(scope="module")
def twenty(catalogue) -> list[str]:
    return [c.id for c in catalogue.courses][:20]


@pytest.fixture(scope="module")
def dist(catalogue, twenty, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(catalogue, ["scorm12", "moodlexml"], twenty, out, "1.0.0", jobs=2)
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    # Threaded: an answer held back by a "timeout" fault must not block the client's next request.
    httpserver = HTTPServer(host="127.0.0.1", threaded=True)
    httpserver.start()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def fake(server) -> Iterator[FakeMoodle]:
    moodle = FakeMoodle(server, TOKEN)
    yield moodle
    moodle.close()
    server.check_handler_errors()
    server.clear()


@pytest.fixture(autouse=True)
def quick_client(monkeypatch):
    """The CLI's client with a short read timeout and no backoff, so that faults cost milliseconds."""
    monkeypatch.setattr(rtcm_lms.moodle, "Client", functools.partial(Client, timeout=(2, 0.5), retries=2, backoff=0))


@pytest.fixture
def token_file(tmp_path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    return path


def push(fake: FakeMoodle, token_file: Path, dist: Path, courses: list[str], *extra: str) -> Result:
    args = ["push", "--content", str(REPO / "content"), "--url", fake.url, "--token-file", str(token_file),
            "--dist", str(dist), "--release", "1.0.0", *extra]  # fmt: skip
    for course in courses:
        args += ["--course", course]
    return CliRunner().invoke(main, args, env={"RTCM_MOODLE_URL": None, "RTCM_MOODLE_TOKEN": None})


def wanted(catalogue, dist: Path, courses: list[str]) -> DesiredState:
    return desired_state(catalogue, dist, "1.0.0", courses)


def assert_complete(fake: FakeMoodle, desired: DesiredState, catalogue) -> None:
    """Everything the release describes is on the site, each thing exactly once."""
    category_idnumbers = [c["idnumber"] for c in fake.categories.values()]
    assert sorted(category_idnumbers) == sorted(c.idnumber for c in desired.categories)
    assert len(fake.courses) == len(desired.courses)
    for want in desired.courses:
        [course] = fake.course_by_idnumber(want.idnumber)
        names = [s["name"] for s in course.sections[1:]]
        assert names == list(want.sections)
        scorms = [a for a in fake.scorms.values() if a["courseid"] == course.id]
        assert [a["sha1hash"] for a in scorms] == [want.scorm.sha1]
        bank = catalogue.bank(want.idnumber)
        assert sum(len(ids) for ids in fake.questions[course.id].values()) == len(bank.questions)
        assert fake.deployments[course.id] == {"release": "1.0.0", "contenthash": want.content_hash}


def assert_second_push_does_nothing(fake, token_file, dist, courses) -> None:
    before = len(fake.calls)
    again = push(fake, token_file, dist, courses)
    assert again.exit_code == 0, again.output
    assert "Moodle is up to date: nothing to do" in again.output
    writes = [c.function for c in fake.calls[before:] if "_get_" not in c.function]
    assert writes == []


def creates_of(fake: FakeMoodle, idnumber: str) -> list[str]:
    """The fault met by each core_course_create_courses request for that course ("" = answered)."""
    return [c.fault for c in fake.called("core_course_create_courses", courses__0__idnumber=idnumber)]


def test_a_clean_push_then_a_second_push_that_does_nothing(fake, token_file, dist, catalogue):
    result = push(fake, token_file, dist, TWO)

    assert result.exit_code == 0, result.output
    assert "pushed release 1.0.0" in result.output
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)
    assert all(creates_of(fake, c) == [""] for c in TWO)
    assert_second_push_does_nothing(fake, token_file, dist, TWO)


def test_the_exact_requests_of_a_first_push(fake, token_file, dist, catalogue):
    desired = wanted(catalogue, dist, ["M01-T01"])
    categories, sections = len(desired.categories), len(desired.courses[0].sections)

    result = push(fake, token_file, dist, ["M01-T01"])

    assert result.exit_code == 0, result.output
    assert [c.function for c in fake.calls] == [
        "core_webservice_get_site_info",
        *["core_course_get_categories"] * categories,  # plan: read by idnumber
        "core_course_get_courses_by_field",
        *["core_course_create_categories"] * categories,  # apply
        "core_course_create_courses",
        "core_course_get_contents",
        *["core_update_inplace_editable"] * sections,
        "upload", "local_rtcmlms_upsert_scorm",
        "upload", "local_rtcmlms_import_questions",
        "local_rtcmlms_set_deployment",
    ]
    assert all(c.fault == "" for c in fake.calls)


def test_connection_reset_mid_upload_stops_and_a_rerun_finishes(fake, token_file, dist, catalogue):
    fake.inject("reset", "upload", nth=1)

    first = push(fake, token_file, dist, TWO)

    assert first.exit_code == 1
    assert "upload: " in first.output and "(not retried: the call may change data)" in first.output
    assert STOPPED in first.output
    assert [c.fault for c in fake.called("upload")] == ["reset"]  # an upload is never re-sent blindly
    assert fake.called("local_rtcmlms_upsert_scorm") == []
    assert fake.calls[-1].function == "upload"  # the push stopped right there
    assert fake.scorms == {}

    rerun = push(fake, token_file, dist, TWO)

    assert rerun.exit_code == 0, rerun.output
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)
    assert all(creates_of(fake, c) == [""] for c in TWO)
    assert len(fake.called("local_rtcmlms_upsert_scorm")) == 2
    assert_second_push_does_nothing(fake, token_file, dist, TWO)


def test_a_create_whose_answer_times_out_is_read_back_not_sent_again(fake, token_file, dist, catalogue):
    fake.inject("timeout", "core_course_create_courses", nth=2)

    result = push(fake, token_file, dist, TWO)

    # The course landed; its answer did not. The push looked it up by idnumber and carried on.
    assert result.exit_code == 0, result.output
    assert creates_of(fake, "M01-T02") == ["timeout"]
    after_create = fake.calls.index(fake.called("core_course_create_courses", courses__0__idnumber="M01-T02")[0])
    read_back = fake.calls[after_create + 1]
    assert (read_back.function, read_back.params) == (
        "core_course_get_courses_by_field", {"field": "idnumber", "value": "M01-T02"})
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)
    assert_second_push_does_nothing(fake, token_file, dist, TWO)


def test_a_read_that_times_out_is_retried(fake, token_file, dist, catalogue):
    fake.inject("timeout", "core_webservice_get_site_info", nth=1)

    result = push(fake, token_file, dist, TWO)

    assert result.exit_code == 0, result.output
    assert [c.fault for c in fake.called("core_webservice_get_site_info")] == ["timeout", ""]
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_503_then_success_retries_the_read(fake, token_file, dist, catalogue):
    fake.inject("503", "core_course_get_courses_by_field", nth=1)

    result = push(fake, token_file, dist, TWO)

    assert result.exit_code == 0, result.output
    reads = fake.called("core_course_get_courses_by_field", field="idnumber", value="M01-T01")
    assert [c.fault for c in reads[:2]] == ["503", ""]
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_503_on_a_create_is_not_retried_and_a_rerun_creates_it_once(fake, token_file, dist, catalogue):
    fake.inject("503", "core_course_create_courses", nth=1)

    first = push(fake, token_file, dist, TWO)

    assert first.exit_code == 1
    assert "core_course_create_courses: HTTP 503" in first.output and STOPPED in first.output
    assert creates_of(fake, "M01-T01") == ["503"]
    # Before giving up, the push checked whether the course had landed anyway.
    assert fake.calls[-1].function == "core_course_get_courses_by_field"
    assert fake.courses == {}

    rerun = push(fake, token_file, dist, TWO)

    assert rerun.exit_code == 0, rerun.output
    assert creates_of(fake, "M01-T01") == ["503", ""]
    assert creates_of(fake, "M01-T02") == [""]
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_an_error_in_the_middle_of_a_20_course_push(fake, token_file, dist, catalogue, twenty):
    fake.inject("error", "core_course_create_courses", nth=11)

    first = push(fake, token_file, dist, twenty)

    assert first.exit_code == 1
    assert "core_course_create_courses: Error writing to database [dmlwriteexception]" in first.output
    assert STOPPED in first.output
    assert fake.calls[-1].function == "core_course_create_courses"  # nothing was attempted after it
    done, failed, untouched = twenty[:10], twenty[10], twenty[11:]
    assert sorted(c.fields["idnumber"] for c in fake.courses.values()) == sorted(done)
    assert all(fake.deployments[fake.course_by_idnumber(c)[0].id]["release"] == "1.0.0" for c in done)

    calls_before = len(fake.calls)
    rerun = push(fake, token_file, dist, twenty)

    assert rerun.exit_code == 0, rerun.output
    assert_complete(fake, wanted(catalogue, dist, twenty), catalogue)
    assert all(creates_of(fake, c) == [""] for c in done + untouched)
    assert creates_of(fake, failed) == ["error", ""]
    rerun_writes = {c.params.get("courseid") for c in fake.calls[calls_before:] if c.function.startswith("local_")
                    and "_get_" not in c.function}  # fmt: skip
    finished = {str(fake.course_by_idnumber(c)[0].id) for c in done}
    assert not rerun_writes & finished  # the ten finished courses were left alone
    assert_second_push_does_nothing(fake, token_file, dist, twenty)


def test_token_revoked_mid_run_says_so_and_a_rerun_with_a_new_token_finishes(fake, token_file, dist, catalogue):
    fake.inject("revoke", "local_rtcmlms_upsert_scorm", nth=2)

    first = push(fake, token_file, dist, TWO)

    assert first.exit_code == 1
    assert "local_rtcmlms_upsert_scorm: Invalid token - token not found [invalidtoken]" in first.output
    assert "issue a new one for the rtcm_lms service" in first.output
    assert TOKEN not in first.output
    assert fake.calls[-1].function == "local_rtcmlms_upsert_scorm"  # not retried, nothing after it
    assert len(fake.scorms) == 1

    fake.issue_token(NEW_TOKEN)
    token_file.write_text(NEW_TOKEN)
    rerun = push(fake, token_file, dist, TWO)

    assert rerun.exit_code == 0, rerun.output
    assert all(creates_of(fake, c) == [""] for c in TWO)
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_malformed_json_after_a_create_is_read_back_not_sent_again(fake, token_file, dist, catalogue):
    fake.inject("malformed", "core_course_create_courses", nth=1)

    result = push(fake, token_file, dist, TWO)

    assert result.exit_code == 0, result.output
    assert creates_of(fake, "M01-T01") == ["malformed"]
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_malformed_json_from_a_read_stops_with_the_answer_shown_and_a_rerun_finishes(fake, token_file, dist,
                                                                                   catalogue):  # fmt: skip
    fake.inject("malformed", "core_course_get_categories", nth=1)

    first = push(fake, token_file, dist, TWO)

    assert first.exit_code == 1
    assert "core_course_get_categories: the answer is not valid JSON: " in first.output
    assert STOPPED in first.output
    assert [c.function for c in fake.calls] == ["core_webservice_get_site_info", "core_course_get_categories"]

    rerun = push(fake, token_file, dist, TWO)

    assert rerun.exit_code == 0, rerun.output
    assert all(creates_of(fake, c) == [""] for c in TWO)
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)


def test_an_html_login_page_instead_of_json_says_so_and_a_rerun_finishes(fake, token_file, dist, catalogue):
    fake.inject("login", "core_webservice_get_site_info", nth=1)

    first = push(fake, token_file, dist, TWO)

    assert first.exit_code == 1
    assert "Moodle answered with its login page instead of JSON [loginpage]" in first.output
    assert "Check the site URL" in first.output
    assert [c.function for c in fake.calls] == ["core_webservice_get_site_info"]

    rerun = push(fake, token_file, dist, TWO)

    assert rerun.exit_code == 0, rerun.output
    assert_complete(fake, wanted(catalogue, dist, TWO), catalogue)
