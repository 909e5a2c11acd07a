"""validate_package on small hand-built packages: four valid kinds, then one test per problem.

The packages are built here with zipfile (not with the project's builders) so these tests
check the validator against the standards, not against our own output.
"""

from __future__ import annotations

import random
import stat
import zipfile
from pathlib import Path

import pytest

from rtcm_lms.validate import Problem, Report, validate_package
from rtcm_lms.validate import schemas as schema_sets

LAUNCH_PAGE = """<!DOCTYPE html>
<html><head><title>Lesson</title>
<link rel="stylesheet" href="../shared/style.css">
<script src="player.js"></script></head>
<body><a href="#top">top</a> <img src="https://www.example.org/logo.png" alt="">
<a href="page2.html?x=1#a">next</a></body></html>
"""

SCORM12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-1" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>Course</title>
      <item identifier="ITEM-ROOT">
        <title>Module</title>
        <item identifier="ITEM-1" identifierref="RES-1">
          <title>Lesson 1</title>
          <adlcp:masteryscore>80</adlcp:masteryscore>
        </item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormtype="sco" href="sco1/index.html">
      <file href="sco1/index.html"/>
      <file href="sco1/page2.html"/>
      <file href="sco1/player.js"/>
      <dependency identifierref="RES-SHARED"/>
    </resource>
    <resource identifier="RES-SHARED" type="webcontent" adlcp:scormtype="asset">
      <file href="shared/style.css"/>
    </resource>
  </resources>
</manifest>
"""

SCORM2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-1" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>Course</title>
      <item identifier="ITEM-1" identifierref="RES-1">
        <title>Lesson 1</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="PASS" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormType="sco" href="sco1/index.html">
      <file href="sco1/index.html"/>
      <file href="sco1/page2.html"/>
      <file href="sco1/player.js"/>
      <file href="shared/style.css"/>
    </resource>
  </resources>
</manifest>
"""

CC_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="CC-1"
    xmlns="http://www.imsglobal.org/xsd/imsccv1p{v}/imscp_v1p1"
    xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p{v}/LOM/manifest">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.{v}.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title><lomimscc:string>Course</lomimscc:string></lomimscc:title>
      </lomimscc:general>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="ORG-1" structure="rooted-hierarchy">
      <item identifier="ROOT">
        <item identifier="ITEM-PAGE" identifierref="RES-PAGE"><title>Intro</title></item>
        <item identifier="ITEM-LINK" identifierref="RES-LINK"><title>Reading</title></item>
        <item identifier="ITEM-QUIZ" identifierref="RES-QUIZ"><title>Quiz</title></item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-PAGE" type="webcontent" href="pages/intro.html">
      <file href="pages/intro.html"/>
    </resource>
    <resource identifier="RES-LINK" type="imswl_xmlv1p{v}">
      <file href="links/reading.xml"/>
    </resource>
    <resource identifier="RES-QUIZ" type="imsqti_xmlv1p2/imscc_xmlv1p{v}/assessment">
      <file href="quiz/assessment.xml"/>
    </resource>
  </resources>
</manifest>
"""

WEBLINK = """<?xml version="1.0" encoding="UTF-8"?>
<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p{v}/imswl_v1p{v}">
  <title>Further reading</title>
  <url href="https://www.example.org/reading" target="_blank"/>
</webLink>
"""

ASSESSMENT = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="A-QUIZ" title="Quiz">
    <qtimetadata>
      <qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.exam.v0p1</fieldentry></qtimetadatafield>
    </qtimetadata>
    <section ident="S-1">
      <item ident="Q-1" title="Question 1">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.true_false.v0p1</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        <presentation>
          <material><mattext texttype="text/plain">Is the sky blue?</mattext></material>
          <response_lid ident="R-1" rcardinality="Single">
            <render_choice>
              <response_label ident="T"><material><mattext>True</mattext></material></response_label>
              <response_label ident="F"><material><mattext>False</mattext></material></response_label>
            </render_choice>
          </response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
          <respcondition continue="No">
            <conditionvar><varequal respident="R-1">T</varequal></conditionvar>
            <setvar varname="SCORE" action="Set">100</setvar>
          </respcondition>
        </resprocessing>
      </item>
    </section>
  </assessment>
</questestinterop>
"""


def scorm_files(manifest: str) -> dict[str, str | bytes]:
    return {
        "imsmanifest.xml": manifest,
        "sco1/index.html": LAUNCH_PAGE,
        "sco1/page2.html": "<html><body>2</body></html>",
        "sco1/player.js": "window.player = {};",
        "shared/style.css": "body { margin: 0 }",
    }


def cc_files(version: int) -> dict[str, str | bytes]:
    return {
        "imsmanifest.xml": CC_MANIFEST.replace("{v}", str(version)),
        "pages/intro.html": "<html><body><p>Welcome</p></body></html>",
        "links/reading.xml": WEBLINK.replace("{v}", str(version)),
        "quiz/assessment.xml": ASSESSMENT,
    }


def make_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (so tests don't hard-code lines)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def errors(report: Report) -> list[Problem]:
    return [p for p in report.problems if p.severity == "error"]


def only_error(report: Report, contains: str) -> Problem:
    """The single error whose message contains ``contains`` (fails listing all problems otherwise)."""
    found = [p for p in errors(report) if contains in p.message]
    assert len(found) == 1, "\n".join(map(str, report.problems))
    return found[0]


def validate(tmp_path: Path, files: dict[str, str | bytes], name: str = "pkg.zip") -> Report:
    return validate_package(make_zip(tmp_path / name, files))


# --- valid packages -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("files", "kind", "schema"),
    [
        (scorm_files(SCORM12), "scorm12", "scorm12/scorm12libxml2validator.xsd"),
        (scorm_files(SCORM2004), "scorm2004", "scorm2004_4th/scorm2004libxml2validator.xsd"),
        (cc_files(1), "cc11", "cc11/cc11libxml2validator.xsd"),
        (cc_files(3), "cc13", "cc13/cc13libxml2validator_offline.xsd"),
    ],
    ids=["scorm12", "scorm2004", "cc11", "cc13"],
)
def test_minimal_valid_package_is_clean(tmp_path, files, kind, schema):
    report = validate(tmp_path, files)
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert report.ok
    assert report.kind == kind
    assert report.schemas[f"{tmp_path / 'pkg.zip'}!/imsmanifest.xml"] == schema


def test_cc11_resource_files_use_their_own_schemas(tmp_path):
    report = validate(tmp_path, cc_files(1), name="course.imscc")
    base = f"{tmp_path / 'course.imscc'}!/"
    assert report.schemas == {
        base + "imsmanifest.xml": "cc11/cc11libxml2validator.xsd",
        base + "links/reading.xml": "cc11/ccv1p1_imswl_v1p1.xsd",
        base + "quiz/assessment.xml": "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    }


def test_cc13_resource_files_use_the_cc13_schema(tmp_path):
    report = validate(tmp_path, cc_files(3))
    assert set(report.schemas.values()) == {"cc13/cc13libxml2validator_offline.xsd"}
    assert len(report.schemas) == 3


def test_unpacked_folder_validates_too(tmp_path):
    for name, data in scorm_files(SCORM12).items():
        target = tmp_path / "unpacked" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data)
    report = validate_package(tmp_path / "unpacked")
    assert report.ok and report.problems == []
    assert report.kind == "scorm12"


def test_problem_prints_as_path_line_message():
    problem = Problem("error", "c.zip!/imsmanifest.xml", 12, "bad")
    assert str(problem) == "c.zip!/imsmanifest.xml:12: bad"
    assert str(Problem("warning", "c.zip", None, "odd")) == "c.zip: odd"


# --- manifest problems --------------------------------------------------------------------------

def test_missing_href_file(tmp_path):
    files = scorm_files(SCORM12)
    del files["sco1/player.js"]
    report = validate(tmp_path, files)
    problem = only_error(report, "file 'sco1/player.js'")
    assert problem.path.endswith("pkg.zip!/imsmanifest.xml")
    assert problem.line == line_of(SCORM12, 'href="sco1/player.js"')
    assert problem.message == "resource 'RES-1' file 'sco1/player.js': no such file in the package"
    # The launch page's <script src> is reported too, at its own line.
    page = only_error(report, "<script src='player.js'>")
    assert page.path.endswith("pkg.zip!/sco1/index.html")
    assert page.line == line_of(LAUNCH_PAGE, "player.js")


def test_missing_file_hints_at_case_difference(tmp_path):
    files = scorm_files(SCORM12)
    files["sco1/Player.js"] = files.pop("sco1/player.js")
    report = validate(tmp_path, files)
    assert "(the package has 'sco1/Player.js': names are case-sensitive)" in only_error(
        report, "file 'sco1/player.js'").message


def test_unlisted_file_is_an_error_for_scorm_and_a_warning_for_cc(tmp_path):
    files = scorm_files(SCORM12) | {"sco1/notes.txt": "draft", "imscp_rootv1p1p2.xsd": "<x/>"}
    report = validate(tmp_path, files)
    problem = only_error(report, "not listed")
    assert str(problem) == f"{tmp_path / 'pkg.zip'}!/sco1/notes.txt: file is not listed by any resource in " \
                           "imsmanifest.xml"

    cc = validate(tmp_path, cc_files(1) | {"extra/notes.txt": "draft"}, name="c.imscc")
    assert cc.ok
    assert [w.path for w in cc.warnings] == [f"{tmp_path / 'c.imscc'}!/extra/notes.txt"]


def test_duplicate_identifier(tmp_path):
    manifest = SCORM12.replace('identifier="RES-SHARED"', 'identifier="ITEM-1"').replace(
        '"RES-SHARED"', '"ITEM-1"')
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "is already used")
    assert problem.message == f"identifier 'ITEM-1' is already used on line {line_of(manifest, 'ITEM-1')}"
    assert problem.line == line_of(manifest, '<resource identifier="ITEM-1"')


def test_dangling_identifierref(tmp_path):
    manifest = SCORM12.replace('identifierref="RES-1"', 'identifierref="RES-GONE"')
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "matches no resource")
    assert problem.message == "item 'ITEM-1' identifierref 'RES-GONE' matches no resource"
    assert problem.line == line_of(manifest, "RES-GONE")


def test_dangling_dependency(tmp_path):
    manifest = SCORM12.replace('<dependency identifierref="RES-SHARED"/>',
                               '<dependency identifierref="RES-X"/>')
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "dependency")
    assert problem.message == "resource 'RES-1' dependency 'RES-X' matches no resource"
    assert problem.line == line_of(manifest, "RES-X")


def test_default_organization_must_exist(tmp_path):
    manifest = SCORM12.replace('default="ORG-1"', 'default="ORG-9"')
    problem = only_error(validate(tmp_path, scorm_files(manifest)), "organizations default")
    assert problem.message == "organizations default 'ORG-9' matches no organization"
    assert problem.line == line_of(manifest, "ORG-9")


def test_mastery_score_out_of_range(tmp_path):
    manifest = SCORM12.replace(">80<", ">120<")
    problem = only_error(validate(tmp_path, scorm_files(manifest)), "masteryscore")
    assert problem.message == "adlcp:masteryscore 120 is outside 0 to 100"
    assert problem.line == line_of(manifest, "masteryscore")


def test_min_normalized_measure_out_of_range(tmp_path):
    manifest = SCORM2004.replace(">0.8<", ">1.5<")
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "imsss:minNormalizedMeasure 1.5")
    assert problem.message == "imsss:minNormalizedMeasure 1.5 is outside -1 to 1"
    assert problem.line == line_of(manifest, "minNormalizedMeasure")


@pytest.mark.parametrize("ident", ["1e2", "0x1A", "123", " 12.5", "-7"])
def test_numeric_looking_identifier(tmp_path, ident):
    manifest = SCORM12.replace('"ITEM-1"', f'"{ident}"')
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "looks numeric")
    assert problem.message.startswith(f"item identifier {ident!r} looks numeric; Moodle compares")
    assert problem.line == line_of(manifest, f'"{ident}"')


def test_item_with_children_must_not_launch(tmp_path):
    manifest = SCORM12.replace('<item identifier="ITEM-ROOT">',
                               '<item identifier="ITEM-ROOT" identifierref="RES-1">')
    problem = only_error(validate(tmp_path, scorm_files(manifest)), "child items")
    assert problem.message == ("item 'ITEM-ROOT' has child items and an identifierref; "
                               "only leaf items may launch")
    assert problem.line == line_of(manifest, 'identifier="ITEM-ROOT"')


def test_no_sco_to_launch(tmp_path):
    manifest = SCORM12.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="asset"')
    problem = only_error(validate(tmp_path, scorm_files(manifest)), "no item launches a SCO")
    assert problem.line == line_of(manifest, "<organizations")


@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("../outside.html", "contains '..'"),
        ("/etc/passwd", "is an absolute path"),
        ("https://www.example.org/x.js", "is an absolute URL"),
        ("sco1/%2e%2e/%2e%2e/etc/passwd", "URL-encoded traversal"),
        ("sco1/%252e%252e/x", "URL-encoded traversal"),
        ("sco1\\player.js", "contains a backslash"),
    ],
)
def test_hrefs_that_leave_the_package(tmp_path, href, why):
    manifest = SCORM12.replace('<file href="sco1/player.js"/>', f'<file href="{href}"/>')
    files = scorm_files(manifest) | {"sco1/player.js": b""}
    del files["sco1/player.js"]
    problem = only_error(validate(tmp_path, files), why)
    assert problem.message.startswith(f"resource 'RES-1' file {href!r} ")
    assert problem.line == line_of(manifest, href)


def test_launch_page_must_stay_inside_the_package(tmp_path):
    files = scorm_files(SCORM12)
    files["sco1/index.html"] = LAUNCH_PAGE.replace('src="player.js"', 'src="../../player.js"')
    problem = only_error(validate(tmp_path, files), "points outside the package")
    assert problem.path.endswith("!/sco1/index.html")
    assert problem.line == line_of(files["sco1/index.html"], "../../player.js")


def test_xsd_violation_is_reported_at_its_line(tmp_path):
    manifest = SCORM12.replace('adlcp:scormtype="asset"', 'adlcp:scormtype="lesson"')
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "scormtype")
    assert problem.path.endswith("pkg.zip!/imsmanifest.xml")
    assert problem.line == line_of(manifest, "lesson")
    assert "'lesson' is not an element of the set {'asset', 'sco'}" in problem.message


def test_cc11_requires_rooted_hierarchy(tmp_path):
    files = cc_files(1)
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace("rooted-hierarchy", "hierarchical")
    report = validate(tmp_path, files, name="c.imscc")
    problem = only_error(report, "requires structure")
    assert problem.message == ("organization 'ORG-1' has structure='hierarchical'; IMS Common Cartridge 1.1 "
                               'requires structure="rooted-hierarchy"')
    assert problem.line == line_of(files["imsmanifest.xml"], "hierarchical")
    assert not report.ok


def test_cc_resource_file_is_validated_against_its_schema(tmp_path):
    files = cc_files(1)
    files["links/reading.xml"] = files["links/reading.xml"].replace("<title>Further reading</title>\n", "")
    report = validate(tmp_path, files)
    problem = only_error(report, "This element is not expected")
    assert problem.path.endswith("pkg.zip!/links/reading.xml")
    assert problem.line == line_of(files["links/reading.xml"], "<url")
    assert "Expected is ( {http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1}title )" in problem.message


def test_cc_resource_file_with_the_wrong_root_element(tmp_path):
    files = cc_files(3)
    files["quiz/assessment.xml"] = files["links/reading.xml"]
    problem = only_error(validate(tmp_path, files), "root must be")
    assert problem.path.endswith("!/quiz/assessment.xml")
    assert "must be <questestinterop>" in problem.message


# --- archive problems ---------------------------------------------------------------------------

def test_not_a_zip(tmp_path):
    path = tmp_path / "course.zip"
    path.write_bytes(b"this is not a zip file at all")
    report = validate_package(path)
    assert [str(p) for p in report.problems] == [
        f"{path}: not a readable zip archive (File is not a zip file)"
    ]
    assert report.kind is None


def test_truncated_zip(tmp_path):
    path = make_zip(tmp_path / "course.zip", scorm_files(SCORM12))
    path.write_bytes(path.read_bytes()[:-30])
    problem = only_error(validate_package(path), "not a readable zip archive")
    assert problem.line is None


def test_manifest_not_xml(tmp_path):
    manifest = SCORM12.replace("<title>Course</title>", "<title>Course</titel>")
    problem = only_error(validate(tmp_path, scorm_files(manifest)), "not well-formed XML")
    assert problem.line == line_of(manifest, "</titel>")
    assert problem.message.startswith("not well-formed XML: Opening and ending tag mismatch: title")


def test_zip_slip_entry(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in scorm_files(SCORM12).items():
            zf.writestr(name, data)
        zf.writestr("../../evil.sh", "rm -rf ~")
        zf.writestr("/etc/cron.d/evil", "* * * * * root true")
    report = validate_package(path)
    messages = [p.message for p in errors(report)]
    assert "unsafe entry name '../../evil.sh': contains '..' (zip-slip)" in messages
    assert "unsafe entry name '/etc/cron.d/evil': is an absolute path" in messages
    assert all(p.path == str(path) and p.line is None for p in errors(report))
    assert len(messages) == 2  # the unsafe entries are left out, so no "not listed" noise


def test_symlink_and_duplicate_entries(tmp_path):
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as zf, pytest.warns(UserWarning, match="Duplicate name"):
        for name, data in scorm_files(SCORM12).items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("sco1/secret.txt")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("sco1/player.js", "second copy")
    messages = [p.message for p in errors(validate_package(path))]
    assert "entry 'sco1/secret.txt' is a symlink" in messages
    assert "entry 'sco1/player.js' appears 2 times in the zip" in messages


def test_zip_bomb_ratio(tmp_path):
    files = scorm_files(SCORM12) | {"sco1/zeros.bin": bytes(5 * 1024 * 1024)}
    problem = only_error(validate(tmp_path, files), "compression ratio")
    assert problem.message.startswith("entry 'sco1/zeros.bin' has an implausible compression ratio")


def test_corrupted_zips_are_reported_never_raised(tmp_path):
    """Random byte damage anywhere in the zip: always a report, never an exception."""
    rng = random.Random(20240601)
    original = make_zip(tmp_path / "good.zip", cc_files(1)).read_bytes()
    path = tmp_path / "damaged.zip"
    kinds = []
    for n in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if n % 5 == 0:
            data = data[: rng.randrange(len(data))]
        path.write_bytes(bytes(data))
        kinds.append(validate_package(path).kind)
    assert kinds.count("cc11") > 50  # enough damage lands past the zip structure, in the XML


def test_manifest_in_a_subfolder(tmp_path):
    files = {f"course/{name}": data for name, data in scorm_files(SCORM12).items()}
    problem = only_error(validate(tmp_path, files), "no imsmanifest.xml")
    assert problem.message == ("no imsmanifest.xml at the root of the package "
                               "(found 'course/imsmanifest.xml': zip the folder's contents, not the folder)")


def test_unknown_manifest_namespace(tmp_path):
    manifest = SCORM12.replace("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "urn:example:nope")
    report = validate(tmp_path, scorm_files(manifest))
    problem = only_error(report, "unknown manifest namespace")
    # libxml2 gives an element the line where its start tag ends.
    assert problem.line == line_of(manifest, 'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">')
    assert report.kind is None


def test_schemas_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(schema_sets.ENV_VAR, str(tmp_path))
    with pytest.raises(schema_sets.SchemasNotFound, match="RTCM_SCHEMAS_DIR"):
        schema_sets.schemas_dir()
    monkeypatch.delenv(schema_sets.ENV_VAR)
    assert (schema_sets.schemas_dir() / "cc13").is_dir()
