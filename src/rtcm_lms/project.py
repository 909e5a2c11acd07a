"""Load everything a build needs (content + quiz banks) in one call, all problems reported together."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .content.loader import load_catalogue
from .content.yamlio import ContentError
from .model import Catalogue
from .quiz.bank import load_banks


def load_project(content_dir: Path, banks_dir: Path | None = None) -> Catalogue:
    """Catalogue with its quiz banks; ``banks_dir`` defaults to ``quiz_banks/`` beside ``content/``."""
    catalogue = load_catalogue(content_dir)
    banks_dir = banks_dir if banks_dir is not None else content_dir.parent / "quiz_banks"
    base = content_dir.parent.resolve()
    banks = load_banks(banks_dir.resolve(), {c.id: c for c in catalogue.courses}, base)
    return dataclasses.replace(catalogue, banks=banks, _index={})


__all__ = ["ContentError", "load_project"]
