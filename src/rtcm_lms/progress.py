"""A rich progress bar for builds that stays quiet when output is not a terminal (CI logs)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class BuildProgress:
    def __init__(self) -> None:
        console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=console, disable=not console.is_terminal,
        )  # fmt: skip
        self.task = None

    def __enter__(self) -> BuildProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def start(self, total: int) -> None:
        self.task = self.progress.add_task("", total=total)

    def advance(self, artifact) -> None:
        self.progress.update(self.task, advance=1, description=artifact.path.name)
