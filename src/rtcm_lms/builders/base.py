"""What every package builder shares: identity, the output path and the package entries.

A builder declares ``name`` (the CLI selector) and ``suffix``; it implements ``entries`` (archive
path -> source) for one course. Writing (deterministic, atomic) is the package writer's job.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import write_bytes_atomic
from ..model import Catalogue, Course
from ..package import PackageResult, Source, write_package


@dataclass(frozen=True)
class BuildContext:
    catalogue: Catalogue
    out_dir: Path
    version: str


class Builder(abc.ABC):
    name: str = ""
    suffix: str = ""
    first: tuple[str, ...] = ("imsmanifest.xml",)  # entries the format needs at the front
    needs_bank = False  # True: a course without a quiz bank has nothing to build

    def output_path(self, ctx: BuildContext, course: Course) -> Path:
        return ctx.out_dir / f"{course.id}{self.suffix}"

    @abc.abstractmethod
    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        """Archive path -> source for one course."""

    def notes(self, ctx: BuildContext, course: Course) -> list[str]:
        """What this format cannot express of the course (reported once per build, never silent)."""
        return []

    def build(self, ctx: BuildContext, course: Course) -> PackageResult:
        ctx.out_dir.mkdir(parents=True, exist_ok=True)
        return write_package(self.output_path(ctx, course), self.entries(ctx, course), first=self.first)


def keywords(ctx: BuildContext, course: Course) -> list[str]:
    """LOM keywords: the module's title, the curriculum, and the subject."""
    module = ctx.catalogue.module(course.module) if course.module else None
    words = [module.title] if module else []
    return [*words, ctx.catalogue.title, "migration"]


def description(course: Course, limit: int = 1000) -> str:
    first = course.summary.split("\n\n")[0] if course.summary else course.full_title
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


class TextBuilder(Builder):
    """A builder whose artifact is one text file (Moodle XML, GIFT) rather than a zip."""

    @abc.abstractmethod
    def render(self, ctx: BuildContext, course: Course) -> str:
        """The whole file."""

    def entries(self, ctx: BuildContext, course: Course) -> dict[str, Source]:
        return {self.output_path(ctx, course).name: self.render(ctx, course)}

    def build(self, ctx: BuildContext, course: Course) -> PackageResult:
        data = self.render(ctx, course).encode("utf-8")
        path = self.output_path(ctx, course)
        return PackageResult(path, write_bytes_atomic(path, data), len(data))
