"""Build orchestration: which (format, course) pairs to build, in parallel, with progress.

Builders read only the model; this module owns iteration, skipping and reporting (Sphinx-style),
so a format implements only "the entries of one course". The builders (Jinja, Markdown, the zip
writer) are imported only when something is built: a no-op build stays a few imports light.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .incremental import BuildRecord, course_digest, input_key, inputs_fingerprint

if TYPE_CHECKING:
    from .builders.base import BuildContext, Builder
    from .model import Catalogue


def registry() -> dict[str, Builder]:
    from .builders.registry import BUILDERS

    return BUILDERS


@dataclass(frozen=True)
class Artifact:
    course: str
    format: str
    path: Path
    sha256: str
    size: int
    built: bool = True  # False: the previous artifact was verified and kept
    notes: tuple[str, ...] = ()  # what this format could not express of the course


@dataclass
class BuildResult:
    artifacts: list[Artifact] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a format could not express, once each
    seconds: float = 0.0

    @property
    def rebuilt(self) -> list[Artifact]:
        return [a for a in self.artifacts if a.built]


def plan(catalogue: Catalogue, formats: list[str], course_ids: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(format, course id) pairs to build, and why anything asked for is not built."""
    courses = [catalogue.course(c) for c in course_ids] if course_ids else list(catalogue.courses)
    tasks, skipped = [], []
    for course in courses:
        for fmt in formats:
            if registry()[fmt].needs_bank and catalogue.bank(course.id) is None:
                skipped.append(f"{course.id}: no quiz bank, so no {fmt} export")
                continue
            tasks.append((fmt, course.id))
    return tasks, skipped


_CONTEXT: BuildContext | None = None  # set in each worker by fork; the catalogue is read-only


def _build_batch(batch: list[tuple[str, str]]) -> list[Artifact]:
    artifacts = []
    for fmt, course_id in batch:
        course = _CONTEXT.catalogue.course(course_id)
        builder = registry()[fmt]
        result = builder.build(_CONTEXT, course)
        notes = tuple(builder.notes(_CONTEXT, course))
        artifacts.append(Artifact(course_id, fmt, result.path, result.sha256, result.size, notes=notes))
    return artifacts


def _batches(tasks: list[tuple[str, str]], jobs: int) -> list[list[tuple[str, str]]]:
    """One batch per course when there are enough courses to keep every worker busy: the formats of a
    course share rendered Markdown (render's cache) only inside one process. (An interrupted batch's
    finished artifacts are not recorded, so the next build makes them again: correct, a little slower.)"""
    by_course: dict[str, list[tuple[str, str]]] = {}
    for task in tasks:
        by_course.setdefault(task[1], []).append(task)
    if len(by_course) >= 2 * jobs:
        return list(by_course.values())
    return [[task] for task in tasks]


def run(ctx: BuildContext, tasks: list[tuple[str, str]], jobs: int = 1,
        on_done: Callable[[Artifact], None] | None = None) -> list[Artifact]:  # fmt: skip
    global _CONTEXT
    _CONTEXT = ctx
    artifacts: list[Artifact] = []
    if jobs <= 1 or len(tasks) <= 1:
        batches = map(_build_batch, [[task] for task in tasks])
        pool = None
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
        batches = pool.map(_build_batch, _batches(tasks, jobs))
    try:
        for batch in batches:
            for artifact in batch:
                artifacts.append(artifact)
                if on_done:
                    on_done(artifact)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    return artifacts


def build(catalogue: Catalogue, formats: list[str], course_ids: list[str], out_dir: Path, version: str,
          jobs: int = 1, on_start: Callable[[int], None] | None = None,
          on_done: Callable[[Artifact], None] | None = None, force: bool = False,
          fingerprint: str = "") -> BuildResult:  # fmt: skip
    """Build what is out of date (everything with ``force``), keeping verified artifacts as they are.

    ``fingerprint`` (see :class:`ProjectBuild`) is recorded once the whole build has succeeded."""
    from .builders.base import BuildContext

    started = time.perf_counter()
    tasks, skipped = plan(catalogue, formats, course_ids)
    ctx = BuildContext(catalogue, out_dir, version)
    record = BuildRecord(out_dir)
    digests = {cid: course_digest(catalogue, catalogue.course(cid)) for cid in {c for _, c in tasks}}
    keys = {task: input_key(task[0], digests[task[1]], version) for task in tasks}
    kept, todo = [], []
    for fmt, cid in tasks:
        path = registry()[fmt].output_path(ctx, catalogue.course(cid))
        if not force and record.up_to_date(path, keys[(fmt, cid)]):
            entry = record.entry(path)
            kept.append(Artifact(cid, fmt, path, entry["sha256"], entry["size"], False, tuple(entry.get("notes", ()))))
        else:
            todo.append((fmt, cid))
    if on_start:
        on_start(len(todo))

    def done(artifact: Artifact) -> None:
        record.remember(artifact.path, keys[(artifact.format, artifact.course)], artifact.sha256, artifact.size,
                        artifact.course, artifact.format, artifact.notes)  # fmt: skip
        if on_done:
            on_done(artifact)

    record.forget_build()  # until this build is complete, the fast path must not trust the record
    try:
        built = run(ctx, todo, jobs, done) if todo else []
        order = {task: n for n, task in enumerate(tasks)}
        artifacts = sorted(kept + built, key=lambda a: order[(a.format, a.course)])
        if fingerprint:
            record.remember_build(fingerprint, [a.path.name for a in artifacts], skipped)
    finally:
        record.save()  # what was built before an error or Ctrl-C stays known
    return BuildResult(artifacts, skipped, _notes(artifacts), time.perf_counter() - started)


def _notes(artifacts: list[Artifact]) -> list[str]:
    return list(dict.fromkeys(f"{a.format}: {note}" for a in artifacts for note in a.notes))


@dataclass(frozen=True)
class ProjectBuild:
    """One build request on a project folder (``content/`` with ``quiz_banks/`` beside it)."""

    content_dir: Path
    formats: list[str]  # empty: every format
    course_ids: list[str]  # empty: every course
    out_dir: Path
    version: str

    @property
    def input_dirs(self) -> tuple[Path, Path]:
        return self.content_dir, self.content_dir.parent / "quiz_banks"  # as project.load_project reads them

    @cached_property
    def fingerprint(self) -> str:
        """Taken before the content is loaded, so an edit made during the build is seen by the next one."""
        return inputs_fingerprint(self.input_dirs, self.formats, self.course_ids, self.version)

    def unchanged(self) -> BuildResult | None:
        """The last build's result, if the raw inputs and the request are the same and its artifacts still
        verify: then nothing can be out of date, and the content is not even loaded."""
        started = time.perf_counter()
        record = BuildRecord(self.out_dir)
        entries = record.unchanged_build(self.fingerprint, self.out_dir)
        if entries is None:
            return None
        artifacts = [Artifact(e["course"], e["format"], self.out_dir / e["name"], e["sha256"], e["size"], False,
                              tuple(e.get("notes", ()))) for e in entries]  # fmt: skip
        skipped = list(record.last_build.get("skipped", []))
        return BuildResult(artifacts, skipped, _notes(artifacts), time.perf_counter() - started)

    def run(self, catalogue: Catalogue, jobs: int = 1, on_start: Callable[[int], None] | None = None,
            on_done: Callable[[Artifact], None] | None = None, force: bool = False) -> BuildResult:  # fmt: skip
        """Build ``catalogue`` (loaded from ``content_dir``) and record the fingerprint for the next build."""
        return build(catalogue, self.formats or list(registry()), self.course_ids, self.out_dir, self.version, jobs,
                     on_start, on_done, force, self.fingerprint)  # fmt: skip
