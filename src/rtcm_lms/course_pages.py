"""The pages of a course as HTML fragments: shared by the SCORM player and the cartridges.

Order: Overview, one page per session (with any authored ``S<n>.md`` appended), other authored
pages, Resources, Related topics, Further study. Page ids are stable (``overview``, ``S2``, …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from .model import Catalogue, Course
from .render import TEMPLATES_DIR, render_template

STRINGS_DIR = TEMPLATES_DIR / "pages" / "strings"


@dataclass(frozen=True)
class HtmlPage:
    id: str
    title: str
    html: str


@cache
def page_strings(lang: str) -> dict[str, str]:
    """Headings of the content pages in ``lang``, English for anything missing."""
    strings = json.loads((STRINGS_DIR / "en.json").read_text(encoding="utf-8"))
    local = STRINGS_DIR / f"{lang}.json"
    if lang != "en" and local.exists():
        strings.update({k: v for k, v in json.loads(local.read_text(encoding="utf-8")).items() if v})
    return strings


def course_pages(catalogue: Catalogue, course: Course) -> list[HtmlPage]:
    t = page_strings(course.language)
    pages = [HtmlPage("overview", t["overview"], render_template("pages/overview.html.j2", course=course, t=t))]
    authored = {p.id: p for p in course.pages}
    for s in course.sessions:
        title = f"{t['session'].format(label=s.label, number=s.number)}: {s.title}"
        extra = [authored.pop(s.id)] if s.id in authored else []
        pages.append(HtmlPage(s.id, title, render_template("pages/session.html.j2", session=s, pages=extra, t=t)))
    for page in authored.values():
        pages.append(HtmlPage(page.id, page.title, render_template("pages/extra.html.j2", page=page, t=t)))
    if course.materials:
        html = render_template("pages/resources.html.j2", course=course, t=t)
        pages.append(HtmlPage("resources", t["resources"], html))
    links = [catalogue.course(link.course) for link in course.links if catalogue.course(link.course)]
    if links:
        pages.append(HtmlPage("related", t["related"], render_template("pages/related.html.j2", links=links, t=t)))
    sections = [
        {"volume": v.number, "number": s.number, "title": s.title}
        for number in course.further_study
        for v in (catalogue.emm.volumes if catalogue.emm else ())
        for s in v.sections
        if s.number == number
    ]
    if sections:
        html = render_template("pages/further_study.html.j2", emm=catalogue.emm, sections=sections, t=t)
        pages.append(HtmlPage("further-study", t["further_study"], html))
    return pages
