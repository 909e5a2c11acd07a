"""Fixtures for tests that talk to a real Moodle (marked `@pytest.mark.moodle`).

The site is, in this order: RTCM_MOODLE_URL + RTCM_MOODLE_TOKEN (a live site), or the throw-away
site that tests/moodle/install.sh describes in .moodle/site.env if its server answers. Without
either the tests are skipped, or fail when RTCM_REQUIRE_MOODLE=1 (as CI sets it), so that a
broken harness cannot pass silently.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from rtcm_lms.moodle import Client, MoodleError

REPO = Path(__file__).resolve().parents[2]
STATE_FILE = REPO / ".moodle" / "site.env"
NO_SITE = "no Moodle site: set RTCM_MOODLE_URL and RTCM_MOODLE_TOKEN, or run tests/moodle/install.sh"


@dataclass(frozen=True)
class MoodleSite:
    url: str
    token: str
    client: Client
    # Known only for the throw-away site; browser tests log in with them.
    admin_user: str | None = None
    admin_password: str | None = None


def read_state_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


def server_answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/login/index.php", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def locate_site() -> tuple[dict[str, str] | None, str]:
    """Returns the site's settings, or None and the reason there is none."""
    env_url, env_token = os.environ.get("RTCM_MOODLE_URL"), os.environ.get("RTCM_MOODLE_TOKEN")
    if env_url or env_token:
        if not (env_url and env_token):
            return None, "RTCM_MOODLE_URL and RTCM_MOODLE_TOKEN must be set together"
        return {"RTCM_MOODLE_URL": env_url, "RTCM_MOODLE_TOKEN": env_token}, ""
    if not STATE_FILE.is_file():
        return None, NO_SITE
    state = read_state_file(STATE_FILE)
    url = state.get("RTCM_MOODLE_URL", "")
    if not (url and state.get("RTCM_MOODLE_TOKEN")):
        return None, f"{STATE_FILE} lacks RTCM_MOODLE_URL or RTCM_MOODLE_TOKEN: run tests/moodle/install.sh"
    if not server_answers(url):
        return None, f"the Moodle server at {url} ({STATE_FILE}) does not answer: run tests/moodle/install.sh"
    return state, ""


@pytest.fixture(scope="session")
def moodle_site() -> Iterator[MoodleSite]:
    settings, reason = locate_site()
    if settings is None:
        if os.environ.get("RTCM_REQUIRE_MOODLE") == "1":
            pytest.fail(f"RTCM_REQUIRE_MOODLE=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with Client(settings["RTCM_MOODLE_URL"], settings["RTCM_MOODLE_TOKEN"], backoff=0.2) as client:
        try:
            client.site_info()
        except MoodleError as exc:  # a site was named but cannot be used: that is a failure, not a skip
            pytest.fail(f"the Moodle site at {client.url} cannot be used: {exc}", pytrace=False)
        yield MoodleSite(
            url=client.url,
            token=settings["RTCM_MOODLE_TOKEN"],
            client=client,
            admin_user=settings.get("RTCM_MOODLE_ADMIN_USER"),
            admin_password=settings.get("RTCM_MOODLE_ADMIN_PASSWORD"),
        )


@pytest.fixture(scope="session")
def run_prefix() -> str:
    """A prefix for idnumbers, unique per test run, so tests never touch what others made."""
    return f"rtcmtest-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def scratch_category(moodle_site: MoodleSite, run_prefix: str) -> Iterator[dict]:
    """A course category for this run (a live site may have no category id 1); deleted with its contents."""
    client = moodle_site.client
    [category] = client.call("core_course_create_categories", categories=[
        {"name": f"{run_prefix} scratch", "idnumber": f"{run_prefix}-scratch", "parent": 0},
    ])
    yield category
    client.call("core_course_delete_categories", categories=[{"id": category["id"], "recursive": 1}])


@pytest.fixture
def cleanup() -> Iterator[Callable[[Callable[[], object]], None]]:
    """Registers undo steps; they run last-in first-out even when the test fails."""
    steps: list[Callable[[], object]] = []
    yield steps.append
    errors = []
    for step in reversed(steps):
        try:
            step()
        except Exception as exc:  # keep undoing the rest; report every failure at the end
            errors.append(exc)
    if errors:
        raise errors[0]
