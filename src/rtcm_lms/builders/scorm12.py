"""SCORM 1.2 package: one SCO (the player) with the whole course inside.

Why one SCO: Moodle records score, status and bookmark per SCO and grades the activity from them;
a single SCO with internal navigation gives one score, one resume point and one gradebook entry,
where many SCOs would split the self-assessment from the pages it assesses.
"""

from __future__ import annotations

from ..model import Course
from .base import BuildContext
from .scorm_common import ScormBuilder


class Scorm12Builder(ScormBuilder):
    name = "scorm12"
    suffix = ".scorm12.zip"
    template = "scorm12/imsmanifest.xml.j2"

    def mastery(self, ctx: BuildContext, course: Course) -> dict:
        bank = ctx.catalogue.bank(course.id)
        return {"mastery_score": bank.pass_mark if bank else None}
