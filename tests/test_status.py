"""`rtcm-lms status` against the fake Moodle: what is deployed, and what a push would change."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

import rtcm_lms.moodle
from rtcm_lms.build import build
from rtcm_lms.cli import main
from rtcm_lms.moodle import Client
from rtcm_lms.moodle.desired import desired_state
from rtcm_lms.project import load_project
from support.fake_moodle import FakeMoodle

REPO = Path(__file__).resolve().parents[1]
TOKEN = "0123456789abcdef0123456789abcdef"
COURSES = ["M01-T01", "M01-T02"]


@pytest.fixture(scope="module")
def catalogue():
    return load_project(REPO / "content")


@pytest.fixture(scope="module")
def dist(catalogue, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(catalogue, ["scorm12", "moodlexml"], COURSES, out, "1.0.0")
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    httpserver = HTTPServer(host="127.0.0.1")
    httpserver.start()
    yield httpserver
    httpserver.stop()


@pytest.fixture(autouse=True)
def quick_client(monkeypatch):
    monkeypatch.setattr(rtcm_lms.moodle, "Client", functools.partial(Client, timeout=(2, 2), retries=1, backoff=0))


@pytest.fixture
def fake_site(server) -> Iterator:
    """Makes the fake site of a test (with or without the plugin); its handlers must not have failed."""
    yield lambda plugin=True: FakeMoodle(server, TOKEN, plugin=plugin)
    server.check_handler_errors()
    server.clear()


@pytest.fixture
def token_file(tmp_path) -> Path:
    path = tmp_path / "token"
    path.write_text(TOKEN)
    return path


def run(command: str, fake: FakeMoodle, token_file: Path, dist: Path, *extra: str) -> Result:
    args = [command, "--content", str(REPO / "content"), "--url", fake.url, "--token-file", str(token_file),
            "--dist", str(dist), "--release", "1.0.0"]  # fmt: skip
    for course in COURSES:
        args += ["--course", course]
    env = {"RTCM_MOODLE_URL": None, "RTCM_MOODLE_TOKEN": None, "COLUMNS": "250"}
    return CliRunner().invoke(main, [*args, *extra], env=env)


def status_json(fake, token_file, dist, *extra) -> dict:
    result = run("status", fake, token_file, dist, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_status_of_an_empty_site_lists_every_course_as_missing(fake_site, token_file, dist):
    fake = fake_site()

    report = status_json(fake, token_file, dist)

    assert report["summary"] == {"up to date": 0, "differs": 0, "missing": 2, "not built": 0}
    assert "create category RTCM" in report["categories"][0]
    first = report["courses"][0]
    assert (first["course"], first["moodle_id"], first["state"]) == ("M01-T01", None, "missing")
    assert first["differences"][0].startswith("create course (")
    assert [c.function for c in fake.calls if "_get_" not in c.function] == []  # status never writes


def test_status_after_a_push_reports_what_is_deployed_and_nothing_to_do(fake_site, token_file, dist, catalogue):
    fake = fake_site()
    assert run("push", fake, token_file, dist).exit_code == 0

    report = status_json(fake, token_file, dist)

    desired = desired_state(catalogue, dist, "1.0.0", COURSES)
    assert report["summary"]["up to date"] == 2 and report["categories"] == []
    for want, got in zip(desired.courses, report["courses"], strict=True):
        [course] = fake.course_by_idnumber(want.idnumber)
        assert got == {"course": want.idnumber, "moodle_id": course.id, "release": "1.0.0",
                       "contenthash": want.content_hash, "scorm_sha1": want.scorm.sha1,
                       "questions": len(catalogue.bank(want.idnumber).questions), "built": True,
                       "differences": [], "state": "up to date"}  # fmt: skip


def test_status_shows_the_differences_a_push_would_apply(fake_site, token_file, dist):
    fake = fake_site()
    assert run("push", fake, token_file, dist).exit_code == 0
    [course] = fake.course_by_idnumber("M01-T02")
    course.sections[1]["name"] = "Renamed by hand"
    course.fields["fullname"] = "Edited in Moodle"

    report = status_json(fake, token_file, dist, "--release", "1.0.1")

    by_course = {c["course"]: c for c in report["courses"]}
    assert by_course["M01-T01"]["differences"] == ["record deployment (release 1.0.1)"]
    assert by_course["M01-T02"]["differences"] == [
        "update course (full name)", "update sections (1 section name(s))", "record deployment (release 1.0.1)"]
    assert report["summary"]["differs"] == 2
    dry_run = run("push", fake, token_file, dist, "--release", "1.0.1", "--dry-run")
    assert "update  course M01-T02  (full name)" in dry_run.output  # the same plan push prints


def test_status_table_names_each_course_and_its_state(fake_site, token_file, dist, tmp_path):
    fake = fake_site()
    assert run("push", fake, token_file, dist).exit_code == 0
    # Take one course away to see a missing course beside a deployed one.
    [gone] = fake.course_by_idnumber("M01-T02")
    del fake.courses[gone.id]

    result = run("status", fake, token_file, dist)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    row = next(line for line in lines if "M01-T01" in line)
    assert "up to date" in row and "1.0.0" in row
    assert "missing" in next(line for line in lines if "M01-T02" in line)
    assert "1 up to date, 1 missing" in result.stdout


def test_status_without_the_plugin_reads_core_functions_only(fake_site, token_file, dist):
    fake = fake_site(plugin=False)
    assert run("push", fake, token_file, dist).exit_code == 1  # SCORM and questions need the plugin
    [course] = fake.course_by_idnumber("M01-T01")
    fake.scorms[999] = {"courseid": course.id, "idnumber": "", "scormid": 5, "name": "by hand", "sectionnum": 0,
                        "sha1hash": "ab" * 20}  # fmt: skip

    report = status_json(fake, token_file, dist)

    first = report["courses"][0]
    assert report["plugin"] is False
    assert (first["release"], first["questions"], first["scorm_sha1"]) == (None, None, "ab" * 20)
    assert any(d.startswith("blocked scorm") for d in first["differences"])


def test_status_marks_courses_that_are_not_built_locally(fake_site, token_file, dist, tmp_path):
    fake = fake_site()
    assert run("push", fake, token_file, dist).exit_code == 0

    report = status_json(fake, token_file, tmp_path)  # an empty dist/

    assert [c["state"] for c in report["courses"]] == ["not built", "not built"]
    assert all(c["built"] is False for c in report["courses"])
