"""`rtcm-lms preview`: a real course in Chromium under the mock LMS, taken to a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtcm_lms.builders.player_data import player_data
from rtcm_lms.preview import PreviewServer
from rtcm_lms.project import load_project
from support.player_driver import Session

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_an_author_can_finish_a_topic_in_preview(browser, standard):
    catalogue = load_project(REPO / "content")
    course = catalogue.course("M03-T01")
    data = player_data(catalogue, course, standard, "preview")
    with PreviewServer(catalogue, course, standard, "preview") as server:
        assert server.url.startswith("http://127.0.0.1:")
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.goto(server.url)
            session = Session(page, standard, data)
            session.frame.locator("#page-title").wait_for()
            session.take_quiz(right=True)
            values = page.evaluate("window.previewValues")
            status = values["cmi.core.lesson_status"] if standard == "scorm12" else values["cmi.success_status"]
            assert status == "passed"
            score = values["cmi.core.score.raw"] if standard == "scorm12" else values["cmi.score.raw"]
            assert float(score) == 100
            assert page.get_by_role("cell", name="passed").count() >= 1  # the panel shows it to the author
        finally:
            context.close()
    assert not server.folder.exists()
