"""Browser fixtures: a loopback HTTP server, Debian's chromium through Playwright, and an LMS host page
running the scorm-again runtime (SCORM 1.2 or 2004) that launches a player package in an iframe."""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rtcm_lms.player import player_files, render_index

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
HOST_PAGE = Path(__file__).with_name("host.html")
SHOTS = Path(os.environ.get("RTCM_SCREENSHOTS", "/tmp/rtcm-player-shots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RUNTIME_FILES = {
    "scorm12.js": NODE_MODULES / "scorm-again" / "dist" / "scorm12.min.js",
    "scorm2004.js": NODE_MODULES / "scorm-again" / "dist" / "scorm2004.min.js",
    "axe.js": NODE_MODULES / "axe-core" / "axe.min.js",
}


# ---------------------------------------------------------------- server and browser


def unavailable(reason: str) -> None:
    """Skip a browser test whose tools are missing, unless RTCM_REQUIRE_BROWSER is set (CI): then fail."""
    if os.environ.get("RTCM_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (RTCM_REQUIRE_BROWSER is set)")
    pytest.skip(f"{reason} (set RTCM_REQUIRE_BROWSER=1 to make this a failure)")


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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


# ---------------------------------------------------------------- the player under an LMS


class Session:
    """One launch of a package inside the host page; helpers read what the LMS received."""

    def __init__(self, page: Any, standard: str, data: dict) -> None:
        self.page = page
        self.standard = standard
        self.data = data
        self.questions = {q["id"]: q for q in (data["quiz"] or {}).get("questions", [])}

    @property
    def frame(self) -> Any:
        return self.page.frame_locator("#sco")

    def player(self) -> Any:
        """The player's Frame object (for evaluate)."""
        return next(f for f in self.page.frames if f.name == "sco")

    def calls(self, name: str | None = None) -> list[dict]:
        log = self.page.evaluate("window.lmsCalls")
        return [c for c in log if name is None or c["fn"] == name]

    def set_values(self) -> dict[str, str]:
        """Last value the player set for each element (what the LMS would store)."""
        values: dict[str, str] = {}
        for call in self.calls(self.fn("SetValue")):
            values[call["args"][0]] = call["args"][1]
        return values

    def cmi(self) -> dict:
        return self.page.evaluate("JSON.parse(JSON.stringify(window.lmsApi.cmi))")

    def fn(self, name: str) -> str:
        """SCORM 2004 function name -> this standard's name."""
        if self.standard != "scorm12":
            return name
        return {
            "Initialize": "LMSInitialize",
            "Terminate": "LMSFinish",
            "Commit": "LMSCommit",
            "SetValue": "LMSSetValue",
            "GetValue": "LMSGetValue",
        }[name]

    # -- driving the player

    def go(self, title: str) -> None:
        self.frame.get_by_role("navigation").get_by_role("link", name=title).click()

    def start_quiz(self) -> None:
        self.go(self.data["strings"]["quiz_title"])
        self.frame.get_by_role("button", name=self.data["strings"]["quiz_start"]).click()

    def current_question(self) -> dict:
        qid = self.frame.locator("form.question").get_attribute("data-question-id")
        return self.questions[qid]

    def answer_current(self, right: bool) -> dict:
        q = self.current_question()
        form = self.frame.locator("form.question")
        kind = q["type"]
        if kind in ("single", "multiple"):
            chosen = [o["id"] for o in q["options"] if o["correct"] == right]
            if kind == "single":
                chosen = chosen[:1]
            for oid in chosen:
                form.locator(f'input[value="{oid}"]').check()
        elif kind == "truefalse":
            form.locator(f'input[value="{"t" if q["answer"] == right else "f"}"]').check()
        elif kind == "matching":
            matches = [p["match"] for p in q["pairs"]]
            for i, pair in enumerate(q["pairs"]):
                label = pair["match"] if right else matches[(i + 1) % len(matches)]
                form.locator(f'[data-pair-id="{pair["id"]}"] select').select_option(label=label)
        elif kind == "ordering":
            target = [item["id"] for item in q["items"]]
            if not right:
                target = target[::-1]
            self._reorder(form, target)
        elif kind == "shortanswer":
            form.get_by_label(self.data["strings"]["your_answer"]).fill(
                q["answers"][0].upper() if right else "Somewhere else"
            )
        form.get_by_role("button", name=self.data["strings"]["check"]).click()
        return q

    def _reorder(self, form: Any, target: list[str]) -> None:
        """Reorder with the keyboard-operable Move up buttons (no dragging)."""
        for position, item_id in enumerate(target):
            while True:
                order = form.locator("[data-item-id]").evaluate_all("els => els.map(e => e.dataset.itemId)")
                if order.index(item_id) <= position:
                    break
                form.locator(f'[data-item-id="{item_id}"] [data-move="up"]').click()

    def take_quiz(self, right: bool) -> list[dict]:
        self.start_quiz()
        answered = []
        total = len(self.data["quiz"]["questions"])
        for _ in range(total):
            answered.append(self.answer_current(right))
            self.next_button().click()
        return answered

    def next_button(self) -> Any:
        """'Next question', or 'See my result' after the last question."""
        strings = self.data["strings"]
        name = re.compile(f"^({re.escape(strings['next_question'])}|{re.escape(strings['see_result'])})$")
        return self.frame.get_by_role("button", name=name)

    def hide(self) -> None:
        """Fire visibilitychange -> hidden in the player, as a tab switch would."""
        self.player().evaluate(
            "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
            "document.dispatchEvent(new Event('visibilitychange'));"
            "Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});"
        )

    def close(self) -> None:
        """Remove the player's iframe, as Moodle does when the learner leaves: fires pagehide."""
        self.page.evaluate("document.getElementById('sco').remove()")


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
