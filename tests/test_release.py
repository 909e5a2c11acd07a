"""Releases: numbered, never overwritten, reproducible anywhere, verified by rebuilding; the version is inside
every package; the changelog says which courses changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from rtcm_lms.cli import main
from rtcm_lms.release import ReleaseError, Version, check_new_version

SUFFIXES = ("scorm12.zip", "scorm2004.zip", "cc11.imscc", "cc13.imscc", "moodle.xml", "gift.txt", "qti12.zip")


def release(project: Path, version: str, *args: str, exit_code: int = 0):
    result = CliRunner().invoke(main, ["release", version, "--content", str(project / "content"),
                                       "--out", str(project / "releases"), "--jobs", "1", *args])  # fmt: skip
    assert result.exit_code == exit_code, result.output
    return result.output


def verify(project: Path, version: str, exit_code: int = 0):
    result = CliRunner().invoke(main, ["verify", str(project / "releases" / version),
                                       "--content", str(project / "content"), "--jobs", "1"])  # fmt: skip
    assert result.exit_code == exit_code, result.output
    return result.output


def reword(project: Path) -> None:
    """A new summary for M01-T02 (its title is shown by M01-T01, which links to it: that would change both)."""
    path = project / "content/modules/M01/M01-T02/course.yaml"
    path.write_text(path.read_text().replace("is essential.", "is essential to every state."))


@pytest.fixture()
def released(small_project: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01 in the changelog
    assert "released 1.0.0: 11 files" in release(small_project, "1.0.0")
    return small_project


def test_a_release_holds_every_artifact_its_manifest_and_checksums(released: Path):
    folder = released / "releases/1.0.0"
    data = json.loads((folder / "release.json").read_text())
    assert data["version"] == "1.0.0" and data["tool"]["name"] == "rtcm-lms"
    assert set(data["courses"]) == {"M01-T01", "M01-T02"}
    assert all(len(c["content_hash"]) == 64 for c in data["courses"].values()) and len(data["content_hash"]) == 64
    names = {a["path"] for a in data["artifacts"]}
    assert names == {f"M01-T01.{s}" for s in SUFFIXES} | {f"M01-T02.{s}" for s in SUFFIXES[:4]}
    for entry in data["artifacts"]:
        blob = (folder / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(blob).hexdigest() and entry["size"] == len(blob)
        assert entry["path"].startswith(entry["course"] + ".")
    assert data["skipped"] == [f"M01-T02: no quiz bank, so no {f} export" for f in ("moodlexml", "gift", "qti12")]
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 11, checked.stdout
    assert not (folder / ".rtcm-build.json").exists()
    assert folder.stat().st_mode & 0o777 == 0o755  # readable by whoever serves or mirrors it
    assert sorted(p.name for p in (released / "releases").iterdir()) == ["1.0.0", "CHANGELOG.md"]  # no temp dir


def test_the_version_is_inside_every_package(released: Path):
    folder = released / "releases/1.0.0"
    lom = {"scorm12": ".//{http://www.imsglobal.org/xsd/imsmd_rootv1p2p1}version/*",
           "scorm2004": ".//{http://ltsc.ieee.org/xsd/LOM}version/*",
           "cc13": ".//{http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest}version/*"}  # fmt: skip
    for fmt, path in lom.items():
        suffix = "zip" if fmt.startswith("scorm") else "imscc"
        with zipfile.ZipFile(folder / f"M01-T01.{fmt}.{suffix}") as package:
            manifest = etree.fromstring(package.read("imsmanifest.xml"))
            assert [el.text for el in manifest.iterfind(path)] == ["1.0.0"], fmt
            if fmt.startswith("scorm"):
                assert manifest.get("version") == "1.0.0"
                page = etree.fromstring(package.read("index.html"), etree.HTMLParser())
                assert "1.0.0" in "".join(page.find(".//footer").itertext()), "player footer"


def test_the_first_changelog_entry(released: Path):
    text = (released / "releases/CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n")
    assert "## 1.0.0 (2024-06-01)" in text and "First release: 2 courses." in text


def test_the_next_release_lists_what_changed_and_keeps_older_entries(released: Path, tmp_path: Path):
    reword(released)
    notes = tmp_path / "notes.md"
    notes.write_text("Partners & *networks* reworded.\n")
    output = release(released, "1.1.0", "--notes", str(notes))
    assert "since 1.0.0: 0 added, 1 changed, 0 removed" in output
    text = (released / "releases/CHANGELOG.md").read_text()
    assert text.count("# Changelog") == 1
    assert text.index("## 1.1.0") < text.index("## 1.0.0") and "First release: 2 courses." in text
    entry = text[text.index("## 1.1.0"): text.index("## 1.0.0")]
    assert "Partners & *networks* reworded." in entry  # Markdown, not HTML-escaped
    assert "### Changed (1)\n\n- M01-T02: International Cooperation and Partnerships on Migration\n" in entry
    assert "Added" not in entry and "Removed" not in entry
    before = json.loads((released / "releases/1.0.0/release.json").read_text())
    after = json.loads((released / "releases/1.1.0/release.json").read_text())
    assert after["changes"] == {"since": "1.0.0", "added": [], "changed": ["M01-T02"], "removed": []}
    assert before["courses"]["M01-T01"] == after["courses"]["M01-T01"]
    assert before["content_hash"] != after["content_hash"]


def test_added_and_removed_courses_are_listed(released: Path):
    module = released / "content/modules/M01"
    course = (module / "M01-T02/course.yaml").read_text()
    (module / "M01-T03").mkdir()
    (module / "M01-T03/course.yaml").write_text(course.replace("M01-T02", "M01-T03").replace("topic: 2", "topic: 3")
                                                .replace("title: International", "title: Regional"))  # fmt: skip
    assert "since 1.0.0: 1 added, 0 changed, 0 removed" in release(released, "1.1.0")
    shutil.rmtree(module / "M01-T03")
    assert "since 1.1.0: 0 added, 0 changed, 1 removed" in release(released, "1.2.0")
    text = (released / "releases/CHANGELOG.md").read_text()
    added, removed = text[text.index("## 1.1.0"): text.index("## 1.0.0")], text[: text.index("## 1.1.0")]
    assert "### Added (1)\n\n- M01-T03: Regional Cooperation and Partnerships on Migration\n" in added
    assert "### Removed (1)\n\n- M01-T03: Regional Cooperation and Partnerships on Migration\n" in removed


def test_an_unchanged_release_says_so(released: Path):
    release(released, "1.0.1")
    assert "No course changed since 1.0.0." in (released / "releases/CHANGELOG.md").read_text()


@pytest.mark.parametrize(("version", "message"), [
    ("1.0.0", "releases/1.0.0 already exists: a release is never overwritten"),
    ("1.0", "'1.0' is not a semantic version"),
    ("v1.2.0", "'v1.2.0' is not a semantic version"),
    ("01.2.0", "'01.2.0' is not a semantic version"),
    ("0.9.9", "0.9.9 is not greater than the newest release 1.0.0"),
    ("1.0.0-rc.1", "1.0.0-rc.1 is not greater than the newest release 1.0.0"),
    ("1.0.0+build.7", "1.0.0+build.7 is not greater than the newest release 1.0.0"),
])  # fmt: skip
def test_a_release_is_refused_with_a_clear_message_and_nothing_written(released: Path, version: str, message: str):
    changelog = (released / "releases/CHANGELOG.md").read_bytes()
    output = release(released, version, exit_code=1)
    assert message in output and "no release was made" in output and "Traceback" not in output
    assert sorted(p.name for p in (released / "releases").iterdir()) == ["1.0.0", "CHANGELOG.md"]
    assert (released / "releases/CHANGELOG.md").read_bytes() == changelog


def test_notes_that_are_not_utf8_are_refused_before_building(released: Path, tmp_path: Path):
    notes = tmp_path / "notes.md"
    notes.write_bytes("Caf\u00e9".encode("latin-1"))
    output = release(released, "1.1.0", "--notes", str(notes), exit_code=1)
    assert "notes.md: not UTF-8 text" in output and not (released / "releases/1.1.0").exists()


def test_a_failed_release_leaves_nothing_behind(released: Path, monkeypatch):
    changelog = (released / "releases/CHANGELOG.md").read_bytes()

    def interrupted(*args, **kwargs):
        (args[3] / "M01-T01.scorm12.zip").write_bytes(b"half")  # the staging folder has started to fill
        raise KeyboardInterrupt

    monkeypatch.setattr("rtcm_lms.release.build", interrupted)
    result = CliRunner().invoke(main, ["release", "1.1.0", "--content", str(released / "content"),
                                       "--out", str(released / "releases")])  # fmt: skip
    assert result.exit_code != 0
    assert sorted(p.name for p in (released / "releases").iterdir()) == ["1.0.0", "CHANGELOG.md"]
    assert (released / "releases/CHANGELOG.md").read_bytes() == changelog


def test_the_same_sources_give_the_same_release_anywhere(released: Path, tmp_path: Path):
    elsewhere = tmp_path / "second-machine"
    shutil.copytree(released / "content", elsewhere / "content")
    shutil.copytree(released / "quiz_banks", elsewhere / "quiz_banks")
    release(elsewhere, "1.0.0")
    for name in ("release.json", "SHA256SUMS"):
        assert (elsewhere / "releases/1.0.0" / name).read_bytes() == (released / "releases/1.0.0" / name).read_bytes()


def test_verify_rebuilds_and_matches(released: Path):
    output = verify(released, "1.0.0")
    assert "release 1.0.0 verified: all 11 files rebuilt byte for byte" in output
    assert not [p for p in (released / "releases").iterdir() if p.name.startswith(".")]  # scratch folder removed


def test_verify_names_every_mismatch(released: Path):
    reword(released)
    output = verify(released, "1.0.0", exit_code=1)
    assert "release 1.0.0: 4 mismatch(es) in 11 files" in output
    assert "M01-T02.scorm12.zip: rebuilt sha256" in output and "its course's content differs" in output
    assert "M01-T01." not in output


def test_verify_notices_an_altered_release_file(released: Path):
    package = released / "releases/1.0.0/M01-T01.gift.txt"
    package.write_text(package.read_text() + "\n// edited\n")
    output = verify(released, "1.0.0", exit_code=1)
    assert "M01-T01.gift.txt: the file in the release folder does not match release.json" in output


def test_verify_refuses_a_folder_that_is_not_a_release(small_project: Path):
    (small_project / "releases/2.0.0").mkdir(parents=True)
    output = verify(small_project, "2.0.0", exit_code=1)
    assert "release.json: missing" in output and "Traceback" not in output


def test_semver_precedence():
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
               "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"]  # semver.org, section 11
    versions = [Version.parse(v) for v in ordered]
    assert sorted(reversed(versions)) == versions
    assert Version.parse("1.0.0+a") == Version.parse("1.0.0+b")
    for bad in ("1", "1.0", "1.0.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0\n", " 1.0.0", "1.O.0"):
        with pytest.raises(ReleaseError):
            Version.parse(bad)


def test_check_new_version_in_an_empty_folder(tmp_path: Path):
    assert check_new_version("0.1.0", tmp_path / "releases") == Version.parse("0.1.0")
