"""SCORM 2004 4th edition package: the same single SCO as SCORM 1.2 (see scorm12.py for why),
with the pass mark as the primary objective's minimum normalised measure."""

from __future__ import annotations

from ..model import Course
from ..package import Source
from ..render import render_template
from .base import BuildContext, Builder, description, keywords
from .scorm_common import identifiers, sco_files


class Scorm2004Builder(Builder):
    name = "scorm2004"
    suffix = ".scorm2004.zip"

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        files = sco_files(ctx, course, "scorm2004")
        bank = ctx.catalogue.bank(course.id)
        manifest = render_template(
            "scorm2004/imsmanifest.xml.j2",
            ids=identifiers(course),
            course=course,
            title=course.full_title,
            lang=course.language,
            catalogue_title=ctx.catalogue.title,
            description=description(course),
            keywords=keywords(ctx, course),
            version=ctx.version,
            mastery_scaled=f"{bank.pass_mark / 100:.2f}" if bank else None,
            files=sorted(files),
        )
        return {"imsmanifest.xml": manifest, **files}
