"""Shared fixtures: paths of the repository, the seeds and the shipped content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed folder {SEEDS} missing: shared/ must sit beside the repository")
    return SEEDS


@pytest.fixture()
def small_project(tmp_path: Path) -> Path:
    """A copy of a tiny valid project (content/ + quiz_banks/) to mutate."""
    shutil.copytree(FIXTURES / "content_min", tmp_path / "project")
    return tmp_path / "project"
