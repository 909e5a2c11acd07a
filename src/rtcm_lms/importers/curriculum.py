"""Importer for the Regional Migration Curriculum seed (8 modules, one course per topic).

The seed is a PDF conversion, so the parser works on the *meaning* of cleaned lines (see
``text.clean``) and keeps a small state machine per topic: which "◇" section it is in, which session.
Everything it repairs or assumes goes to the ImportLog with the seed line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import (
    GcmObjective,
    Item,
    Material,
    Module,
    SdgTarget,
    SourceRef,
    TopicLink,
)
from .text import ImportLog, Line, split_lines, title_case, urls_in, without_urls

MODULE_START = re.compile(r"^MODULE (\d+)$")
TOPIC_HEADING = re.compile(r"^TOPIC\s*(\d+)\b\.?\s*(.*)$")
OUTLINE_ROW = re.compile(r"^TOPIC\s*(\d+)\s+(.+)$")
SESSION_HEADING = re.compile(r"^(SESSION|SECTION)\s*(\d+)\b\s*(.*)$", re.I)
ITEM = re.compile(r"^([A-Z])[.)]\s+(.+)$")
PART = re.compile(r"^PART\s+([IV]+|\d+)\b\.?\s*(.*)$", re.I)
SDG = re.compile(r"^Target\s+(\d+\.[0-9a-zA-Z]+)\.?:?\s*(.+)$")
GCM = re.compile(r"^Objective\s+(\d+):?\s*(.+)$")
FOOTNOTE = re.compile(r"^<sup>\d+</sup>")
FORMAT_LIKE = re.compile(r"^(Workshop\b|\d+(\s*(-|to)\s*\d+)?\s+days?$)", re.I)
SAME_AS = re.compile(r"same as (?:for )?Topic (\d+)", re.I)

SECTION_MARKERS = [
    ("objectives", re.compile(r"^(Objectives?|Overview) and Expected Outcomes?\b", re.I)),
    ("content", re.compile(r"^Overview of (the )?Content\b", re.I)),
    ("audience", re.compile(r"^Target Audience\b", re.I)),
    ("format", re.compile(r"^Format and Duration\b", re.I)),
    ("resource_persons", re.compile(r"^Resource Persons\b", re.I)),
    ("materials", re.compile(r"^Training Material", re.I)),
    ("links", re.compile(r"^Links to other", re.I)),
]


@dataclass
class TopicDraft:
    """A topic as it is being read; turned into a course by ``write``/the loader."""

    module: int
    number: int
    title: str
    line: int
    part: str | None = None
    summary: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    format: list[str] = field(default_factory=list)
    resource_persons: list[str] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    links: list[TopicLink] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return f"M{self.module:02d}-T{self.number:02d}"


@dataclass
class CurriculumImport:
    modules: list[Module]
    topics: list[TopicDraft]
    acronyms: frozenset[str]


def section_of(line: Line) -> str | None:
    """The "◇ …" section a line opens, if it is a short heading-like line naming one."""
    if not line.text or len(line.text) > 90:
        return None
    headingish = line.heading or "◇" in line.raw or "✧" in line.raw or line.raw.lstrip().startswith(
        ("**", "\\*", "✳", "◇")
    )
    if not headingish:
        return None
    for name, pattern in SECTION_MARKERS:
        if pattern.search(line.text):
            return name
    return None


def read_acronyms(lines: list[Line]) -> frozenset[str]:
    found = set()
    start = next(i for i, ln in enumerate(lines) if ln.text.upper().startswith("LIST OF ACRONYMS"))
    for ln in lines[start + 1 :]:
        if ln.heading:
            break
        head = ln.raw.split("\t", 1)[0].strip()
        if "\t" in ln.raw and head:
            found.add(head.upper())
    # Words the seed capitalises as acronyms without listing them.
    return frozenset(found | {"GCM", "IBM", "TIP", "IDPS", "IDP", "AVRR", "RTCM", "SDGS", "IML", "GBV", "UN"})


class CurriculumParser:
    def __init__(self, path: Path, log: ImportLog):
        self.file = path.name
        self.log = log
        self.lines = split_lines(path.read_text(encoding="utf-8"))
        self.acronyms = read_acronyms(self.lines)

    def title(self, text: str) -> str:
        return title_case(text.strip(" .:-–"), self.acronyms)

    # --- modules -------------------------------------------------------------------------------
    def parse(self) -> CurriculumImport:
        starts = [i for i, ln in enumerate(self.lines) if ln.heading and MODULE_START.match(ln.text)]
        end = next(
            (i for i, ln in enumerate(self.lines) if ln.heading and ln.text.upper() == "LIST OF ANNEXES"),
            len(self.lines),
        )
        modules, topics = [], []
        for k, start in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else end
            module, module_topics = self.parse_module(start, stop)
            modules.append(module)
            topics.extend(module_topics)
        return CurriculumImport(modules, topics, self.acronyms)

    def parse_module(self, start: int, stop: int) -> tuple[Module, list[TopicDraft]]:
        head = self.lines[start]
        number = int(MODULE_START.match(head.text).group(1))
        title_line = next(ln for ln in self.lines[start + 1 : stop] if ln.text)
        topic_starts = self.topic_starts(start, stop)
        intro_end = topic_starts[0][0] if topic_starts else stop
        module = self.parse_module_front(number, title_line, start, intro_end)
        outline = self.outline(start, intro_end)
        topics = []
        for k, (i, topic_no, heading_title) in enumerate(topic_starts):
            j = topic_starts[k + 1][0] if k + 1 < len(topic_starts) else stop
            topics.append(self.parse_topic(number, topic_no, heading_title, i, j, outline))
        self.compare_outline(number, outline, topics, head.number)
        self.log.note(self.file, head.number, f"module {number}: {len(topics)} topics")
        return module, topics

    def parse_module_front(self, number: int, title_line: Line, start: int, stop: int) -> Module:
        intro, objectives, sdgs, gcms, connected = [], [], [], [], ""
        section = None
        for ln in self.lines[start + 1 : stop]:
            low = ln.text.lower()
            if ln is title_line or not ln.text or ln.raw.strip() == "---" or FOOTNOTE.match(ln.raw.strip()):
                continue
            if (ln.heading or "◇" in ln.raw) and len(ln.text) < 60:
                if "introduction to the module" in low:
                    section = "intro"
                    continue
                if low in {"sdgs", "sustainable development goals"}:
                    section = "sdg"
                    continue
                if "gcm objectives" in low:
                    section = "gcm"
                    continue
                if "outline of content" in low or "presentation of content" in low:
                    section = "outline"
                    continue
            if OUTLINE_ROW.match(ln.text) and "\t" in ln.raw:
                section = "outline"
            if low.startswith("connected module"):
                connected = re.sub(r"^connected modules?(\(s\))?\s*", "", ln.text, flags=re.I)
                continue
            if section == "intro":
                (objectives if ln.bullet else intro).append(ln.text)
            elif (m := SDG.match(ln.text)) and section in {"sdg", "gcm"}:
                sdgs.append(SdgTarget(m.group(1), m.group(2).strip(" *")))
            elif (m := GCM.match(ln.text)) and section in {"sdg", "gcm"}:
                gcms.append(GcmObjective(int(m.group(1)), m.group(2).strip(" *")))
        title = self.title(title_line.text.split(",")[0]) if number == 1 else self.title(title_line.text)
        return Module(
            id=f"M{number:02d}",
            number=number,
            title=title,
            introduction="\n\n".join(intro),
            objectives=tuple(objectives),
            sdg_targets=tuple(sdgs),
            gcm_objectives=tuple(gcms),
            connected_modules=self.title(connected) if connected else "",
            source=SourceRef(self.file, self.lines[start].number),
        )

    def outline(self, start: int, stop: int) -> dict[int, str]:
        rows: dict[int, str] = {}
        for ln in self.lines[start:stop]:
            m = OUTLINE_ROW.match(ln.text)
            if m and "\t" in ln.raw and not ln.heading:
                rows[int(m.group(1))] = m.group(2).strip()
        return rows

    def compare_outline(self, module: int, outline: dict[int, str], topics: list[TopicDraft], line: int):
        if len(outline) != len(topics):
            self.log.warn(
                self.file, line,
                f"module {module}: the outline table lists {len(outline)} topics, the body has {len(topics)};"
                " the body is taken as the truth",
            )  # fmt: skip
        for topic in topics:
            listed = outline.get(topic.number)
            if listed and _key(listed)[:25] not in _key(topic.title + " " + (topic.part or "")) and (
                _key(topic.title)[:25] not in _key(listed)
            ):
                self.log.warn(
                    self.file, topic.line,
                    f"{topic.id}: the outline table calls topic {topic.number} '{listed}', the body"
                    f" '{topic.title}'; the body's title is used",
                )  # fmt: skip

    # --- topics --------------------------------------------------------------------------------
    def topic_starts(self, start: int, stop: int) -> list[tuple[int, int, str]]:
        """(line index, topic number, heading title) of every topic, including those whose heading
        the conversion lost: a second "Expected Outcome" section opens the next topic."""
        starts: list[tuple[int, int, str]] = []
        objectives_seen = True
        for i in range(start, stop):
            ln = self.lines[i]
            m = TOPIC_HEADING.match(ln.text)
            if m and ln.heading and "\t" not in ln.raw:
                starts.append((i, int(m.group(1)), m.group(2)))
                objectives_seen = False
            elif section_of(ln) == "objectives":
                if objectives_seen and starts:
                    number = starts[-1][1] + 1
                    self.log.repair(
                        self.file, ln.number,
                        f"module heading for topic {number} is missing; a new 'Expected Outcome' section"
                        " starts it (title taken from the module's outline table)",
                    )  # fmt: skip
                    starts.append((i, number, ""))
                objectives_seen = True
        return starts

    def parse_topic(self, module: int, number: int, heading_title: str, start: int, stop: int,
                    outline: dict[int, str]) -> TopicDraft:  # fmt: skip
        title, part, body_start = self.topic_title(module, number, heading_title, start, stop, outline)
        topic = TopicDraft(module, number, title, self.lines[start].number, part=part)
        state = TopicReader(self, topic)
        for ln in self.lines[body_start:stop]:
            state.feed(ln)
        state.finish()
        return topic

    def topic_title(self, module, number, heading_title, start, stop, outline):
        """Title (and "Part" subtitle) of a topic: on the TOPIC line, on the next heading, or, when
        the heading is lost, from the outline table."""
        i = start + 1
        title = heading_title
        if not heading_title and TOPIC_HEADING.match(self.lines[start].text):
            nxt = next(k for k in range(start + 1, stop) if self.lines[k].text)
            title = self.lines[nxt].text
            i = nxt + 1
            self.log.repair(self.file, self.lines[nxt].number,
                            f"M{module:02d}-T{number:02d}: title sits on the heading after 'TOPIC {number}'")
        elif not heading_title:
            title = re.split(r"\s+PART\s+[IV\d]+\b", outline.get(number, f"Topic {number}"))[0]
            i = start
        part = None
        m = re.search(r"\s[-–]\s*Part\s+(\d+|[IV]+)\s*$", title, re.I)
        if m:
            title = title[: m.start()]
            part = f"Part {m.group(1)}"
        for k in range(i, min(i + 6, stop)):
            pm = PART.match(self.lines[k].text)
            if pm and self.lines[k].heading:
                part = f"Part {pm.group(1)}: {pm.group(2).strip()}" if pm.group(2) else f"Part {pm.group(1)}"
                i = k + 1
                break
            if self.lines[k].text and section_of(self.lines[k]):
                break
        return self.title(title), part, i


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower().replace("evidenced", "evidence"))


class TopicReader:
    """Feeds a topic's lines through its sections, collecting what each section holds."""

    def __init__(self, parser: CurriculumParser, topic: TopicDraft):
        self.p = parser
        self.topic = topic
        self.section = "objectives"
        self.session: dict | None = None
        self.pending_title_for: dict | None = None
        self.in_footnotes = False
        self.last = ""  # what the previous objectives line fed: "summary", "outcome" or "lead-in"

    def warn(self, ln: Line, message: str) -> None:
        self.p.log.warn(self.p.file, ln.number, f"{self.topic.id}: {message}")

    def feed(self, ln: Line) -> None:
        if ln.raw.strip() == "---":
            self.in_footnotes = True
            return
        if FOOTNOTE.match(ln.raw.strip()):
            self.p.log.repair(self.p.file, ln.number, f"{self.topic.id}: footnote dropped from the text")
            return
        if not ln.text:
            return
        self.in_footnotes = False
        section = section_of(ln)
        if section:
            self.enter(section, ln)
            return
        if self.pending_title_for is not None:
            self.pending_title_for["title"] = ln.text
            self.pending_title_for = None
            self.p.log.repair(self.p.file, ln.number, f"{self.topic.id}: session title on its own heading")
            return
        m = SESSION_HEADING.match(ln.text)
        if m and (ln.heading or ln.raw.lstrip().startswith("**")) and self.section in {"content", "objectives"}:
            self.start_session(ln, m)
            return
        getattr(self, f"read_{self.section}")(ln)

    def enter(self, section: str, ln: Line) -> None:
        if section in self.topic.seen:
            self.warn(ln, f"section '{section}' appears twice; the second is merged into the first")
        self.topic.seen.add(section)
        self.section = section
        self.session = None
        same = SAME_AS.search(ln.text)
        if same:
            self.p.log.note(self.p.file, ln.number,
                            f"{self.topic.id}: '{ln.text}' (the items listed below it are kept)")

    # --- objectives -----------------------------------------------------------------------------
    def read_objectives(self, ln: Line) -> None:
        if ln.bullet and "✓" in ln.raw:  # every outcome in the seed carries the ✓ glyph
            self.drop_lead_in(ln)
            self.topic.outcomes.append(_sentence(ln.text))
            self.last = "outcome"
        elif self.last == "outcome" and ln.raw.lstrip().startswith("*") and not ln.raw.lstrip().startswith("**"):
            # An italic outcome whose bullet the conversion lost (it hangs under the previous one).
            self.topic.outcomes.append(_sentence(ln.text))
            self.p.log.repair(self.p.file, ln.number, f"{self.topic.id}: outcome without its bullet recognised")
        elif ln.text[:1].islower() and self.last == "outcome" and not ln.bullet:
            self.topic.outcomes[-1] += " " + ln.text
        else:
            pm = PART.match(ln.text)
            if pm and ln.heading:
                self.topic.part = self.topic.part or f"Part {pm.group(1)}: {pm.group(2).strip()}"
                return
            if self.topic.summary and ln.text[:1].islower() and self.last == "summary" and not ln.bullet:
                self.topic.summary[-1] += " " + ln.text
                self.p.log.repair(self.p.file, ln.number, f"{self.topic.id}: paragraph split by a page break joined")
            else:
                self.topic.summary.append(f"- {ln.text}" if ln.bullet else ln.text)
            self.last = "summary"

    def drop_lead_in(self, ln: Line) -> None:
        """"Upon completion, participants will be able to:" introduces the outcomes; it is not prose."""
        last = self.topic.summary[-1] if self.topic.summary else ""
        if not self.topic.outcomes and re.search(r":$|\b(participants|will|able to|expected to)$", last):
            self.topic.summary.pop()

    # --- sessions -------------------------------------------------------------------------------
    def start_session(self, ln: Line, m: re.Match) -> None:
        if self.section == "objectives":
            self.section = "content"
            self.warn(ln, "sessions start without an 'Overview of Content' heading")
        label = m.group(1).capitalize()
        number = int(m.group(2))
        self.session = {"number": number, "label": label, "title": m.group(3).strip(), "items": [],
                        "line": ln.number}  # fmt: skip
        self.topic.sessions.append(self.session)
        if not self.session["title"]:
            self.pending_title_for = self.session

    def read_content(self, ln: Line) -> None:
        m = ITEM.match(ln.text)
        pm = PART.match(ln.text)
        if pm and not self.topic.sessions:
            if not self.topic.part or ":" not in self.topic.part:  # "Part 1" from the title is less
                self.topic.part = f"Part {pm.group(1)}: {pm.group(2).strip()}"
            return
        if self.session is None:
            self.warn(ln, f"text outside any session ignored: '{ln.text[:60]}'")
            return
        items = self.session["items"]
        if m:
            items.append(Item(m.group(1), m.group(2).strip()))
            if not ln.bullet:
                self.p.log.repair(self.p.file, ln.number,
                                  f"{self.topic.id}: item '{m.group(1)}.' was not a list item (heading or plain line)")
        elif items and (ln.text[:1].islower() or not ln.bullet):
            items[-1] = Item(items[-1].letter, items[-1].text + " " + ln.text)
            self.p.log.repair(self.p.file, ln.number, f"{self.topic.id}: item text split by a page break joined")
        else:
            items.append(Item("", ln.text))

    # --- lists ----------------------------------------------------------------------------------
    def _list(self, target: list[str], ln: Line) -> None:
        if target and not ln.bullet and ln.text[:1].islower():
            target[-1] += " " + ln.text
        else:
            target.append(ln.text)

    def read_audience(self, ln: Line) -> None:
        self._list(self.topic.audience, ln)

    def read_format(self, ln: Line) -> None:
        self._list(self.topic.format, ln)

    def read_resource_persons(self, ln: Line) -> None:
        self._list(self.topic.resource_persons, ln)

    def read_materials(self, ln: Line) -> None:
        if not self.topic.materials and FORMAT_LIKE.search(ln.text) and "format" not in self.topic.seen:
            self.topic.format.append(ln.text)
            self.p.log.repair(self.p.file, ln.number,
                              f"{self.topic.id}: format/duration listed under 'Training Material' moved to format")
            return
        urls = urls_in(ln.raw)
        text = without_urls(ln.text)
        mats = self.topic.materials
        if mats and not text and urls and mats[-1].url is None:
            mats[-1] = Material(mats[-1].text, urls[0])  # the URL line under "Available at:"
            return
        if mats and not ln.bullet and mats[-1].url is None and text[:1].islower():
            mats[-1] = Material(mats[-1].text + " " + text, urls[0] if urls else None)
            return
        mats.append(Material(text or (urls[0] if urls else ln.text), urls[0] if urls else None))

    def read_links(self, ln: Line) -> None:
        text = re.sub(r"[|]", " ", ln.text).strip()
        text = re.sub(r"\s+", " ", text.lstrip("✳✱ ")).strip()
        if not text:
            return
        m = re.search(r"Module\s+(\d+)", text)
        same_module = re.search(r"(this|current) Module", text, re.I)
        module = int(m.group(1)) if m and not (same_module and text.index("Module") > text.lower().find("topic")) \
            else self.topic.module  # fmt: skip
        if same_module and not re.search(r"Module\s+\d+\s+Topic", text):
            module = self.topic.module
        topics_part = re.search(r"Topics?\s+([\d,\sand]+)", text)
        if not topics_part:
            self.warn(ln, f"link without a topic number ignored: '{text}'")
            return
        numbers = [int(n) for n in re.findall(r"\d+", topics_part.group(1))]
        for n in numbers:
            self.topic.links.append(TopicLink(f"M{module:02d}-T{n:02d}", text))

    def finish(self) -> None:
        if not self.topic.outcomes:
            self.p.log.warn(self.p.file, self.topic.line, f"{self.topic.id}: no learning outcomes found")


def _sentence(text: str) -> str:
    return text.strip().rstrip(".;,") if text.count(".") <= 1 else text.strip()
