"""What validation found: a list of problems, each pointing at a file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding. ``path`` names the file inside the package as ``<package>!/<entry>``
    (``course.zip!/imsmanifest.xml``; for an unpacked folder ``course/imsmanifest.xml``), or
    just ``<package>`` when the finding is about the package as a whole."""

    severity: Severity
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Report:
    """Everything validation found for one package.

    ``kind`` is ``"scorm12"``, ``"scorm2004"``, ``"cc11"``, ``"cc13"``, or ``None`` when the
    kind could not be told. ``schemas`` maps each XSD-validated entry to the schema file used
    (relative to the schema folder).
    """

    package: str
    kind: str | None = None
    problems: list[Problem] = field(default_factory=list)
    schemas: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def error(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem("error", path, line, message))

    def warning(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem("warning", path, line, message))
