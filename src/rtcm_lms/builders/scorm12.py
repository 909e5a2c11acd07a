"""SCORM 1.2 package: one SCO (the player) with the whole course inside.

Why one SCO: Moodle records score, status and bookmark per SCO and grades the activity from them;
a single SCO with internal navigation gives one score, one resume point and one gradebook entry,
where many SCOs would split the self-assessment from the pages it assesses.
"""

from __future__ import annotations

from ..model import Course
from ..package import Source
from ..render import render_template
from .base import BuildContext, Builder, description, keywords
from .scorm_common import identifiers, sco_files


class Scorm12Builder(Builder):
    name = "scorm12"
    suffix = ".scorm12.zip"

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        files = sco_files(ctx, course, "scorm12")
        bank = ctx.catalogue.bank(course.id)
        manifest = render_template(
            "scorm12/imsmanifest.xml.j2",
            ids=identifiers(course),
            course=course,
            title=course.full_title,
            lang=course.language,
            catalogue_title=ctx.catalogue.title,
            description=description(course),
            keywords=keywords(ctx, course),
            version=ctx.version,
            mastery_score=bank.pass_mark if bank else None,
            files=sorted(files),
        )
        return {"imsmanifest.xml": manifest, **files}
