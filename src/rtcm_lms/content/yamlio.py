"""YAML with line numbers, and YAML written the same way every time.

Reading composes the node tree with PyYAML's SafeLoader and builds plain Python values that
remember where they came from (``Located*``), so that validators can report ``path:line``.
Composing uses libyaml's C parser when PyYAML has it (six times faster; its nodes keep the same
marks); a file it rejects is parsed again by the pure-Python parser, whose error messages are the
ones authors see, so the messages do not depend on how PyYAML was installed.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class ContentError(Exception):
    """One or more problems in authored files; ``problems`` holds ``path:line: message`` strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class LocatedDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _build(node: yaml.Node, constructor: yaml.constructor.SafeConstructor, path: str, problems: list[str]):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = LocatedDict()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, constructor) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int):
                problems.append(f"{path}:{key_node.start_mark.line + 1}: keys must be plain words")
                continue
            if key in out:
                problems.append(f"{path}:{key_node.start_mark.line + 1}: key '{key}' appears twice")
            out[key] = _build(value_node, constructor, path, problems)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        out = LocatedList(_build(n, constructor, path, problems) for n in node.value)
        out.line, out.item_lines = line, [n.start_mark.line + 1 for n in node.value]
        return out
    return _scalar(node, constructor)


def _scalar(node: yaml.Node, constructor: yaml.constructor.SafeConstructor):
    if node.tag == _STR:
        return node.value  # what SafeConstructor would return for a string, without its bookkeeping
    return constructor.construct_object(node)


@contextmanager
def _cycle_collector_paused():
    """A file becomes tens of thousands of nodes and values, none of them in a cycle: letting the cycle
    collector scan them as they are made costs about a tenth of the loading time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compose(text: str) -> yaml.Node:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)  # its message (or its verdict) is the reference


def read_yaml(path: Path, display: str | None = None):
    """Parse one YAML file; raise ContentError with ``path:line`` for anything unreadable."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([f"{shown}:1: cannot read file: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([f"{shown}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"]) \
            from None  # fmt: skip
    if not text.strip():
        raise ContentError([f"{shown}:1: file is empty"])
    problems: list[str] = []
    try:
        with _cycle_collector_paused():
            value = _build(_compose(text), yaml.SafeLoader(""), shown, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError([f"{shown}:{line}: YAML syntax error: {exc.problem or exc}"]) from None
    if problems:
        raise ContentError(problems)
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data, header: str = "") -> str:
    """Stable YAML: insertion order kept, Unicode as is, long lines folded at 100."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return header + body
