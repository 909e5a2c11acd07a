"""Question-bank exports as build formats: Moodle XML, GIFT and QTI 1.2 (CC profile) in a one-item cartridge."""

from __future__ import annotations

from ..model import Course
from ..package import Source
from ..quiz.export_gift import export_gift
from ..quiz.export_moodlexml import export_moodlexml
from ..quiz.export_qti12 import export_qti12
from ..render import render_template
from .base import BuildContext, Builder, TextBuilder


class MoodleXmlBuilder(TextBuilder):
    name = "moodlexml"
    suffix = ".moodle.xml"
    needs_bank = True

    def render(self, ctx: BuildContext, course: Course) -> str:
        module = ctx.catalogue.module(course.module) if course.module else None
        return export_moodlexml(course, ctx.catalogue.bank(course.id), module.title if module else "")


class GiftBuilder(TextBuilder):
    name = "gift"
    suffix = ".gift.txt"
    needs_bank = True

    def render(self, ctx: BuildContext, course: Course) -> str:
        return export_gift(course, ctx.catalogue.bank(course.id))


class Qti12Builder(Builder):
    name = "qti12"
    suffix = ".qti12.zip"
    needs_bank = True

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        href = f"{course.id}/assessment.xml"
        # A one-item CC 1.1 cartridge: the smallest package every CC importer (Moodle's too) accepts.
        manifest = render_template("quiz/qti12_manifest.xml.j2", course=course, href=href,
                                   title=f"Self-assessment: {course.full_title}")
        return {"imsmanifest.xml": manifest, href: export_qti12(course, ctx.catalogue.bank(course.id)).xml}

    def notes(self, ctx: BuildContext, course: Course) -> list[str]:
        return export_qti12(course, ctx.catalogue.bank(course.id)).notes
