"""SCORM 2004 4th edition package: the same single SCO as SCORM 1.2 (see scorm12.py for why),
with the pass mark as the primary objective's minimum normalised measure."""

from __future__ import annotations

from ..model import Course
from .base import BuildContext
from .scorm_common import ScormBuilder


class Scorm2004Builder(ScormBuilder):
    name = "scorm2004"
    suffix = ".scorm2004.zip"
    template = "scorm2004/imsmanifest.xml.j2"

    def mastery(self, ctx: BuildContext, course: Course) -> dict:
        bank = ctx.catalogue.bank(course.id)
        return {"mastery_scaled": f"{bank.pass_mark / 100:.2f}" if bank else None}
