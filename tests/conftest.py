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


@pytest.fixture(scope="session")
def browser():
    """One Debian chromium for the whole run: Playwright's sync API allows one driver per thread."""
    from support.chromium import CHROMIUM, CHROMIUM_ARGS, unavailable

    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def small_project(tmp_path: Path) -> Path:
    """A copy of a tiny valid project (content/ + quiz_banks/) to mutate."""
    shutil.copytree(FIXTURES / "content_min", tmp_path / "project")
    return tmp_path / "project"
