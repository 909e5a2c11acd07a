"""Drives the learner player in a page, under any LMS that hosts it in an iframe."""

from __future__ import annotations

import re
from typing import Any


class Session:
    """One launch of a package inside the host page; helpers read what the LMS received."""

    def __init__(self, page: Any, standard: str, data: dict, frame_id: str = "sco") -> None:
        self.page = page
        self.standard = standard
        self.data = data
        self.frame_id = frame_id  # the iframe holding the player: "sco" in the host page, Moodle's "scorm_object"
        self.questions = {q["id"]: q for q in (data["quiz"] or {}).get("questions", [])}

    @property
    def frame(self) -> Any:
        return self.page.frame_locator(f"#{self.frame_id}")

    def player(self) -> Any:
        """The player's Frame object (for evaluate)."""
        return next(f for f in self.page.frames if f.name == self.frame_id)

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
        link = self.frame.get_by_role("navigation").get_by_role("link", name=title)
        toggle = self.frame.locator("#toc-toggle")
        if not link.is_visible() and toggle.is_visible():  # narrow frames fold the contents behind a button
            toggle.click()
        link.click()

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
