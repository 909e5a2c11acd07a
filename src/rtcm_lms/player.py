"""The learner player shipped inside every SCORM package: its assets, UI strings and launch page.

The player itself (``scorm_templates/player/``) is hand-written JS + CSS; builders embed the course as
JSON in ``index.html`` (rendered here) and copy :func:`player_files` next to it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

PLAYER_DIR = Path(__file__).resolve().parents[2] / "scorm_templates" / "player"
I18N_DIR = PLAYER_DIR / "i18n"
DEFAULT_LANG = "en"
# Scripts written right to left (ISO 639-1/-3 base subtags).
RTL_LANGS = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "dv", "sd", "ug", "yi"})
_ASSETS = ("player.css", "player.js")


def player_files() -> list[Path]:
    """Files a package must carry next to its ``index.html``, in a stable order."""
    return [PLAYER_DIR / name for name in _ASSETS]


def _base_lang(lang: str | None) -> str:
    return (lang or DEFAULT_LANG).replace("_", "-").split("-")[0].lower()


def text_direction(lang: str | None) -> str:
    """``rtl`` for right-to-left languages (``ar``, ``fa-IR``, ...), else ``ltr``."""
    return "rtl" if _base_lang(lang) in RTL_LANGS else "ltr"


@cache
def _load_strings(base: str) -> dict[str, str]:
    path = I18N_DIR / f"{base}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def ui_strings(lang: str | None) -> dict[str, str]:
    """UI strings for ``lang``; any key the translation lacks (or leaves empty) falls back to English."""
    strings = dict(_load_strings(DEFAULT_LANG))
    strings.update({k: v for k, v in _load_strings(_base_lang(lang)).items() if v})
    return strings


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element early: '<', '>' and '&' become \\u escapes
    (this covers '</script' and '<!--'); U+2028/2029 are escaped for old JS parsers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PLAYER_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("index.html.j2")


def render_index(data: dict[str, Any]) -> str:
    """The package's launch page: shell markup plus ``data`` embedded as ``#course-data`` JSON."""
    course = data.get("course") or {}
    lang = course.get("lang") or DEFAULT_LANG
    strings = {**ui_strings(lang), **(data.get("strings") or {})}
    return _template().render(
        lang=lang,
        dir=course.get("dir") or text_direction(lang),
        title=course.get("title") or "",
        module=course.get("module") or "",
        version_text=strings["version"].replace("{version}", str(data.get("version") or "")),
        s=strings,
        data_json=_json_for_script(data),
    )
