"""What the Common Cartridge 1.1 and 1.3 builders share: the course as sections of pages, web links
and the self-assessment (QTI 1.2, CC profile), with identifiers derived from the course's ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..course_pages import course_pages
from ..model import Course
from ..package import Source
from ..player import text_direction
from ..quiz.export_qti12 import export_qti12
from ..render import render_template
from .base import BuildContext, Builder, description, keywords


@dataclass(frozen=True)
class Profile:
    """Namespaces and resource types of one CC version."""

    schemaversion: str
    ns: dict
    weblink_type: str
    assessment_type: str
    version_in_lom: bool  # CC 1.1's LOM profile has no lifeCycle/version (contribute only)


@dataclass
class CcResource:
    id: str
    type: str
    file: str
    href: str | None = None
    dependencies: list[str] = field(default_factory=list)


@dataclass
class CcSection:
    id: str
    title: str
    children: list[dict] = field(default_factory=list)  # {"id", "title", "resource"}


def cartridge_entries(ctx: BuildContext, course: Course, profile: Profile) -> dict[str, Source]:
    cid, lang = course.id, course.language
    files: dict[str, Source] = {}
    resources: list[CcResource] = []
    sections: list[CcSection] = []
    for page in course_pages(ctx.catalogue, course):
        path = f"pages/{page.id}.html"
        files[path] = render_template("cc/page.html.j2", title=page.title, html=page.html, lang=lang,
                                      dir=text_direction(lang))  # fmt: skip
        resource = CcResource(f"RES-{cid}-{page.id}", "webcontent", path, href=path)
        resources.append(resource)
        section = CcSection(f"SEC-{cid}-{page.id}", page.title,
                            [{"id": f"ITEM-{cid}-{page.id}", "title": page.title, "resource": resource.id}])
        if page.id == "resources":
            for n, material in enumerate((m for m in course.materials if m.url), 1):
                link_id = f"WL-{cid}-{n:02d}"
                link_path = f"weblinks/{link_id}.xml"
                files[link_path] = render_template("cc/weblink.xml.j2", ns=profile.ns, title=_short(material.text),
                                                   url=material.url)  # fmt: skip
                resources.append(CcResource(link_id, profile.weblink_type, link_path))
                item = {"id": f"ITEM-{link_id}", "title": _short(material.text), "resource": link_id}
                section.children.append(item)
        for ref, source in (m for p in course.pages for m in p.media):
            files.setdefault(ref, source)
            resource.dependencies.append(_media_resource(resources, cid, ref))
        sections.append(section)
    bank = ctx.catalogue.bank(cid)
    if bank:
        qti = export_qti12(course, bank)
        path = f"assessment/{cid}.xml"
        files[path] = qti.xml
        resources.append(CcResource(f"QTI-{cid}", profile.assessment_type, path))
        sections.append(CcSection(f"SEC-{cid}-assessment", "Self-assessment",
                                  [{"id": f"ITEM-{cid}-assessment", "title": f"Self-assessment: {course.full_title}",
                                    "resource": f"QTI-{cid}"}]))  # fmt: skip
    manifest = render_template(
        "cc/imsmanifest.xml.j2",
        ids={"manifest": f"CC-{cid}", "organization": f"ORG-{cid}", "root": f"ROOT-{cid}"},
        ns=profile.ns, schemaversion=profile.schemaversion, version_in_lom=profile.version_in_lom, lang=lang,
        title=course.full_title,
        description=description(course), keywords=keywords(ctx, course), version=ctx.version,
        sections=sections, resources=resources,
    )  # fmt: skip
    return {"imsmanifest.xml": manifest, **files}


def _media_resource(resources: list[CcResource], cid: str, ref: str) -> str:
    rid = f"MEDIA-{cid}-{len([r for r in resources if r.id.startswith('MEDIA-')]) + 1:03d}"
    existing = next((r for r in resources if r.file == ref), None)
    if existing:
        return existing.id
    resources.append(CcResource(rid, "webcontent", ref))
    return rid


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def cartridge_notes(ctx: BuildContext, course: Course) -> list[str]:
    bank = ctx.catalogue.bank(course.id)
    return export_qti12(course, bank).notes if bank else []


class CartridgeBuilder(Builder):
    """A Common Cartridge version is its profile (namespaces, resource types)."""

    profile: Profile

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        return cartridge_entries(ctx, course, self.profile)

    def notes(self, ctx: BuildContext, course: Course) -> list[str]:
        return cartridge_notes(ctx, course)
