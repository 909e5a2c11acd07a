"""Build orchestration: which (format, course) pairs to build, in parallel, with progress.

Builders read only the model; this module owns iteration, skipping and reporting (Sphinx-style),
so a format implements only "the entries of one course".
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .builders.base import BuildContext
from .builders.registry import BUILDERS
from .incremental import BuildRecord, course_digest, input_key
from .model import Catalogue


@dataclass(frozen=True)
class Artifact:
    course: str
    format: str
    path: Path
    sha256: str
    size: int
    built: bool = True  # False: the previous artifact was verified and kept


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
            if BUILDERS[fmt].needs_bank and catalogue.bank(course.id) is None:
                skipped.append(f"{course.id}: no quiz bank, so no {fmt} export")
                continue
            tasks.append((fmt, course.id))
    return tasks, skipped


_CONTEXT: BuildContext | None = None  # set in each worker by fork; the catalogue is read-only


def _build_one(task: tuple[str, str]) -> Artifact:
    fmt, course_id = task
    course = _CONTEXT.catalogue.course(course_id)
    result = BUILDERS[fmt].build(_CONTEXT, course)
    return Artifact(course_id, fmt, result.path, result.sha256, result.size)


def run(ctx: BuildContext, tasks: list[tuple[str, str]], jobs: int = 1,
        on_done: Callable[[Artifact], None] | None = None) -> list[Artifact]:  # fmt: skip
    global _CONTEXT
    _CONTEXT = ctx
    artifacts: list[Artifact] = []
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            artifacts.append(_build_one(task))
            if on_done:
                on_done(artifacts[-1])
        return artifacts
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for artifact in pool.map(_build_one, tasks, chunksize=4):
            artifacts.append(artifact)
            if on_done:
                on_done(artifact)
    return artifacts


def build(catalogue: Catalogue, formats: list[str], course_ids: list[str], out_dir: Path, version: str,
          jobs: int = 1, on_start: Callable[[int], None] | None = None,
          on_done: Callable[[Artifact], None] | None = None, force: bool = False) -> BuildResult:  # fmt: skip
    """Build what is out of date (everything with ``force``), keeping verified artifacts as they are."""
    started = time.perf_counter()
    tasks, skipped = plan(catalogue, formats, course_ids)
    ctx = BuildContext(catalogue, out_dir, version)
    record = BuildRecord(out_dir)
    digests = {cid: course_digest(catalogue, catalogue.course(cid)) for cid in {c for _, c in tasks}}
    keys = {task: input_key(task[0], digests[task[1]], version) for task in tasks}
    kept, todo = [], []
    for fmt, cid in tasks:
        path = BUILDERS[fmt].output_path(ctx, catalogue.course(cid))
        if not force and record.up_to_date(path, keys[(fmt, cid)]):
            entry = record.entry(path)
            kept.append(Artifact(cid, fmt, path, entry["sha256"], entry["size"], built=False))
        else:
            todo.append((fmt, cid))
    if on_start:
        on_start(len(todo))

    def done(artifact: Artifact) -> None:
        record.remember(artifact.path, keys[(artifact.format, artifact.course)], artifact.sha256, artifact.size,
                        artifact.course, artifact.format)  # fmt: skip
        if on_done:
            on_done(artifact)

    try:
        built = run(ctx, todo, jobs, done) if todo else []
    finally:
        if todo:
            record.save()  # what was built before an error or Ctrl-C stays known
    notes = list(dict.fromkeys(f"{fmt}: {note}" for fmt, cid in tasks
                               for note in BUILDERS[fmt].notes(ctx, catalogue.course(cid))))  # fmt: skip
    order = {task: n for n, task in enumerate(tasks)}
    artifacts = sorted(kept + built, key=lambda a: order[(a.format, a.course)])
    return BuildResult(artifacts, skipped, notes, time.perf_counter() - started)
