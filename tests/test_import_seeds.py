"""The seed importer on the real seeds: counts checked against the seed by reading it."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtcm_lms.cli import main
from rtcm_lms.content.loader import load_catalogue
from rtcm_lms.importers.seeds import import_seeds

# Counted in the seed: "TOPIC" headings (+2 topics whose heading is lost), SESSION/SECTION headings,
# ✓ outcome bullets (+1 in module 7 whose bullet was lost, seed line 6722) and lettered items per module.
TOPICS = [12, 10, 12, 14, 6, 5, 4, 5]
SESSIONS = [44, 44, 34, 46, 28, 25, 17, 20]
OUTCOMES = [56, 60, 49, 61, 35, 21, 22, 35]
ITEMS = [192, 165, 122, 184, 119, 99, 73, 95]


@pytest.fixture(scope="module")
def imported(seeds):
    return import_seeds(seeds)


def test_every_module_has_its_topics_sessions_outcomes_and_items(imported):
    catalogue, _ = imported
    assert [m.number for m in catalogue.modules] == list(range(1, 9))
    for module, topics, sessions, outcomes, items in zip(catalogue.modules, TOPICS, SESSIONS, OUTCOMES, ITEMS):
        courses = catalogue.courses_of(module.id)
        assert len(courses) == topics, module.id
        assert sum(len(c.sessions) for c in courses) == sessions, module.id
        assert sum(len(c.outcomes) for c in courses) == outcomes, module.id
        assert sum(len(s.items) for c in courses for s in c.sessions) == items, module.id
    assert sum(TOPICS) == 68


def test_topics_whose_heading_is_lost_take_the_outline_title(imported):
    catalogue, log = imported
    assert catalogue.course("M02-T07").title == "Detention Standards for Irregular Migrants and Alternatives to Detention"
    assert catalogue.course("M05-T03").title == "Migrant Remittances and Sustainable Development"
    assert "module heading for topic 7 is missing" in log.render()


def test_titles_on_the_next_heading_and_parts(imported):
    catalogue, _ = imported
    assert catalogue.course("M01-T03").title == "Developing Evidence-Based Migration Policy"
    assert catalogue.course("M03-T01").part == "Part I: Definition of the Concept and Standards of its Regulation"
    assert catalogue.course("M04-T01").part.startswith("Part 1: Definitions of Concepts")


def test_body_wins_over_a_disagreeing_outline_table(imported):
    catalogue, log = imported
    assert catalogue.course("M03-T08").title == "Family and Migration"
    assert catalogue.course("M03-T09").title == "Children and Migration"
    assert catalogue.course("M04-T09").title == "The Concepts of Subsidiary and Temporary Protection"
    assert "the outline table lists 11 topics, the body has 12" in log.render()


def test_duplicate_and_skipped_session_numbers_stay_visible(imported):
    catalogue, log = imported
    m07t02 = catalogue.course("M07-T02")
    assert [(s.id, s.number) for s in m07t02.sessions] == [("S1", 1), ("S3", 3), ("S3b", 3)]
    assert "M07-T02: session numbers skip from 1 to 3" in log.render()
    m05t06 = catalogue.course("M05-T06")
    assert [s.label for s in m05t06.sessions] == ["Section"] * 5 + ["Session"]
    assert m05t06.sessions[-1].title == "Data Collection and Research"


def test_items_keep_their_letters_and_lost_bullets_are_recovered(imported):
    catalogue, _ = imported
    sea = catalogue.course("M02-T08").session("S1")
    assert [(i.letter, i.text) for i in sea.items][:2] == [("A", "UNCLOS"), ("B", "SOLAS")]
    influx = catalogue.course("M04-T13").session("S1")
    assert influx.items[-1].letter == "C" and influx.items[-1].text == "Role of National Authorities"


def test_footnotes_and_page_breaks_do_not_leak_into_text(imported):
    catalogue, _ = imported
    remittances = catalogue.course("M05-T03")
    assert "<sup>" not in remittances.summary and "Ibid" not in remittances.summary
    assert len(remittances.outcomes) == 6
    ibm = catalogue.course("M02-T02").session("S2")
    assert not any(i.text == "supporting border control" for i in ibm.items)


def test_lead_ins_and_lost_bullets(imported):
    catalogue, _ = imported
    climate = catalogue.course("M07-T04")
    assert climate.outcomes[-1].id == "O8" and climate.outcomes[-1].text.startswith("Understand the role that the private")
    assert climate.format == ("Workshop (Hybrid format)", "3 days")
    trafficking = catalogue.course("M02-T06")
    assert trafficking.outcomes[-1].text.endswith("curbing of TIP")
    assert not any(p.rstrip().endswith(":") for c in catalogue.courses for p in c.summary.split("\n\n")[-1:])


def test_materials_keep_their_urls(imported):
    catalogue, _ = imported
    materials = catalogue.course("M01-T01").materials
    wmr = next(m for m in materials if m.text.startswith("World Migration Report 2022"))
    assert wmr.url == "https://worldmigrationreport.iom.int/wmr-2022-interactive/"


def test_links_resolve_and_impossible_ones_are_reported(imported):
    catalogue, log = imported
    assert [link.course for link in catalogue.course("M02-T04").links] == ["M02-T01", "M03-T11"]
    assert "names M07-T05, which does not exist" in log.render()
    known = {c.id for c in catalogue.courses}
    assert all(link.course in known for c in catalogue.courses for link in c.links)


def test_two_week_courses_and_emm(imported):
    catalogue, _ = imported
    two_week = [c for c in catalogue.courses if c.kind == "course"]
    assert {c.id for c in two_week} == {
        "policy-development-for-migration-management",
        "evidence-based-migration-policy-making",
        "the-global-compacts-on-migration-and-refugees",
    }
    for course in two_week:
        assert len(course.outcomes) == 7 and len(course.sessions) == 10
        assert [s.week for s in course.sessions] == [1] * 5 + [2] * 5
        assert all(len(s.items) == 7 for s in course.sessions)
        assert len(course.methodologies) == 7 and len(course.action_plan) == 7
    emm = catalogue.emm
    assert [len(v.sections) for v in emm.volumes] == [10, 10, 12]
    assert emm.section("2.7").title == "Migration and Health"
    assert "Arabic" in emm.languages and "Farsi" in emm.languages


def test_import_is_idempotent_and_matches_the_committed_content(seeds, repo, tmp_path: Path):
    runner = CliRunner()
    for out in (tmp_path / "a", tmp_path / "b"):
        result = runner.invoke(main, ["import-seeds", str(seeds), "--out", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["import-seeds", str(seeds), "--out", str(tmp_path / "a"), "--quiet"])
    assert "0 files changed" in again.output
    for folder in (tmp_path / "b", repo / "content"):
        cmp = filecmp.dircmp(tmp_path / "a", folder)
        assert _all_same(cmp), f"{folder} differs from a fresh import"


AUTHORED = {"evaluation.yaml"}  # written by people in content/, never by the importer


def _all_same(cmp: filecmp.dircmp) -> bool:
    yaml_only = lambda names: [n for n in names if n.endswith((".yaml", ".txt"))]  # noqa: E731
    right_only = [n for n in cmp.right_only if n not in AUTHORED]
    if yaml_only(cmp.left_only) or yaml_only(right_only) or yaml_only(cmp.diff_files):
        return False
    return all(_all_same(sub) for sub in cmp.subdirs.values())


def test_loaded_content_equals_the_import(imported, repo):
    catalogue, _ = imported
    loaded = load_catalogue(repo / "content")
    assert loaded.modules == catalogue.modules
    for imported_course in catalogue.courses:
        course = loaded.course(imported_course.id)
        assert course.sessions == imported_course.sessions
        assert course.outcomes == imported_course.outcomes
        assert course.materials == imported_course.materials
        assert course.links == imported_course.links
    assert loaded.emm == catalogue.emm
