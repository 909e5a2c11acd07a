"""Learners' recorded responses read back as the answers they chose, in the bank's own words.

The player's encoding (scorm_templates/player/player.js, "question types"): choice and sequencing
responses are option ids (the bank's ``a, b, c…``, else positional letters) joined by ``,`` (1.2) or
``[,]`` (2004); true/false is ``t``/``f`` or ``true``/``false``; matching pairs are ``source.target``
(``[.]`` in 2004) with targets ``1, 2, 3…`` in the order of first appearance; short answers are text.
"""

from __future__ import annotations

import html
import re

from ..model import Question
from ..render import inline_html

LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
TARGET_CHARS = "1234567890zyxwvutsrqponmlk"
LIST = re.compile(r"\[,\]|,")
PAIR = re.compile(r"\[\.\]|\.")


def plain(markdown: str) -> str:
    """One line of plain text from authored Markdown."""
    text = re.sub(r"<[^>]+>", "", str(inline_html(markdown)))
    return " ".join(html.unescape(text).split())


def _by_id(ids: list[str], token: str) -> int | None:
    """Position of a response id: the bank's id, else the positional letter the player falls back to."""
    if token in ids:
        return ids.index(token)
    return LETTERS.index(token) if token in LETTERS and LETTERS.index(token) < len(ids) else None


def describe(q: Question, response: str) -> str:
    """The answer a response stands for; the raw response when it cannot be read."""
    parts = [p for p in LIST.split(response) if p] if q.type != "shortanswer" else [response]
    if q.type in {"single", "multiple", "ordering"}:
        texts = [o.text for o in q.options] if q.type != "ordering" else list(q.items)
        ids = [o.id for o in q.options] if q.type != "ordering" else [LETTERS[i] for i in range(len(q.items))]
        found = [_by_id(ids, p) for p in parts]
        if found and None not in found:
            return (" → " if q.type == "ordering" else "; ").join(plain(texts[i]) for i in found)
    elif q.type == "truefalse" and response in {"t", "f", "true", "false"}:
        return "True" if response in {"t", "true"} else "False"
    elif q.type == "matching":
        targets = list(dict.fromkeys(p.match for p in q.pairs))
        described = []
        for part in parts:
            pieces = PAIR.split(part, maxsplit=1)
            at = _by_id([p.id for p in q.pairs], pieces[0])
            to = TARGET_CHARS.find(pieces[-1]) if len(pieces) == 2 and len(pieces[1]) == 1 else -1
            if at is None or not 0 <= to < len(targets):
                return response
            described.append(f"{plain(q.pairs[at].prompt)} → {targets[to]}")
        return "; ".join(described)
    return response
