"""A small GIFT reader for the tests: enough of the format to read back what export_gift writes
(single/multiple choice, true/false, matching, short answer, feedback, comments with [id:…])."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class GiftQuestion:
    id: str
    stem: str
    answers: list[dict] = field(default_factory=list)
    general_feedback: str = ""
    truefalse: bool | None = None
    tf_feedback: tuple[str, str] = ("", "")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if text.startswith(sep, i):
            parts.append(current)
            current = ""
            i += len(sep)
            continue
        current += text[i]
        i += 1
    parts.append(current)
    return parts


def _answer_tokens(body: str) -> list[str]:
    """Split the answer block at unescaped '=' / '~' that start an answer."""
    tokens, current, i = [], "", 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            current += body[i : i + 2]
            i += 2
            continue
        if c in "=~" and (not current.strip() or body[i - 1] in " \n"):
            if current.strip():
                tokens.append(current.strip())
            current = c
        else:
            current += c
        i += 1
    if current.strip():
        tokens.append(current.strip())
    return tokens


def read_gift(text: str) -> list[GiftQuestion]:
    questions = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.strip().splitlines() if not ln.startswith("//") and not ln.startswith("$CATEGORY")]
        if not lines:
            continue
        body = "\n".join(lines)
        m = re.match(r"::(.+?)::\s*(?:\[markdown\])?(.*?)\{(.*)\}\s*$", body, re.S)
        assert m, f"not a GIFT question: {body[:80]}"
        qid, stem, answers = unescape(m.group(1)), m.group(2).strip(), m.group(3)
        q = GiftQuestion(qid, unescape(stem))
        general = split_unescaped(answers, "####")
        answers = general[0].strip()
        if len(general) > 1:
            q.general_feedback = unescape(general[1].strip())
        if re.match(r"^(TRUE|FALSE|T|F)\b", answers):
            parts = split_unescaped(answers, "#")
            q.truefalse = parts[0].strip() in {"TRUE", "T"}
            q.tf_feedback = (unescape(parts[1]) if len(parts) > 1 else "", unescape(parts[2]) if len(parts) > 2 else "")
            questions.append(q)
            continue
        for token in _answer_tokens(answers):
            mark, rest = token[0], token[1:]
            weight = None
            if rest.startswith("%"):
                weight, rest = rest[1:].split("%", 1)
            text_fb = split_unescaped(rest, "#")
            answer_text = text_fb[0].strip()
            feedback = unescape(text_fb[1].strip()) if len(text_fb) > 1 else ""
            entry = {"mark": mark, "weight": weight, "feedback": feedback}
            if " -> " in answer_text:
                prompt, match = split_unescaped(answer_text, " -> ")
                entry.update(prompt=unescape(prompt.strip()), match=unescape(match.strip()))
            else:
                entry["text"] = unescape(answer_text)
            q.answers.append(entry)
        questions.append(q)
    return questions
