"""quiz_banks/*.yaml -> QuizBank, checked against the course it belongs to.

Problems are collected (``path:line: message``) for every bank before anything is built.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from ..content.fields import Fields, Problems
from ..content.yamlio import ContentError, read_yaml
from ..model import QUESTION_TYPES, Course, MatchPair, Option, Pool, Question, QuizBank

BANK_KEYS = {"course", "language", "pass_mark", "shuffle_answers", "attempts", "pools", "questions"}
COMMON_KEYS = {"id", "type", "stem", "outcomes", "session", "difficulty", "source", "feedback"}
TYPE_KEYS = {
    "single": {"options"},
    "multiple": {"options"},
    "truefalse": {"answer", "feedback_true", "feedback_false"},
    "matching": {"pairs"},
    "ordering": {"items"},
    "shortanswer": {"answers", "case_sensitive"},
}
QUESTION_ID = re.compile(r"^Q\d{2,3}$")
DIFFICULTIES = {"easy", "medium", "hard"}
TYPE_ALIASES = {"multichoice": "single", "mcq": "single", "multi": "multiple", "true_false": "truefalse",
                "true-false": "truefalse", "match": "matching", "fillin": "shortanswer", "fill-in": "shortanswer"}


def letters(n: int) -> list[str]:
    return list(string.ascii_lowercase[:n])


class BankReader:
    def __init__(self, path: Path, display: str, courses: dict[str, Course], problems: Problems):
        self.path, self.display, self.courses, self.problems = path, display, courses, problems

    def read(self) -> QuizBank | None:
        try:
            data = read_yaml(self.path, self.display)
        except ContentError as exc:
            self.problems.items.extend(exc.problems)
            return None
        f = Fields(data, self.display, self.problems, "quiz bank", BANK_KEYS)
        course_id = f.text("course", required=True)
        course = self.courses.get(course_id)
        if course_id and course is None:
            f.problem("course", f"course '{course_id}' does not exist in content/")
        if course_id and self.path.stem != course_id:
            f.problem("course", f"bank for '{course_id}' must be named {course_id}.yaml")
        questions = self.questions(f, course)
        pools = self.pools(f, {q.id for q in questions})
        return QuizBank(
            course=course_id,
            language=f.text("language", default=course.language if course else "en"),
            pass_mark=f.integer("pass_mark", True, 0, 100) or 0,
            shuffle_answers=f.boolean("shuffle_answers", True),
            attempts=f.integer("attempts", low=0, high=100) or 0,
            questions=tuple(questions),
            pools=tuple(pools),
        )

    def questions(self, f: Fields, course: Course | None) -> list[Question]:
        out, seen = [], {}
        for raw in f.items("questions", required=True):
            qtype = raw[1].get("type") if isinstance(raw[1], dict) else None
            qtype = TYPE_ALIASES.get(qtype, qtype) if isinstance(qtype, str) else qtype
            allowed = COMMON_KEYS | TYPE_KEYS.get(qtype, set())
            q = Fields(raw[1], self.display, self.problems, f"question at line {raw[0]}", allowed)
            question = self.question(q, qtype, course)
            if question is None:
                continue
            if question.id in seen:
                q.problem("id", f"question id '{question.id}' is also used at line {seen[question.id]}")
            seen[question.id] = q.line
            out.append(question)
        return out

    def question(self, q: Fields, qtype, course: Course | None) -> Question | None:
        qid = q.identifier("id", QUESTION_ID)
        if qtype not in QUESTION_TYPES:
            original = q.data.get("type")
            q.problem("type" if q.has("type") else None,
                      f"question {qid}: unknown type '{original}' (use one of: {', '.join(QUESTION_TYPES)})"
                      if original else f"question {qid}: missing required key 'type'")  # fmt: skip
            return None
        if q.data.get("type") != qtype:
            q.problem("type", f"question {qid}: write type '{qtype}' instead of '{q.data.get('type')}'")
        stem = q.text("stem", required=True)
        outcomes = q.strings("outcomes", required=True)
        for oid in outcomes:
            if course and course.outcome(oid) is None:
                known = ", ".join(o.id for o in course.outcomes)
                q.problem("outcomes", f"question {qid}: outcome '{oid}' is not an outcome of {course.id} ({known})")
        session = q.text("session") or None
        if session and course and course.session(session) is None:
            q.problem("session", f"question {qid}: session '{session}' does not exist in {course.id}")
        difficulty = q.text("difficulty", default="medium")
        if difficulty not in DIFFICULTIES:
            q.problem("difficulty", f"question {qid}: difficulty must be easy, medium or hard")
        common = dict(id=qid, type=qtype, stem=stem, outcomes=outcomes, feedback=q.text("feedback"),
                      session=session, difficulty=difficulty, source=q.text("source"))  # fmt: skip
        return getattr(self, f"read_{qtype}")(q, qid, common)

    def read_options(self, q: Fields, qid: str, common: dict, single: bool) -> Question:
        opts = q.mappings("options", f"option of {qid}", {"text", "correct", "feedback"}, required=True)
        options = tuple(
            Option(letter, o.text("text", required=True), o.boolean("correct", False), o.text("feedback"))
            for letter, o in zip(letters(len(opts)), opts, strict=False)
        )
        if len(options) < 2:
            q.problem("options", f"question {qid}: needs at least 2 options")
        if len(options) > 26:
            q.problem("options", f"question {qid}: at most 26 options")
        seen: set[str] = set()
        for o, of in zip(options, opts, strict=False):
            if o.text and o.text.casefold() in seen:
                of.problem("text", f"question {qid}: option '{o.text}' appears twice")
            seen.add(o.text.casefold())
        correct = sum(o.correct for o in options)
        if correct == 0:
            q.problem("options", f"question {qid}: no option is marked 'correct: true'")
        elif single and correct > 1:
            q.problem("options", f"question {qid}: type 'single' has {correct} correct options (use 'multiple')")
        return Question(**common, options=options)

    def read_single(self, q, qid, common):
        return self.read_options(q, qid, common, single=True)

    def read_multiple(self, q, qid, common):
        return self.read_options(q, qid, common, single=False)

    def read_truefalse(self, q: Fields, qid: str, common: dict) -> Question:
        answer = q.data.get("answer")
        if not isinstance(answer, bool):
            q.problem("answer" if q.has("answer") else None, f"question {qid}: 'answer' must be true or false")
        return Question(**common, answer=answer if isinstance(answer, bool) else None,
                        feedback_true=q.text("feedback_true"), feedback_false=q.text("feedback_false"))  # fmt: skip

    def read_matching(self, q: Fields, qid: str, common: dict) -> Question:
        raw = q.mappings("pairs", f"pair of {qid}", {"prompt", "match"}, required=True)
        pairs = []
        for letter, p in zip(letters(len(raw)), raw, strict=False):
            prompt, match = p.text("prompt"), p.text("match")
            if not prompt or not match:
                p.problem(None, f"question {qid}: pair {letter} needs both 'prompt' and 'match'")
            pairs.append(MatchPair(letter, prompt, match))
        if len(pairs) < 3:
            q.problem("pairs", f"question {qid}: matching needs at least 3 pairs")
        for label, values in (("prompt", [p.prompt for p in pairs]), ("match", [p.match for p in pairs])):
            dupes = {v for v in values if v and values.count(v) > 1}
            if dupes:
                q.problem("pairs", f"question {qid}: {label} '{sorted(dupes)[0]}' is used by two pairs")
        return Question(**common, pairs=tuple(pairs))

    def read_ordering(self, q: Fields, qid: str, common: dict) -> Question:
        items = q.strings("items", required=True)
        if len(items) < 3:
            q.problem("items", f"question {qid}: ordering needs at least 3 items")
        if len(set(items)) != len(items):
            q.problem("items", f"question {qid}: an item appears twice")
        return Question(**common, items=items)

    def read_shortanswer(self, q: Fields, qid: str, common: dict) -> Question:
        answers = q.strings("answers", required=True)
        return Question(**common, answers=answers, case_sensitive=q.boolean("case_sensitive", False))

    def pools(self, f: Fields, question_ids: set[str]) -> list[Pool]:
        pools, used = [], set()
        for p in f.mappings("pools", "pool", {"id", "draw", "questions"}):
            ids = p.strings("questions", required=True)
            for qid in ids:
                if qid not in question_ids:
                    p.problem("questions", f"pool '{p.text('id')}' names unknown question '{qid}'")
                if qid in used:
                    p.problem("questions", f"question '{qid}' is in two pools")
                used.add(qid)
            draw = p.integer("draw", True, 1, 999)
            if draw and draw > len(ids):
                p.problem("draw", f"pool '{p.text('id')}' draws {draw} questions but holds only {len(ids)}")
            pools.append(Pool(p.text("id", True), draw or 0, ids))
        return pools


def load_banks(folder: Path, courses: dict[str, Course], base: Path | None = None) -> tuple[QuizBank, ...]:
    """Every bank in ``folder``; raises ContentError listing all problems."""
    problems = Problems()
    banks = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        display = str(path.relative_to(base)) if base and path.is_relative_to(base) else str(path)
        bank = BankReader(path, display, courses, problems).read()
        if bank:
            banks.append(bank)
    if problems:
        raise ContentError(problems.items)
    return tuple(banks)
