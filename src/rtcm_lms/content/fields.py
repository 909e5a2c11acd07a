"""Typed reads from a LocatedDict that collect problems instead of raising at the first one.

Validators say *what* is wrong; this layer adds *where* (``path:line``), once, at the boundary.
"""

from __future__ import annotations

import difflib
import re

from .yamlio import LocatedDict, LocatedList

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.items.append(f"{path}:{line}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


class Fields:
    """One YAML mapping of one file, read key by key."""

    def __init__(self, data, path: str, problems: Problems, where: str, allowed: set[str]):
        self.path, self.problems, self.where = path, problems, where
        if not isinstance(data, dict):
            line = getattr(data, "line", 1)
            self.problems.add(path, line, f"{where}: expected a mapping of keys, found {type(data).__name__}")
            data = LocatedDict()
            data.line, data.key_lines = line, {}
        self.data: LocatedDict = data
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                more = f" (did you mean '{hint[0]}'?)" if hint else f"; known keys: {', '.join(sorted(allowed))}"
                self.problem(key, f"unknown key '{key}' in {where}{more}")

    @property
    def line(self) -> int:
        return self.data.line

    def line_of(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, LocatedDict) else 1

    def problem(self, key: str | None, message: str) -> None:
        self.problems.add(self.path, self.line_of(key) if key else self.line, message)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"{self.where}: missing required key '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"'{key}' must be text, found {type(value).__name__}")
            return default
        value = str(value).strip()
        if required and not value:
            self.problem(key, f"'{key}' must not be empty")
        return value

    def integer(self, key: str, required: bool = False, low: int | None = None, high: int | None = None):
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"{self.where}: missing required key '{key}'")
            return None
        if isinstance(value, str) and value.strip().endswith("%") and value.strip()[:-1].isdigit():
            self.problem(key, f"'{key}' is a plain number without '%' (write {value.strip()[:-1]})")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"'{key}' must be a whole number, found '{value}'")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(key, f"'{key}' must be between {low} and {high}, found {value}")
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false, found '{value}'")
            return default
        return value

    def items(self, key: str, required: bool = False) -> list[tuple[int, object]]:
        """(line, value) for each element of a list."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"{self.where}: missing required key '{key}'")
            return []
        if not isinstance(value, list):
            self.problem(key, f"'{key}' must be a list ('- ' items)")
            return []
        lines = value.item_lines if isinstance(value, LocatedList) else [self.line_of(key)] * len(value)
        if required and not value:
            self.problem(key, f"'{key}' must not be empty")
        return list(zip(lines, value, strict=False))

    def strings(self, key: str, required: bool = False) -> tuple[str, ...]:
        out = []
        for line, value in self.items(key, required):
            if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
                self.problems.add(self.path, line, f"every entry of '{key}' must be non-empty text")
                continue
            out.append(str(value).strip())
        return tuple(out)

    def mappings(self, key: str, where: str, allowed: set[str], required: bool = False) -> list[Fields]:
        return [
            Fields(value, self.path, self.problems, f"{where} #{n}", allowed)
            for n, (_, value) in enumerate(self.items(key, required), 1)
        ]

    def identifier(self, key: str, pattern: re.Pattern = ID_PATTERN) -> str:
        value = self.text(key, required=True)
        if value and not pattern.match(value):
            self.problem(key, f"'{key}' '{value}' is not a valid identifier (letters, digits and '-', starting "
                              "with a letter)")  # fmt: skip
        return value
