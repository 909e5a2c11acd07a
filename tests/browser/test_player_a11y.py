"""Accessibility of the player: axe-core finds no violations in each state, LTR and RTL; keyboard use;
RTL mirroring; a screenshot of every state (RTCM_SCREENSHOTS, default /tmp/rtcm-player-shots)."""

from __future__ import annotations

import pytest
from player_samples import sample_course

pytestmark = pytest.mark.browser


def axe_violations(session) -> list[dict]:
    frame = session.player()
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.add_script_tag(url="/lib/axe.js")  # served beside the host page
    return frame.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")


def check_state(session, screenshots, name: str) -> None:
    session.page.screenshot(path=str(screenshots / f"{name}.png"), full_page=False)
    assert axe_violations(session) == [], name


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_axe_violations_in_any_state(launch, screenshots, lang):
    data = sample_course("scorm12", lang=lang)
    session = launch(data)
    strings = data["strings"]
    html = session.player().locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")

    check_state(session, screenshots, f"{lang}-1-overview")
    session.go("Session 1: Trends")
    check_state(session, screenshots, f"{lang}-2-content")
    session.start_quiz()
    check_state(session, screenshots, f"{lang}-3-question")
    session.answer_current(right=False)
    assert session.frame.locator(".feedback").is_visible()
    check_state(session, screenshots, f"{lang}-4-feedback")
    for _ in range(len(data["quiz"]["questions"]) - 1):
        session.next_button().click()
        session.answer_current(right=True)
    session.frame.get_by_role("button", name=strings["see_result"]).click()
    assert session.frame.locator(".result").is_visible()
    check_state(session, screenshots, f"{lang}-5-result")


def test_rtl_layout_mirrors(launch):
    session = launch(sample_course("scorm12", lang="ar"))
    nav = session.frame.locator("nav.toc").bounding_box()
    main = session.frame.locator("main").bounding_box()
    assert nav["x"] > main["x"], "in Arabic the contents column sits on the right"
    next_button = session.frame.locator(".pager-next").bounding_box()
    assert next_button["x"] < main["x"] + main["width"] / 2, "'next' points left in RTL"
    current = session.frame.locator('nav a[aria-current="page"]')
    border = current.evaluate("e => getComputedStyle(e).borderRightWidth")
    assert border == "4px", "the current-page marker is on the inline-start (right) edge"


def test_mobile_width_shows_contents_behind_a_toggle(launch, screenshots):
    data = sample_course("scorm2004")
    session = launch(data, viewport=(390, 844))
    session.page.screenshot(path=str(screenshots / "en-mobile-overview.png"))
    nav = session.frame.locator("nav.toc")
    assert not nav.is_visible()
    toggle = session.frame.get_by_role("button", name=data["strings"]["contents"])
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    session.page.screenshot(path=str(screenshots / "en-mobile-contents.png"))
    session.go("Session 1: Trends")
    assert not nav.is_visible()
    width = session.player().evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling at 390 px"
    session.frame.get_by_role("button", name=data["strings"]["contents"]).click()
    session.go(data["strings"]["quiz_title"])
    session.frame.get_by_role("button", name=data["strings"]["quiz_start"]).click()
    session.answer_current(right=False)
    session.page.screenshot(path=str(screenshots / "en-mobile-feedback.png"), full_page=True)
    assert axe_violations(session) == []


def test_keyboard_only_navigation_and_focus(launch):
    data = sample_course("scorm12")
    session = launch(data)
    page = session.page
    frame = session.player()
    frame.locator("body").focus()
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.id") == "main"
    # Next page by keyboard: focus lands on the new page's heading
    frame.locator(".pager-next").focus()
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.id") == "page-title"
    assert frame.evaluate("document.activeElement.textContent") == "Session 1: Trends"
    # focus is visible: the outline is drawn on a keyboard-focused button
    frame.locator(".pager-next").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = frame.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_ordering_question_is_keyboard_operable_and_announced(launch):
    data = sample_course("scorm2004")
    ordering = next(q for q in data["quiz"]["questions"] if q["type"] == "ordering")
    data["quiz"]["questions"] = [ordering]
    session = launch(data)
    session.start_quiz()
    frame = session.player()
    first = frame.locator("[data-item-id]").first
    item_id = first.get_attribute("data-item-id")
    first.locator('[data-move="down"]').focus()
    session.page.keyboard.press("Enter")
    order = frame.locator("[data-item-id]").evaluate_all("els => els.map(e => e.dataset.itemId)")
    assert order.index(item_id) == 1
    assert frame.evaluate("document.activeElement.dataset.move") == "down", "focus follows the moved item"
    frame.wait_for_function("document.getElementById('announcer').textContent.includes('position 2 of 4')")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_every_question_type_with_feedback_has_no_axe_violations(launch, screenshots, lang):
    data = sample_course("scorm2004", lang=lang)
    session = launch(data)
    session.start_quiz()
    for i, _ in enumerate(data["quiz"]["questions"]):
        q = session.answer_current(right=i % 2 == 0)
        session.page.screenshot(path=str(screenshots / f"{lang}-type-{q['type']}.png"), full_page=True)
        assert axe_violations(session) == [], q["type"]
        session.next_button().click()


def test_preview_banner_and_resume_notice_have_no_axe_violations(launch, screenshots):
    data = sample_course("none")
    session = launch(data)
    session.page.screenshot(path=str(screenshots / "en-preview.png"))
    assert axe_violations(session) == []
    resumed = launch(sample_course("scorm12"), init={"core": {"lesson_location": "S1", "entry": "resume"}})
    assert resumed.frame.locator(".notice").is_visible()
    resumed.page.screenshot(path=str(screenshots / "en-resume-notice.png"))
    assert axe_violations(resumed) == []
    resumed.frame.get_by_role("button", name=data["strings"]["start_over"]).click()
    assert resumed.frame.locator("#page-title").inner_text() == "Overview"
    assert resumed.frame.locator(".notice").count() == 0
