"""``rtcm-lms report``: read the tracks (with a progress bar), compute the figures, write the files."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import __version__
from ..model import Catalogue
from ..moodle import Client
from .aggregate import Report, build_report
from .fetch import TracksReader
from .render import write_report


class ReportProgress:
    """One bar over the courses, one over the current course's learners; quiet when not on a terminal."""

    def __init__(self, courses: int) -> None:
        console = Console(stderr=True)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, disable=not console.is_terminal)  # fmt: skip
        self.courses = self.progress.add_task("[bold]reading courses", total=courses)
        self.learners = self.progress.add_task("learners", total=None)
        self.current = ""

    def __enter__(self) -> ReportProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def update(self, course: str, done: int, total: int) -> None:
        self.progress.update(self.learners, description=f"learners of {course}", completed=done, total=total or None)
        if done >= total and course != self.current:  # the course's last learner (or it has none)
            self.current = course
            self.progress.advance(self.courses)


@dataclass(frozen=True)
class ReportResult:
    report: Report
    files: list[Path]


def make_report(client: Client, catalogue: Catalogue, course_ids: list[str], out: Path, *, id_prefix: str = "",
                with_names: bool = False) -> ReportResult:  # fmt: skip
    with ReportProgress(len(course_ids)) as progress:
        tracks = TracksReader(client, id_prefix, progress.update).read(course_ids)
    report = build_report(catalogue, tracks, with_names)
    meta = {
        "title": catalogue.title,
        "site": client.url,
        "generated": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "tool_version": __version__,
        "with_names": with_names,
        "courses": course_ids,
    }
    return ReportResult(report, write_report(report, out, meta))
