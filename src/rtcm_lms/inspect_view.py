"""What ``rtcm-lms inspect`` shows: JSON for tools, a rich tree for people."""

from __future__ import annotations

import dataclasses

from rich.console import Console
from rich.tree import Tree

from .model import Catalogue, Course


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def catalogue_json(cat: Catalogue, course_ids: tuple[str, ...] = ()) -> dict:
    data = _plain(cat)
    if course_ids:
        data["courses"] = [c for c in data["courses"] if c["id"] in course_ids]
    return data


def print_catalogue(cat: Catalogue, course_ids: tuple[str, ...] = ()) -> None:
    console = Console()
    if course_ids:
        for cid in course_ids:
            console.print(course_tree(cat.course(cid)))
        return
    root = Tree(f"[bold]{cat.title}[/] ({len(cat.modules)} modules, {len(cat.courses)} courses)")
    for module in cat.modules:
        branch = root.add(f"[bold cyan]{module.id}[/] {module.title}")
        for c in cat.courses_of(module.id):
            branch.add(_course_line(c))
    others = root.add("[bold cyan]Two-week courses[/]")
    for c in cat.courses:
        if c.module is None:
            others.add(_course_line(c))
    if cat.emm:
        emm = root.add(f"[bold cyan]EMM[/] {cat.emm.title} ({cat.emm.year})")
        for v in cat.emm.volumes:
            emm.add(f"Volume {v.number}: {v.title} — {len(v.sections)} sections")
    console.print(root)


def _course_line(c: Course) -> str:
    part = f" — {c.part}" if c.part else ""
    return (f"[green]{c.id}[/] {c.title}{part}  [dim]{len(c.outcomes)} outcomes, {len(c.sessions)} sessions, "
            f"{sum(len(s.items) for s in c.sessions)} items[/]")  # fmt: skip


def course_tree(c: Course) -> Tree:
    tree = Tree(f"[bold green]{c.id}[/] [bold]{c.title}[/]" + (f" — {c.part}" if c.part else ""))
    outcomes = tree.add("Outcomes")
    for o in c.outcomes:
        outcomes.add(f"{o.id}: {o.text}")
    sessions = tree.add("Sessions")
    for s in c.sessions:
        node = sessions.add(f"{s.id} {s.label} {s.number}: {s.title}")
        for i in s.items:
            node.add(f"{i.letter + '. ' if i.letter else ''}{i.text}")
    for label, values in (("Audience", c.audience), ("Format", c.format), ("Resource persons", c.resource_persons)):
        if values:
            node = tree.add(label)
            for v in values:
                node.add(v)
    if c.materials:
        node = tree.add("Training material")
        for m in c.materials:
            node.add(m.text + (f" <{m.url}>" if m.url else ""))
    if c.links:
        tree.add("Links: " + ", ".join(link.course for link in c.links))
    if c.further_study:
        tree.add("Further study (EMM): " + ", ".join(c.further_study))
    return tree
