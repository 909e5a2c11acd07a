"""Incremental builds: a rebuild with nothing changed rewrites nothing and loads nothing; an edit rebuilds only
what it touches; a hand-edited, missing or half-written output is rebuilt, never trusted."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rtcm_lms import incremental, render
from rtcm_lms.build import ProjectBuild, build
from rtcm_lms.cli import main
from rtcm_lms.content import yamlio
from rtcm_lms.incremental import RECORD, course_digest
from rtcm_lms.project import load_project

FORMATS = ["scorm12", "moodlexml", "cc13"]


def run_build(project: Path, *args: str):
    result = CliRunner().invoke(main, ["build", "--content", str(project / "content"), "--out", str(project / "dist"),
                                       "--jobs", "1", *args])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(dist: Path) -> dict[str, int]:
    """Every file in dist/ with its modification time: a file that was written shows a new time."""
    return {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}


def artifacts(dist: Path) -> set[str]:
    return {p.name for p in dist.iterdir() if not p.name.startswith(".") and p.name != "BUILD_NOTES.txt"}


@pytest.fixture()
def built(small_project: Path) -> Path:
    output = run_build(small_project)
    assert "built 11 files" in output  # 2 courses x 4 packages + 3 exports of the one bank
    return small_project


def test_second_build_rewrites_nothing_and_loads_nothing(built: Path, monkeypatch):
    before = snapshot(built / "dist")
    monkeypatch.setattr("rtcm_lms.cli.load_or_fail", lambda *_: pytest.fail("an unchanged project was loaded"))
    output = run_build(built)
    assert "nothing to do: all 11 files" in output
    assert "skipped 3 exports" in output  # what the record remembers is reported as before
    assert snapshot(built / "dist") == before


def test_a_touched_file_changes_nothing_but_a_reworded_one_does(built: Path):
    course = built / "content/modules/M01/M01-T02/course.yaml"
    os.utime(course, ns=(1, 1))  # only the time changed: the bytes decide
    assert "nothing to do" in run_build(built)
    course.write_text(course.read_text().replace("essential.", "essential to every state."))
    before = snapshot(built / "dist")
    assert "built 4 files" in run_build(built)
    after = snapshot(built / "dist")
    rewritten = {name for name in after if after[name] != before.get(name)} - {RECORD}
    assert rewritten == {f"M01-T02.{suffix}" for suffix in ("scorm12.zip", "scorm2004.zip", "cc11.imscc", "cc13.imscc")}


def test_a_reformatted_file_with_the_same_content_rebuilds_nothing(built: Path):
    course = built / "content/modules/M01/M01-T02/course.yaml"
    course.write_text(course.read_text() + "\n# a comment changes the bytes, not the course\n")
    assert "nothing to do" in run_build(built)


@pytest.mark.parametrize("damage", ["edit", "truncate", "delete"])
def test_a_damaged_artifact_is_rebuilt_alone(built: Path, damage: str):
    target = built / "dist/M01-T01.scorm12.zip"
    good = target.read_bytes()
    if damage == "edit":
        target.write_bytes(good[:100] + b"X" + good[101:])  # same size, different bytes
    elif damage == "truncate":
        target.write_bytes(good[: len(good) // 2])  # as a crash mid-copy would leave it
    else:
        target.unlink()
    assert "built 1 files" in run_build(built)
    assert target.read_bytes() == good


@pytest.mark.parametrize("record", ["{not json", '{"format": 2}', "[]", '{"M01-T01.scorm12.zip": {"key": "x"}}'])
def test_a_damaged_or_old_record_costs_a_rebuild_not_an_error(built: Path, record: str):
    (built / "dist" / RECORD).write_text(record)
    assert "built 11 files" in run_build(built)
    assert "nothing to do" in run_build(built)


def test_a_new_version_label_or_force_rebuilds_everything(built: Path):
    assert "built 11 files" in run_build(built, "--version-label", "9.9.9")
    assert "nothing to do" in run_build(built, "--version-label", "9.9.9")
    assert "built 11 files" in run_build(built, "--version-label", "9.9.9", "--force")


def test_another_request_is_not_answered_from_the_last_build(built: Path):
    output = run_build(built, "--format", "gift", "--course", "M01-T01")
    assert "nothing to do: all 1 files" in output  # kept by the per-artifact check, not the whole-build one
    assert "nothing to do: all 11 files" in run_build(built)


def test_an_interrupted_build_is_not_taken_for_a_complete_one(built: Path, monkeypatch):
    course = built / "content/modules/M01/M01-T01/course.yaml"
    course.write_text(course.read_text().replace("title: The", "title: Truly The", 1))
    from rtcm_lms.builders.scorm2004 import Scorm2004Builder

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(Scorm2004Builder, "build", interrupted)
    result = CliRunner().invoke(main, ["build", "--content", str(built / "content"), "--out", str(built / "dist"),
                                       "--jobs", "1"])  # fmt: skip
    assert result.exit_code != 0
    monkeypatch.undo()
    assert not [p for p in (built / "dist").iterdir() if ".tmp-" in p.name]
    assert ProjectBuild(built / "content", [], [], built / "dist", _version()).unchanged() is None
    assert "built 6 files" in run_build(built)  # M01-T01's scorm12 was finished and recorded before the stop


def test_unknown_format_or_course_is_still_a_usage_error_after_a_build(built: Path):
    runner = CliRunner()
    base = ["build", "--content", str(built / "content"), "--out", str(built / "dist")]
    assert runner.invoke(main, [*base, "--format", "pdf"]).exit_code == 2
    assert runner.invoke(main, [*base, "--course", "M09-T99"]).exit_code == 2


def test_parallel_build_gives_the_bytes_of_a_serial_one(small_project: Path, tmp_path: Path):
    catalogue = load_project(small_project / "content")
    one = build(catalogue, FORMATS, [], tmp_path / "one", "1.0.0", jobs=1)
    two = build(catalogue, FORMATS, [], tmp_path / "two", "1.0.0", jobs=2)
    assert [(a.path.name, a.sha256) for a in one.artifacts] == [(a.path.name, a.sha256) for a in two.artifacts]
    assert one.notes == two.notes


def test_course_hash_does_not_depend_on_where_the_project_is(small_project: Path, tmp_path: Path):
    course_dir = small_project / "content/modules/M01/M01-T01"
    (course_dir / "media").mkdir()
    (course_dir / "media/map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 32)
    (course_dir / "S1.md").write_text("# Map\n\n![A map](media/map.png)\n", encoding="utf-8")
    elsewhere = shutil.copytree(small_project, tmp_path / "elsewhere")
    here, there = load_project(small_project / "content"), load_project(elsewhere / "content")
    assert course_digest(here, here.course("M01-T01")) == course_digest(there, there.course("M01-T01"))
    (elsewhere / "content/modules/M01/M01-T01/media/map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"2" * 32)
    there = load_project(elsewhere / "content")
    assert course_digest(here, here.course("M01-T01")) != course_digest(there, there.course("M01-T01"))


def test_the_record_names_each_artifact_and_its_notes(built: Path):
    record = json.loads((built / "dist" / RECORD).read_text())
    assert record["format"] == 2 and len(record["last_build"]["artifacts"]) == 11
    entry = record["artifacts"]["M01-T01.qti12.zip"]
    assert entry["course"] == "M01-T01" and entry["format"] == "qti12" and len(entry["sha256"]) == 64


def test_templates_dir_is_the_one_the_renderer_uses():
    assert incremental.TEMPLATES_DIR == render.TEMPLATES_DIR


def test_the_fast_yaml_parser_reads_every_shipped_file_as_the_reference_parser(repo: Path):
    files = sorted((repo / "content").rglob("*.yaml")) + sorted((repo / "quiz_banks").glob("*.yaml"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, reference = yamlio._compose(text), yaml.compose(text, Loader=yaml.SafeLoader)
        assert _shape(fast) == _shape(reference), path


def test_a_yaml_syntax_error_keeps_the_reference_parser_message(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: M01-T01\ntitle: [unclosed\nsummary: x\n")
    with pytest.raises(yamlio.ContentError) as caught:
        yamlio.read_yaml(bad, "bad.yaml")
    with pytest.raises(yaml.MarkedYAMLError) as reference:
        yaml.compose(bad.read_text(), Loader=yaml.SafeLoader)
    assert caught.value.problems == [f"bad.yaml:{reference.value.problem_mark.line + 1}: YAML syntax error: "
                                     f"{reference.value.problem}"]  # fmt: skip


def _shape(node: yaml.Node):
    """Tag, value and line of every node (the C parser leaves ``style`` empty where Python says None)."""
    if isinstance(node, yaml.MappingNode):
        return node.tag, node.start_mark.line, [(_shape(k), _shape(v)) for k, v in node.value]
    if isinstance(node, yaml.SequenceNode):
        return node.tag, node.start_mark.line, [_shape(n) for n in node.value]
    return node.tag, node.start_mark.line, node.value


def _version() -> str:
    from rtcm_lms import __version__

    return __version__
