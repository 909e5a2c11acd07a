"""Small packages and site helpers for the local_rtcmlms plugin tests (tests/integration/test_plugin.py)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STATE_FILE = REPO / ".moodle" / "site.env"

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="rtcmtest-manifest" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
      http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="rtcmtest-org">
    <organization identifier="rtcmtest-org">
      <title>{title}</title>
      <item identifier="m99-t01-s1" identifierref="res-m99-t01-s1" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-m99-t01-s1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{body}</p>
<script>
var api = null;
for (var w = window; w && !api; w = w.parent === w ? (w.opener || null) : w.parent) {{ api = w.API || null; }}
if (api) {{
  api.LMSInitialize("");
  api.LMSSetValue("cmi.core.score.raw", "100");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
}}
window.addEventListener("pagehide", function () {{ if (api) {{ api.LMSFinish(""); }} }});
</script>
</body></html>
"""


def _zip(entries: dict[str, str]) -> bytes:
    """A deterministic zip: fixed timestamps, entries in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def scorm12_zip(title: str = "M99-T01 Test topic", body: str = "Version 1") -> bytes:
    """A minimal valid SCORM 1.2 package with one SCO; `body` changes the bytes, not the identifiers."""
    return _zip({
        "imsmanifest.xml": MANIFEST.format(title=title),
        "index.html": INDEX.format(title=title, body=body),
    })


def not_scorm_zip() -> bytes:
    """A valid zip without imsmanifest.xml."""
    return _zip({"readme.txt": "not a SCORM package\n"})


def broken_manifest_zip() -> bytes:
    """A zip whose imsmanifest.xml is in the right place but is not a manifest."""
    return _zip({"imsmanifest.xml": "<manifest this is not XML", "index.html": "<p>x</p>"})


def moodle_xml(category: str, questions: list[tuple[str, str]]) -> bytes:
    """Moodle XML with one category and true/false questions given as (idnumber, text)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<quiz>",
        '  <question type="category">',
        f"    <category><text>{category}</text></category>",
        '    <info format="html"><text></text></info>',
        "  </question>",
    ]
    for idnumber, text in questions:
        parts += [
            '  <question type="truefalse">',
            f"    <name><text>{idnumber}</text></name>",
            f'    <questiontext format="html"><text>{text}</text></questiontext>',
            '    <generalfeedback format="html"><text></text></generalfeedback>',
            "    <defaultgrade>1</defaultgrade><penalty>1</penalty><hidden>0</hidden>",
            f"    <idnumber>{idnumber}</idnumber>",
            '    <answer fraction="100" format="moodle_auto_format"><text>true</text>'
            '<feedback format="html"><text>Right.</text></feedback></answer>',
            '    <answer fraction="0" format="moodle_auto_format"><text>false</text>'
            '<feedback format="html"><text>Wrong.</text></feedback></answer>',
            "  </question>",
        ]
    parts.append("</quiz>")
    return "\n".join(parts).encode()


def local_moodle_dir() -> Path | None:
    """The throw-away site's Moodle directory, when the tests run beside it (not for a live site)."""
    if not STATE_FILE.is_file() or shutil.which("php") is None:
        return None
    for line in STATE_FILE.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "RTCM_MOODLE_DIR" and (Path(value.strip()) / "config.php").is_file():
            return Path(value.strip())
    return None


# Web-service tokens can only be issued to another user on the server. This gives the test user
# webservice/rest:use through a dedicated system role (and nothing else), then a one-hour token.
ISSUE_TOKEN_PHP = r"""<?php
define('CLI_SCRIPT', true);
require($argv[1] . '/config.php');
[, , $username, $servicename] = $argv;
$user = $DB->get_record('user', ['username' => $username, 'deleted' => 0], '*', MUST_EXIST);
$service = $DB->get_record('external_services', ['shortname' => $servicename], '*', MUST_EXIST);
\core\session\manager::set_user(get_admin());
$system = context_system::instance();
$roleid = $DB->get_field('role', 'id', ['shortname' => 'rtcmtestwsuser']);
if (!$roleid) {
    $roleid = create_role('rtcm-lms test: REST only', 'rtcmtestwsuser', 'May call REST web services; nothing else.');
    set_role_contextlevels($roleid, [CONTEXT_SYSTEM]);
    assign_capability('webservice/rest:use', CAP_ALLOW, $roleid, $system->id, true);
}
role_assign($roleid, $user->id, $system->id);
$token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $user->id, $system,
    time() + 3600, '', 'rtcm-lms plugin test');
echo json_encode(['token' => $token,
    'studentroleid' => (int) $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST)]);
"""


def issue_token(moodle_dir: Path, username: str, tmp_path: Path, service: str = "rtcm_lms") -> dict:
    """Returns {"token": ..., "studentroleid": ...} for `username` on the throw-away site."""
    script = tmp_path / "issue_token.php"
    script.write_text(ISSUE_TOKEN_PHP)
    done = subprocess.run(["php", str(script), str(moodle_dir), username, service],
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"issue_token.php failed: {done.stderr.strip() or done.stdout.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])
