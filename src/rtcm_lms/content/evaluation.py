"""The training evaluation forms: ``content/evaluation.yaml`` (the default set) and a course's
``evaluation:`` key (``false`` for none, or ``pre:`` / ``post:`` lists replacing the default's).

Problems are collected with ``path:line`` like the rest of the loader.
"""

from __future__ import annotations

import re

from ..model import EVALUATION_TYPES, Evaluation, EvaluationOption, EvaluationQuestion
from ..player import DEFAULT_LANG, ui_strings
from .fields import Fields

EVALUATION_FILE = "evaluation.yaml"  # in content/
FORMS = ("pre", "post")
MAX_PRE_QUESTIONS = 3  # the curriculum's pre-training questionnaire: "max 3 questions" (ch. 7.3)
QUESTION_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
OPTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
QUESTION_KEYS = {"id", "type", "text", "string", "options"}
OPTION_KEYS = {"id", "text", "string"}


class EvaluationReader:
    """Reads one evaluation mapping; ``base`` supplies the forms a course does not override."""

    def __init__(self, fields: Fields):
        self.f = fields
        self.strings = ui_strings(DEFAULT_LANG)

    def read(self, base: Evaluation | None = None) -> Evaluation:
        forms = {}
        for form in FORMS:
            if not self.f.has(form):
                forms[form] = getattr(base, form) if base else ()
            elif self.f.data[form] is False:
                forms[form] = ()  # "pre: false": this form is switched off
            else:
                forms[form] = self.questions(form)
        return Evaluation(forms["pre"], forms["post"])

    def questions(self, form: str) -> tuple[EvaluationQuestion, ...]:
        out, seen = [], set()
        found = self.f.mappings(form, f"{form} question", QUESTION_KEYS)
        if form == "pre" and len(found) > MAX_PRE_QUESTIONS:
            self.f.problem(form, f"'pre' has {len(found)} questions; the pre-training questionnaire asks "
                                 f"at most {MAX_PRE_QUESTIONS}")  # fmt: skip
        for q in found:
            qid = q.text("id", required=True)
            if qid and not QUESTION_ID.match(qid):
                q.problem("id", f"question id '{qid}' must be lower-case letters, digits and '-' (it becomes the "
                                f"interaction id '{Evaluation.interaction_id(form, qid)}')")  # fmt: skip
            if qid in seen:
                q.problem("id", f"question id '{qid}' is used twice in '{form}'")
            seen.add(qid)
            kind = q.text("type", required=True)
            if kind and kind not in EVALUATION_TYPES:
                q.problem("type", f"unknown question type '{kind}' (known: {', '.join(EVALUATION_TYPES)})")
            text, string = self.wording(q, f"question '{qid}'")
            options = self.options(q, qid) if kind == "choice" else ()
            if kind != "choice" and q.has("options"):
                q.problem("options", f"'options' belong to 'choice' questions; '{qid}' is '{kind}'")
            out.append(EvaluationQuestion(qid, kind, text, string, options))
        return tuple(out)

    def options(self, q: Fields, qid: str) -> tuple[EvaluationOption, ...]:
        out, seen = [], set()
        found = q.mappings("options", "option", OPTION_KEYS, required=True)
        if 0 < len(found) < 2:
            q.problem("options", f"choice question '{qid}' needs at least 2 options")
        for o in found:
            oid = o.text("id", required=True)
            if oid and not OPTION_ID.match(oid):
                o.problem("id", f"option id '{oid}' must be lower-case letters, digits and '-' (at most 32)")
            if oid in seen:
                o.problem("id", f"option id '{oid}' is used twice in '{qid}'")
            seen.add(oid)
            out.append(EvaluationOption(oid, *self.wording(o, f"option '{oid}'")))
        return tuple(out)

    def wording(self, f: Fields, what: str) -> tuple[str, str]:
        """(text, string): exactly one of literal wording or a UI string key the player translates."""
        text, string = f.text("text"), f.text("string")
        if text and string:
            f.problem("string", f"{what}: give 'text' or 'string', not both")
        elif not text and not string:
            f.problem(None, f"{what} needs 'text' (its wording) or 'string' (a key of the player's UI strings)")
        elif string and string not in self.strings:
            f.problem("string", f"{what}: '{string}' is not a UI string (scorm_templates/player/i18n/en.json)")
        return text, string
