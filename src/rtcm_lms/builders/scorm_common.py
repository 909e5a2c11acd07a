"""What the SCORM 1.2 and 2004 builders share: the player files and stable identifiers."""

from __future__ import annotations

import abc

from ..model import Course
from ..package import Source
from ..player import player_files, render_index
from ..render import render_template
from .base import BuildContext, Builder, description, keywords
from .player_data import player_data


def identifiers(course: Course) -> dict[str, str]:
    """Manifest identifiers derived from the course id only, so that a rebuild after any rewording
    keeps them (Moodle matches items by identifier and drops tracks of ids that vanish). Prefixed with
    letters: never numeric-looking (Moodle compares them with PHP's loose ==)."""
    return {
        "manifest": f"MANIFEST-{course.id}",
        "organization": f"ORG-{course.id}",
        "root": f"ROOT-{course.id}",
        "item": f"ITEM-{course.id}",
        "resource": f"RES-{course.id}",
        "objective": f"OBJ-{course.id}",
    }


def sco_files(ctx: BuildContext, course: Course, standard: str) -> dict[str, Source]:
    """The single SCO: the launch page with the course embedded, and the player's assets."""
    files: dict[str, Source] = {"index.html": render_index(player_data(ctx.catalogue, course, standard, ctx.version))}
    for path in player_files():
        files[path.name] = path
    for page in course.pages:
        for ref, source in page.media:
            files[ref] = source  # same relative path as in the Markdown, so links resolve unchanged
    return files


class ScormBuilder(Builder):
    """A SCORM version is its manifest template and how it states the pass mark."""

    template: str = ""

    @abc.abstractmethod
    def mastery(self, ctx: BuildContext, course: Course) -> dict:
        """Template variables that carry the pass mark."""

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        files = sco_files(ctx, course, self.name)
        manifest = render_template(
            self.template,
            ids=identifiers(course),
            course=course,
            title=course.full_title,
            lang=course.language,
            catalogue_title=ctx.catalogue.title,
            description=description(course),
            keywords=keywords(ctx, course),
            version=ctx.version,
            files=sorted(files),
            **self.mastery(ctx, course),
        )
        return {"imsmanifest.xml": manifest, **files}
