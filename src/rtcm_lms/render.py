"""Authored Markdown -> sanitised HTML, and the Jinja environment every page template uses.

Markdown is rendered with markdown-it-py (CommonMark, raw HTML allowed for authors) and then
cleaned with nh3 (Ammonia): whatever an author writes, no script, handler or javascript: URL
reaches a learner's browser. External links open in a new tab with rel="noopener noreferrer".
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import jinja2
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "scorm_templates"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "target"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang", "dir"},
}


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")


def sanitize(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # Links leave the package: a new tab keeps the learner's SCORM session alive.
    return cleaned.replace('<a href="http', '<a target="_blank" href="http')


# A builder renders the same stems and feedback for several formats (SCORM player, CC, QTI, Moodle XML):
# remembering recent results makes a full build of a course about twice as fast.
@lru_cache(maxsize=8192)
def markdown_html(text: str) -> Markup:
    """Markdown (block level) to safe HTML."""
    return Markup(sanitize(_markdown().render(text or "")))


@lru_cache(maxsize=8192)
def inline_html(text: str) -> Markup:
    """One line of Markdown without the surrounding <p> (for options, list items, titles)."""
    return Markup(sanitize(_markdown().renderInline(text or "")))


def cdata_safe(html: str) -> Markup:
    """Text for a CDATA section: "]]>" is split so the section cannot end early."""
    return Markup(str(html).replace("]]>", "]]]]><![CDATA[>"))


@cache
def environment() -> jinja2.Environment:
    """Templates under scorm_templates/, autoescaped, strict about missing variables."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml", "j2"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_html
    env.filters["md_inline"] = inline_html
    env.filters["cdata"] = cdata_safe
    return env


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
