"""Debian's chromium for Playwright, launched so that it can reach 127.0.0.1 and nothing else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    """Skip a browser test whose tools are missing, unless RTCM_REQUIRE_BROWSER is set (CI): then fail."""
    if os.environ.get("RTCM_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (RTCM_REQUIRE_BROWSER is set)")
    pytest.skip(f"{reason} (set RTCM_REQUIRE_BROWSER=1 to make this a failure)")
