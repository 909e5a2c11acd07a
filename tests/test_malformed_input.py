"""The malformed-input corpus: each case gets one clear ``path:line: message``, exit 1, no traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtcm_lms.cli import main

CORPUS = Path(__file__).resolve().parent / "malformed"
CASES = sorted(p for kind in ("content", "banks") for p in (CORPUS / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_malformed_case_reports_file_and_line(case: Path, small_project: Path, monkeypatch):
    for source in case.rglob("*"):
        if source.is_file() and source.name != "expect.txt":
            target = small_project / source.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    expected = (case / "expect.txt").read_text(encoding="utf-8").strip()
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines(), result.output
    assert "Traceback" not in result.output


def test_the_valid_fixture_is_clean(small_project: Path, monkeypatch):
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "1 quiz banks" in result.output


def test_shipped_content_is_valid(repo: Path):
    result = CliRunner().invoke(main, ["validate", "--content", os.fspath(repo / "content")])
    assert result.exit_code == 0, result.output


def test_the_readme_example_bank_is_valid(repo: Path, tmp_path: Path):
    import re

    from rtcm_lms.content.fields import Problems
    from rtcm_lms.content.loader import load_catalogue
    from rtcm_lms.quiz.bank import BankReader

    example = re.search(r"## Quiz banks.*?```yaml\n(.*?)```", (repo / "README.md").read_text(encoding="utf-8"), re.S)
    bank_file = tmp_path / "M01-T01.yaml"
    bank_file.write_text(example.group(1), encoding="utf-8")
    catalogue = load_catalogue(repo / "content")
    problems = Problems()
    bank = BankReader(bank_file, "README.md", {c.id: c for c in catalogue.courses}, problems).read()
    assert not problems.items and [q.type for q in bank.questions] == ["single", "truefalse", "matching"]
