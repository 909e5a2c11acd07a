"""Line-level clean-up shared by the seed importers.

The seeds are a PDF-to-Markdown conversion: the same kind of line comes with any heading level,
with or without bold/italic/HTML markup and with one of several bullet glyphs. ``clean`` reduces a
line to its words so that the parsers can match on meaning rather than on decoration.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

BULLET_GLYPHS = "✓✔✳✱◇✧❖•▪●◆\u2733\ufe0f"
_HTML_TAG = re.compile(r"</?(?:b|i|u|em|strong|span|br)\s*/?>", re.I)
_SUP = re.compile(r"<sup>\s*([^<]*?)\s*</sup>", re.I)
_MD_LINK_TO_ANCHOR = re.compile(r"\[([^\]]*)\]\(#\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_URL = re.compile(r"https?://[^\s<>\]\)]+")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Line:
    """One seed line, kept with its 1-based number and a cleaned form."""

    number: int
    raw: str
    text: str  # markup, heading marks and bullet glyphs removed
    heading: int  # Markdown heading level, 0 for none
    bullet: bool  # the raw line was a list item
    indent: int


def unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|$<>~])", r"\1", text)


def strip_footnote_marks(text: str) -> str:
    """Footnote references (``<sup>12</sup>``) are page furniture, not content; ``21<sup>st</sup>`` is
    an ordinal and keeps its suffix."""
    return _SUP.sub(lambda m: m.group(1) if not m.group(1).isdigit() else "", text)


def clean(raw: str) -> str:
    """Words of a line without Markdown/HTML decoration (links keep their text or URL)."""
    text = strip_footnote_marks(raw)
    text = _HTML_TAG.sub("", text)
    text = re.sub(r"^\s*#+\s*", "", text)
    text = _MD_LINK_TO_ANCHOR.sub(r"\1", text)
    text = _MD_LINK.sub(r"\2", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = html.unescape(unescape(text))
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)
    text = text.replace("*", "") if text.strip().startswith("*") and text.count("*") == 1 else text
    text = text.strip()
    text = re.sub(r"^[-+]\s+(?=\S)", "", text)
    text = re.sub(r"^\*\s+", "", text)  # "\*" bullets of the conversion
    text = text.lstrip(BULLET_GLYPHS + " \t-").strip()
    text = text.replace("\t", " ")
    return _SPACES.sub(" ", text).strip()


def split_lines(source: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(source.splitlines(), start=1):
        stripped = raw.lstrip()
        heading = len(stripped) - len(stripped.lstrip("#")) if stripped.startswith("#") else 0
        bullet = bool(re.match(r"[-+]\s|[-+]$", stripped)) or (
            bool(stripped) and stripped[0] in BULLET_GLYPHS and not stripped.startswith("◇")
        )
        lines.append(Line(number, raw, clean(raw), heading, bullet, len(raw) - len(stripped)))
    return lines


def urls_in(raw: str) -> list[str]:
    """Every URL of a raw line, once each, in order (link targets and bare URLs alike)."""
    found: list[str] = []
    for url in _URL.findall(unescape(raw)):
        # The conversion escapes Markdown twice ("wmr\\_2020.pdf"); a backslash is never part of a URL.
        url = url.replace("\\", "").rstrip(".,;*")
        if url not in found:
            found.append(url)
    return found


def without_urls(text: str) -> str:
    text = _URL.sub("", text)
    text = re.sub(r"\s*Available (?:at|from|on)\s*:?\s*$", "", text.strip(), flags=re.I)
    return _SPACES.sub(" ", text).strip(" -–")


@dataclass
class ImportLog:
    """What an importer recognised, repaired or assumed, with seed line numbers."""

    entries: list[tuple[str, int, str, str]] = field(default_factory=list)  # (file, line, level, message)

    def note(self, file: str, line: int, message: str) -> None:
        self.entries.append((file, line, "info", message))

    def repair(self, file: str, line: int, message: str) -> None:
        self.entries.append((file, line, "repair", message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.entries.append((file, line, "warning", message))

    def render(self) -> str:
        return "".join(f"{f}:{n}: {level}: {msg}\n" for f, n, level, msg in self.entries)


_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "vs", "via", "within", "during", "between", "its", "their", "under", "through",
}  # fmt: skip


def title_case(text: str, acronyms: frozenset[str]) -> str:
    """Title-case an ALL-CAPS seed heading, keeping acronyms (from the seed's own list) in capitals."""
    if any(c.islower() for c in text) and not text.isupper():
        # Mixed case already (e.g. "COMBATting"): only the all-caps runs need fixing.
        pass
    words = re.split(r"(\s+|[-–/:(),])", text)
    out: list[str] = []
    first = True
    for word in words:
        if not word or not re.search(r"[A-Za-z]", word):
            out.append(word)
            if word.strip() in {":", "–"}:
                first = True
            continue
        bare = word.strip("'’.")
        upper = bare.upper()
        plural = upper[:-1] if upper.endswith("S") else None
        if upper in acronyms or (plural and plural in acronyms and len(plural) > 1):
            out.append(word.upper() if upper in acronyms else plural + "s")
        elif re.fullmatch(r"[A-Z]*\d+[A-Z\d-]*", upper):  # COVID-19, COP21
            out.append(word.upper())
        elif not first and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:].lower())
        first = False
    return "".join(out)
