"""Browser fixtures: a loopback HTTP server, Debian's chromium through Playwright, and an LMS host page
running the scorm-again runtime (SCORM 1.2 or 2004) that launches a player package in an iframe."""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rtcm_lms.player import player_files, render_index
from support.chromium import unavailable
from support.player_driver import Session

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
HOST_PAGE = Path(__file__).with_name("host.html")
SHOTS = Path(os.environ.get("RTCM_SCREENSHOTS", "/tmp/rtcm-player-shots"))
RUNTIME_FILES = {
    "scorm12.js": NODE_MODULES / "scorm-again" / "dist" / "scorm12.min.js",
    "scorm2004.js": NODE_MODULES / "scorm-again" / "dist" / "scorm2004.min.js",
    "axe.js": NODE_MODULES / "axe-core" / "axe.min.js",
}


# ---------------------------------------------------------------- server and browser


@pytest.fixture(scope="session")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [str(p) for p in RUNTIME_FILES.values() if not p.is_file()]
    if missing:
        unavailable(f"run `npm ci` at the repository root first; missing: {', '.join(missing)}")
    root = tmp_path_factory.mktemp("lms")
    (root / "lib").mkdir()
    for name, source in RUNTIME_FILES.items():
        shutil.copyfile(source, root / "lib" / name)
    shutil.copyfile(HOST_PAGE, root / "host.html")
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature from the base class
        pass


@pytest.fixture(scope="session")
def server(site_root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site_root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


_PACKAGE_NUMBERS = itertools.count()


@pytest.fixture()
def launch(page: Any, server: str, site_root: Path):
    """launch(data, init=None) -> Session: serve `data` as a package and open it under its LMS."""

    def _launch(
        data: dict, init: dict | None = None, viewport: tuple[int, int] | None = None, runtime: str | None = None
    ) -> Session:
        """runtime: which API the host offers ("scorm12", "scorm2004", "none"); default: data's standard."""
        name = f"sco{next(_PACKAGE_NUMBERS)}-{data['standard']}-{data['course']['lang']}"
        sco = site_root / "packages" / name
        sco.mkdir(parents=True)
        (sco / "index.html").write_text(render_index(data), encoding="utf-8")
        for asset in player_files():
            shutil.copyfile(asset, sco / asset.name)
        if viewport:
            page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.goto(f"{server}/host.html")
        page.evaluate(
            "([std, src, init]) => window.boot(std, src, init)",
            [runtime or data["standard"], f"packages/{name}/index.html", init],
        )
        session = Session(page, data["standard"], data)
        session.frame.locator("#page-title").wait_for()
        return session

    return _launch


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
