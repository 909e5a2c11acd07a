"""rtcm_lms.player without a browser: assets, UI strings, text direction and the launch page."""

from __future__ import annotations

import gzip
import json
import re

import lxml.html
import pytest

from rtcm_lms.player import I18N_DIR, PLAYER_DIR, player_files, render_index, text_direction, ui_strings

LANGS = ["en", "ru", "az", "ar", "fa"]


def test_player_files_exist_and_stay_small():
    files = player_files()
    assert [f.name for f in files] == ["player.css", "player.js"]
    assert all(f.is_file() and f.parent == PLAYER_DIR for f in files)
    packed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    assert packed <= 30 * 1024, f"player is {packed} bytes gzipped; the budget is 30 KB"


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_has_every_key_and_placeholder(lang):
    english = json.loads((I18N_DIR / "en.json").read_text(encoding="utf-8"))
    strings = json.loads((I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    assert set(strings) == set(english)
    for key, text in english.items():
        assert text.strip() and strings[key].strip(), key
        assert sorted(re.findall(r"\{\w+\}", strings[key])) == sorted(re.findall(r"\{\w+\}", text)), key


def test_ui_strings_fall_back_to_english_per_key(monkeypatch):
    assert ui_strings("ru")["next"] == "Далее"
    assert ui_strings("ru-RU")["next"] == "Далее"
    assert ui_strings("xx")["next"] == "Next"
    assert ui_strings(None)["next"] == "Next"


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("ar", "rtl"),
        ("fa", "rtl"),
        ("fa-IR", "rtl"),
        ("he", "rtl"),
        ("ur", "rtl"),
        ("en", "ltr"),
        ("ru", "ltr"),
        ("az", "ltr"),
        ("az_Latn", "ltr"),
        (None, "ltr"),
    ],
)
def test_text_direction(lang, direction):
    assert text_direction(lang) == direction


def _data(**course) -> dict:
    return {
        "schema": 1,
        "standard": "scorm12",
        "version": "1.2.3",
        "course": {"id": "M01-T01", "title": "Title", "module": "Module", "lang": "en", **course},
        "strings": {},
        "pages": [],
        "quiz": {"questions": []},
        "evaluation": None,
    }


def test_render_index_embeds_data_that_cannot_break_out_of_its_script():
    data = _data(title="Borders </script><script>alert(1)</script> & <!-- more")
    data["pages"] = [{"id": "p", "title": "P", "html": "<p>a</p></script><!--<script>"}]
    html = render_index(data)
    embedded = re.search(r'<script type="application/json" id="course-data">(.*?)</script>', html, re.S)
    script = embedded.group(1)
    assert "<" not in script and ">" not in script
    assert json.loads(script) == data
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//title")[0].text == data["course"]["title"]
    assert len(doc.xpath("//script")) == 2  # the data and player.js, nothing injected
    assert doc.xpath("//script[@src]")[0].get("src") == "player.js"
    assert doc.xpath("//link[@rel='stylesheet']")[0].get("href") == "player.css"


def test_render_index_sets_lang_dir_and_version():
    doc = lxml.html.fromstring(render_index(_data(lang="fa", title="عنوان")))
    root = doc.getroottree().getroot()
    assert (root.get("lang"), root.get("dir")) == ("fa", "rtl")
    assert doc.xpath("//footer//text()")[0].strip() == "نسخهٔ 1.2.3"
    assert doc.xpath("//a[@class='skip-link']")[0].text == ui_strings("fa")["skip_to_content"]


def test_render_index_is_deterministic():
    assert render_index(_data()) == render_index(_data())
