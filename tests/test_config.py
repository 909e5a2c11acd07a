"""rtcm-lms.yml: loading with path:line errors, and where the Moodle URL and token come from."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

import rtcm_lms.moodle
from rtcm_lms.cli import main
from rtcm_lms.config import Config, MoodleConfig, load_config
from rtcm_lms.content.yamlio import ContentError
from rtcm_lms.moodle import Client
from support.fake_moodle import FakeMoodle

REPO = Path(__file__).resolve().parents[1]
TOKEN = "0123456789abcdef0123456789abcdef"
CLOSED_PORT_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "rtcm-lms.yml") == Config()


def test_url_and_a_token_file_relative_to_the_config(tmp_path):
    path = write(tmp_path / "rtcm-lms.yml", "moodle:\n  url: https://moodle.example.org\n  token_file: secrets/token\n")

    config = load_config(path)

    assert config.moodle == MoodleConfig("https://moodle.example.org", tmp_path / "secrets" / "token")
    assert config.warnings == ()


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = write(tmp_path / "rtcm-lms.yml", "moodle:\n  url: moodle.example.org\n  token_file: 42\n  token: abc\n")

    with pytest.raises(ContentError) as raised:
        load_config(path)

    assert raised.value.problems == [
        f"{path}:2: 'moodle.url' must start with http:// or https://",
        f"{path}:3: 'moodle.token_file' must be a non-empty text",
        f"{path}:4: do not put the token in this file; write it to a file of its own and name that file in "
        "'moodle.token_file'",
    ]


def test_unknown_keys_are_warnings(tmp_path):
    path = write(tmp_path / "rtcm-lms.yml", "moodel:\n  url: x\nmoodle:\n  uri: https://x\n")

    config = load_config(path)

    assert config.warnings == (f"{path}:1: unknown setting 'moodel' (known: moodle)",
                               f"{path}:4: unknown setting 'moodle.uri' (known: token_file, url)")  # fmt: skip


def test_yaml_syntax_errors_name_the_line(tmp_path):
    path = write(tmp_path / "rtcm-lms.yml", "moodle:\n  url: [unclosed\n")

    with pytest.raises(ContentError, match=r"rtcm-lms.yml:\d+: YAML syntax error"):
        load_config(path)


@pytest.fixture
def fake() -> FakeMoodle:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield FakeMoodle(server, TOKEN)
    server.check_handler_errors()
    server.stop()


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A working directory where rtcm-lms.yml is looked for."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(rtcm_lms.moodle, "Client", functools.partial(Client, timeout=(1, 2), retries=0, backoff=0))
    (tmp_path / "token").write_text(TOKEN)
    return tmp_path


def status(*args: str, env: dict | None = None):
    command = ["status", "--content", str(REPO / "content"), "--course", "M01-T01", "--json", *args]
    return CliRunner().invoke(main, command, env={"RTCM_MOODLE_URL": None, "RTCM_MOODLE_TOKEN": None, **(env or {})})


def test_url_and_token_file_from_the_config_file(project, fake):
    write(project / "rtcm-lms.yml", f"moodle:\n  url: {fake.url}\n  token_file: token\n")

    result = status()

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["site"] == fake.url


def test_the_environment_wins_over_the_config_file_and_the_flag_over_both(project, fake):
    write(project / "rtcm-lms.yml", f"moodle:\n  url: {CLOSED_PORT_URL}\n  token_file: missing-token-file\n")

    from_env = status(env={"RTCM_MOODLE_URL": fake.url, "RTCM_MOODLE_TOKEN": TOKEN})
    from_flags = status("--url", fake.url, "--token-file", "token", env={"RTCM_MOODLE_URL": CLOSED_PORT_URL,
                                                                        "RTCM_MOODLE_TOKEN": "revoked"})  # fmt: skip

    assert from_env.exit_code == 0, from_env.output
    assert from_flags.exit_code == 0, from_flags.output


def test_without_any_url_the_error_names_all_three_places(project):
    result = status()

    assert result.exit_code == 2
    assert "no Moodle URL: pass --url, set RTCM_MOODLE_URL, or set moodle.url in rtcm-lms.yml" in result.output


def test_a_broken_config_file_stops_the_command_with_its_line(project):
    write(project / "rtcm-lms.yml", "moodle:\n  url: ftp://moodle\n")

    result = status()

    assert result.exit_code == 1
    assert "rtcm-lms.yml:2: 'moodle.url' must start with http:// or https://" in result.output
