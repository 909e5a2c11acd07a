"""What the SCORM 1.2 and 2004 builders share: the player files and stable identifiers."""

from __future__ import annotations

from ..model import Course
from ..package import Source
from ..player import player_files, render_index
from .base import BuildContext
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
