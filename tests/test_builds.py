"""Packages of every course: valid (XSD + semantic), reproducible, identifiers stable on rewording."""

from __future__ import annotations

import dataclasses
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from rtcm_lms.build import build
from rtcm_lms.cli import main
from rtcm_lms.project import load_project
from rtcm_lms.validate import validate_package

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_project(REPO / "content")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = build(CATALOGUE, ["scorm12", "scorm2004", "qti12"], [], out, "1.2.3", jobs=2)
    assert len({a.course for a in result.artifacts}) == len(CATALOGUE.courses)
    return out


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_every_course_has_a_valid_package(dist, fmt):
    for course in CATALOGUE.courses:
        report = validate_package(dist / f"{course.id}.{fmt}.zip")
        assert report.ok, [str(p) for p in report.problems]
        assert report.kind == fmt


def test_every_qti_package_is_a_valid_cartridge(dist):
    for bank in CATALOGUE.banks:
        report = validate_package(dist / f"{bank.course}.qti12.zip")
        assert report.ok and report.kind == "cc11", [str(p) for p in report.problems]


def manifest(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist()[0] == "imsmanifest.xml"
        return etree.fromstring(zf.read("imsmanifest.xml"))


def identifiers(root: etree._Element) -> list[str]:
    return [el.get("identifier") for el in root.iter() if el.get("identifier")]


def test_scorm12_manifest_has_a_non_launchable_root_and_the_mastery_score(dist):
    course = CATALOGUE.course("M01-T01")
    root = manifest(dist / "M01-T01.scorm12.zip")
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    top = root.find("cp:organizations/cp:organization/cp:item", ns)
    assert top.get("identifierref") is None and top.get("identifier") == "ROOT-M01-T01"
    sco = top.find("cp:item", ns)
    assert sco.get("identifierref") == "RES-M01-T01"
    bank = CATALOGUE.bank(course.id)
    if bank:
        assert sco.findtext("adlcp:masteryscore", namespaces=ns) == str(bank.pass_mark)
    files = {f.get("href") for f in root.iterfind(".//cp:resource/cp:file", ns)}
    assert files == {"index.html", "player.css", "player.js"}


def test_scorm2004_manifest_scores_by_measure(dist):
    root = manifest(dist / "M01-T01.scorm2004.zip")
    ns = {"imsss": "http://www.imsglobal.org/xsd/imsss"}
    primary = root.find(".//imsss:primaryObjective", ns)
    bank = CATALOGUE.bank("M01-T01")
    if bank:
        assert primary.get("satisfiedByMeasure") == "true"
        assert float(primary.findtext("imsss:minNormalizedMeasure", namespaces=ns)) == bank.pass_mark / 100


def test_rebuilding_gives_identical_bytes(tmp_path):
    first = build(CATALOGUE, ["scorm12", "scorm2004"], ["M02-T03"], tmp_path / "a", "1.2.3")
    os.utime(REPO / "content" / "catalogue.yaml")  # a touched source must not matter
    second = build(CATALOGUE, ["scorm12", "scorm2004"], ["M02-T03"], tmp_path / "b", "1.2.3")
    assert [a.sha256 for a in first.artifacts] == [a.sha256 for a in second.artifacts]


def test_rewording_keeps_every_identifier(tmp_path):
    course = CATALOGUE.course("M01-T04")
    reworded_sessions = tuple(dataclasses.replace(s, title=s.title + " (revised)") for s in course.sessions)
    reworded = dataclasses.replace(course, title="A reworded title", sessions=reworded_sessions,
                                   summary="Completely new summary.")
    catalogue = dataclasses.replace(CATALOGUE, courses=tuple(reworded if c.id == course.id else c
                                                             for c in CATALOGUE.courses), _index={})
    before = build(CATALOGUE, ["scorm12", "scorm2004"], [course.id], tmp_path / "a", "1.2.3").artifacts
    after = build(catalogue, ["scorm12", "scorm2004"], [course.id], tmp_path / "b", "1.2.3").artifacts
    for old, new in zip(before, after, strict=True):
        assert old.sha256 != new.sha256
        assert identifiers(manifest(old.path)) == identifiers(manifest(new.path))


def test_page_media_travels_with_the_package(small_project: Path, monkeypatch):
    course_dir = small_project / "content/modules/M01/M01-T01"
    (course_dir / "media").mkdir()
    (course_dir / "media/corridors.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    (course_dir / "S1.md").write_text("# Corridors\n\n![Migration corridors](media/corridors.png)\n", encoding="utf-8")
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["build", "--format", "scorm12", "--course", "M01-T01"])
    assert result.exit_code == 0, result.output
    package = small_project / "dist/M01-T01.scorm12.zip"
    assert "media/corridors.png" in zipfile.ZipFile(package).namelist()
    assert validate_package(package).ok


def test_a_symlink_leaving_content_is_refused(small_project: Path, monkeypatch, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for learners")
    course_dir = small_project / "content/modules/M01/M01-T01"
    (course_dir / "media").mkdir()
    (course_dir / "media/notes.txt").symlink_to(secret)
    (course_dir / "S1.md").write_text("# Notes\n\n[notes](media/notes.txt)\n", encoding="utf-8")
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["build", "--format", "scorm12"])
    assert result.exit_code == 1
    assert "content/modules/M01/M01-T01/S1.md:3: 'media/notes.txt' points outside content/" in result.output
    assert not (small_project / "dist").exists()


def test_invalid_content_stops_the_build_before_any_file(small_project: Path, monkeypatch):
    path = small_project / "content/modules/M01/M01-T02/course.yaml"
    path.write_text(path.read_text().replace("title: International", "titel: International"))
    monkeypatch.chdir(small_project)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "content/modules/M01/M01-T02/course.yaml:2: unknown key 'titel'" in result.output
    assert not (small_project / "dist").exists()


CC_NS = {
    "cc11": {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1", "wl": "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"},
    "cc13": {"cp": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1", "wl": "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"},
}


@pytest.fixture(scope="module")
def cartridges(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cc")
    build(CATALOGUE, ["cc11", "cc13"], [], out, "1.2.3", jobs=2)
    return out


@pytest.mark.parametrize("fmt", ["cc11", "cc13"])
def test_every_course_has_a_valid_cartridge(cartridges, fmt):
    for course in CATALOGUE.courses:
        report = validate_package(cartridges / f"{course.id}.{fmt}.imscc")
        assert report.ok and report.kind == fmt, [str(p) for p in report.problems]


@pytest.mark.parametrize("fmt", ["cc11", "cc13"])
def test_cartridge_structure_follows_the_course(cartridges, fmt):
    from rtcm_lms.course_pages import course_pages

    ns = CC_NS[fmt]
    for course_id in ("M01-T01", "M04-T09", "policy-development-for-migration-management"):
        course = CATALOGUE.course(course_id)
        path = cartridges / f"{course_id}.{fmt}.imscc"
        root = manifest(path)
        org = root.find("cp:organizations/cp:organization", ns)
        assert org.get("structure") == "rooted-hierarchy"
        titles = [i.findtext("cp:title", namespaces=ns) for i in org.findall("cp:item/cp:item", ns)]
        expected = [p.title for p in course_pages(CATALOGUE, course)]
        if CATALOGUE.bank(course_id):
            expected.append("Self-assessment")
        assert titles == expected
        with zipfile.ZipFile(path) as zf:
            links = [etree.fromstring(zf.read(n)) for n in zf.namelist() if n.startswith("weblinks/")]
        assert sorted(wl.find("wl:url", ns).get("href") for wl in links) == sorted(
            m.url for m in course.materials if m.url)
