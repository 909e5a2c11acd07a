"""rtcm-lms.yml: settings that would otherwise be typed on every command, one typed class per section.

```yaml
moodle:
  url: https://moodle.example.org
  token_file: ~/.config/rtcm-lms/token   # relative paths are relative to this file
```

Which value wins, for every setting: the command-line flag, then the environment variable, then this
file. The token itself never goes in the file (it would end up in git): only the path of a file
holding it. Unknown keys are reported as warnings, wrong types as ``path:line: message`` errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from .content.yamlio import ContentError, LocatedDict, read_yaml

CONFIG_FILE = Path("rtcm-lms.yml")


@dataclass(frozen=True)
class MoodleConfig:
    url: str | None = None
    """Root URL of the Moodle site (`--url` and RTCM_MOODLE_URL win over it)."""

    token_file: Path | None = None
    """File holding the web-service token (`--token-file` and RTCM_MOODLE_TOKEN win over it)."""


@dataclass(frozen=True)
class Config:
    moodle: MoodleConfig = field(default_factory=MoodleConfig)
    path: Path | None = None  # the file it was read from; None: no file, every default
    warnings: tuple[str, ...] = ()


def load_config(path: Path = CONFIG_FILE) -> Config:
    """Reads ``path`` if it exists (a missing file means defaults); raises ContentError listing every problem."""
    if not path.is_file():
        return Config()
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError([f"{path}:1: expected a mapping with a 'moodle' section"])
    report = _Report(path)
    for key in data:
        if key != "moodle":
            report.warn(data.line_of(key), f"unknown setting '{key}' (known: moodle)")
    moodle = _moodle_section(data, report)
    if report.problems:
        raise ContentError(report.lines(report.problems))
    return Config(moodle, path, tuple(report.lines(report.warnings)))


@dataclass
class _Report:
    """Problems and warnings as (line, message), printed in file order as ``path:line: message``."""

    path: Path
    problems: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def lines(self, entries: list[tuple[int, str]]) -> list[str]:
        return [f"{self.path}:{line}: {message}" for line, message in sorted(entries)]


def _moodle_section(data: LocatedDict, report: _Report) -> MoodleConfig:
    section = data.get("moodle")
    if section is None:
        return MoodleConfig()
    if not isinstance(section, dict):
        report.error(data.line_of("moodle"), "'moodle' must be a mapping (url, token_file)")
        return MoodleConfig()
    known = [f.name for f in fields(MoodleConfig)]
    for key in section:
        if key == "token":  # a near miss worth an error: a token in a project file ends up in git
            report.error(section.line_of(key), "do not put the token in this file; write it to a file of its own "
                         "and name that file in 'moodle.token_file'")  # fmt: skip
        elif key not in known:
            report.warn(section.line_of(key), f"unknown setting 'moodle.{key}' (known: {', '.join(sorted(known))})")
    values: dict[str, str] = {}
    for key in known:
        value = section.get(key)
        if key not in section:
            continue
        if not isinstance(value, str) or not value.strip():
            report.error(section.line_of(key), f"'moodle.{key}' must be a non-empty text")
            continue
        values[key] = value.strip()
    url = values.get("url")
    if url and not url.startswith(("http://", "https://")):
        report.error(section.line_of("url"), "'moodle.url' must start with http:// or https://")
    token_file = values.get("token_file")
    resolved = (report.path.parent / Path(token_file).expanduser()) if token_file else None
    return MoodleConfig(url=url, token_file=resolved)
