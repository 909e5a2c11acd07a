"""content/ on disk -> Catalogue, with every problem reported as ``path:line: message``.

Everything is read and cross-checked before anything is returned (MkDocs-style: read all, then
write), so a build never starts from half-valid content.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import (
    Catalogue,
    Course,
    EmmManual,
    EmmSection,
    EmmVolume,
    Evaluation,
    GcmObjective,
    Item,
    Material,
    Module,
    Outcome,
    Page,
    SdgTarget,
    Session,
    SourceRef,
    TopicLink,
)
from . import layout
from .evaluation import EVALUATION_FILE, EvaluationReader
from .fields import Fields, Problems
from .yamlio import ContentError, read_yaml

COURSE_KEYS = {
    "id", "title", "part", "kind", "module", "topic", "language", "source", "summary", "introduction",
    "outcomes", "sessions", "audience", "format", "resource_persons", "materials", "links", "further_study",
    "methodologies", "benefits_to_participants", "benefits_to_organisation", "action_plan", "features",
    "evaluation",
}  # fmt: skip
MODULE_KEYS = {"id", "number", "title", "source", "introduction", "objectives", "sdg_targets", "gcm_objectives",
               "connected_modules"}  # fmt: skip
LANGUAGES = {"en", "ru", "az", "ar", "fa", "fr", "es"}
OUTCOME_ID = re.compile(r"^O\d+$")
SESSION_ID = re.compile(r"^S\d+[a-z]?$")
MEDIA_REF = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ITEM_LETTER = re.compile(r"^([A-Z])\.\s+(.+)$", re.S)


class Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems = Problems()
        self.evaluation: Evaluation | None = None  # content/evaluation.yaml, the default forms

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def read(self, path: Path):
        try:
            return read_yaml(path, self.rel(path))
        except ContentError as exc:
            self.problems.items.extend(exc.problems)
            return None

    def load(self) -> Catalogue:
        if not self.root.is_dir():
            raise ContentError([f"{self.root}:1: content folder not found"])
        cat_path = self.root / layout.CATALOGUE_FILE
        data = self.read(cat_path) if cat_path.exists() else None
        if not cat_path.exists():
            self.problems.add(self.rel(cat_path), 1, "missing catalogue file (title, language)")
        top = Fields(data or {}, self.rel(cat_path), self.problems, "catalogue", {"title", "language"})
        emm = self.load_emm(self.root / layout.EMM_FILE)
        self.evaluation = self.load_evaluation(self.root / EVALUATION_FILE)
        modules = [self.load_module(p) for p in sorted(self.root.glob(f"{layout.MODULES_DIR}/*/{layout.MODULE_FILE}"))]
        course_files = sorted(self.root.glob(f"{layout.MODULES_DIR}/*/*/{layout.COURSE_FILE}"))
        course_files += sorted(self.root.glob(f"{layout.COURSES_DIR}/*/{layout.COURSE_FILE}"))
        courses = [self.load_course(p) for p in course_files]
        modules = [m for m in modules if m]
        courses = [c for c in courses if c]
        self.cross_check(modules, courses, emm)
        if self.problems:
            raise ContentError(self.problems.items)
        return Catalogue(top.text("title", True), top.text("language", default="en"), tuple(modules),
                         tuple(courses), emm)  # fmt: skip

    # --- files ----------------------------------------------------------------------------------
    def load_emm(self, path: Path) -> EmmManual | None:
        if not path.exists():
            return None
        data = self.read(path)
        if data is None:
            return None
        f = Fields(data, self.rel(path), self.problems, "EMM manual", {"title", "year", "languages", "purpose", "volumes"})
        volumes = []
        for v in f.mappings("volumes", "volume", {"volume", "title", "sections"}, required=True):
            sections = tuple(EmmSection(s.text("number", True), s.text("title", True))
                             for s in v.mappings("sections", "section", {"number", "title"}, required=True))
            volumes.append(EmmVolume(v.integer("volume", True) or 0, v.text("title", True), sections))
        return EmmManual(f.text("title", True), f.integer("year"), f.strings("languages"), f.text("purpose"),
                         tuple(volumes))  # fmt: skip

    def load_module(self, path: Path) -> Module | None:
        data = self.read(path)
        if data is None:
            return None
        f = Fields(data, self.rel(path), self.problems, "module", MODULE_KEYS)
        mid = f.identifier("id")
        if mid and mid != path.parent.name:
            f.problem("id", f"module id '{mid}' does not match its folder '{path.parent.name}'")
        return Module(
            id=mid,
            number=f.integer("number", True, 1, 99) or 0,
            title=f.text("title", True),
            introduction=f.text("introduction"),
            objectives=f.strings("objectives"),
            sdg_targets=tuple(SdgTarget(t.text("target", True), t.text("text", True))
                              for t in f.mappings("sdg_targets", "SDG target", {"target", "text"})),
            gcm_objectives=tuple(GcmObjective(g.integer("objective", True, 1, 23) or 0, g.text("text", True))
                                 for g in f.mappings("gcm_objectives", "GCM objective", {"objective", "text"})),
            connected_modules=f.text("connected_modules"),
            source=_source(f.text("source")),
        )  # fmt: skip

    def load_course(self, path: Path) -> Course | None:
        data = self.read(path)
        if data is None:
            return None
        f = Fields(data, self.rel(path), self.problems, "course", COURSE_KEYS)
        cid = f.identifier("id")
        if cid and cid != path.parent.name:
            f.problem("id", f"course id '{cid}' does not match its folder '{path.parent.name}'")
        kind = f.text("kind", default="topic")
        if kind not in {"topic", "course"}:
            f.problem("kind", f"'kind' must be 'topic' or 'course', found '{kind}'")
        module = f.text("module") or None
        in_module = path.parent.parent.parent.name == layout.MODULES_DIR
        if in_module and module != path.parent.parent.name:
            f.problem("module" if module else None,
                      f"course in folder {path.parent.parent.name}/ must say 'module: {path.parent.parent.name}'")
        language = f.text("language", default="en")
        if language not in LANGUAGES:
            f.problem("language", f"unknown language '{language}' (known: {', '.join(sorted(LANGUAGES))})")
        return Course(
            id=cid,
            title=f.text("title", True),
            kind=kind,
            language=language,
            summary=f.text("summary"),
            outcomes=self.outcomes(f),
            sessions=self.sessions(f),
            audience=f.strings("audience"),
            format=f.strings("format"),
            resource_persons=f.strings("resource_persons"),
            materials=tuple(Material(m.text("text", True), m.text("url") or None)
                            for m in f.mappings("materials", "material", {"text", "url"})),
            links=tuple(TopicLink(x.text("course", True), x.text("text"))
                        for x in f.mappings("links", "link", {"course", "text"})),
            further_study=f.strings("further_study"),
            pages=self.pages(path.parent),
            module=module,
            topic=f.integer("topic", low=1, high=99),
            part=f.text("part") or None,
            introduction=f.text("introduction"),
            methodologies=f.strings("methodologies"),
            benefits_to_participants=f.strings("benefits_to_participants"),
            benefits_to_organisation=f.strings("benefits_to_organisation"),
            action_plan=f.strings("action_plan"),
            features=f.strings("features"),
            source=_source(f.text("source")),
            evaluation=self.course_evaluation(f),
        )  # fmt: skip

    def load_evaluation(self, path: Path) -> Evaluation | None:
        if not path.exists():
            return None
        data = self.read(path)
        if data is None:
            return None
        return EvaluationReader(Fields(data, self.rel(path), self.problems, "evaluation", {"pre", "post"})).read()

    def course_evaluation(self, f: Fields) -> Evaluation | None:
        """The default forms, none (``evaluation: false``), or the default with ``pre``/``post`` replaced."""
        if not f.has("evaluation") or f.data["evaluation"] is True:
            return self.evaluation
        if f.data["evaluation"] is False:
            return None
        fields = Fields(f.data["evaluation"], f.path, self.problems, "evaluation", {"pre", "post"})
        return EvaluationReader(fields).read(self.evaluation)

    def outcomes(self, f: Fields) -> tuple[Outcome, ...]:
        out, seen = [], set()
        for o in f.mappings("outcomes", "outcome", {"id", "text"}, required=f.text("kind") != "course"):
            oid = o.identifier("id", OUTCOME_ID)
            if oid in seen:
                o.problem("id", f"outcome id '{oid}' is used twice")
            seen.add(oid)
            out.append(Outcome(oid, o.text("text", True)))
        return tuple(out)

    def sessions(self, f: Fields) -> tuple[Session, ...]:
        out, seen = [], set()
        keys = {"id", "number", "label", "week", "title", "items"}
        for s in f.mappings("sessions", "session", keys, required=True):
            sid = s.identifier("id", SESSION_ID)
            if sid in seen:
                s.problem("id", f"session id '{sid}' is used twice")
            seen.add(sid)
            raw_items = s.strings("items")
            if not raw_items and not s.has("items"):
                s.problem(None, f"session '{sid}' has no items (add an 'items:' list)")
            elif not raw_items:
                s.problem("items", f"session '{sid}' has no items")
            items = tuple(Item(m.group(1), m.group(2)) if (m := ITEM_LETTER.match(t)) else Item("", t)
                          for t in raw_items)  # fmt: skip
            label = s.text("label", default="Session")
            if label not in {"Session", "Section", "Module"}:
                s.problem("label", f"'label' must be Session, Section or Module, found '{label}'")
            out.append(Session(sid, s.integer("number", True, 0, 99) or 0, s.text("title", True), items,
                               label=label, week=s.integer("week", low=1, high=9)))  # fmt: skip
        return tuple(out)

    def pages(self, folder: Path) -> tuple[Page, ...]:
        pages = []
        for md in sorted(folder.glob("*.md")):
            try:
                text = md.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                self.problems.add(self.rel(md), 1, "not UTF-8 text; save the file as UTF-8")
                continue
            if not text.strip():
                self.problems.add(self.rel(md), 1, "page is empty")
                continue
            first = text.lstrip().splitlines()[0]
            title = first.lstrip("#").strip() if first.startswith("#") else md.stem.replace("-", " ").title()
            body = text.lstrip()[len(first):].lstrip("\n") if first.startswith("#") else text
            pages.append(Page(md.stem, title, body, self.media(md, text)))
        return tuple(pages)

    def media(self, md: Path, text: str) -> tuple[tuple[str, Path], ...]:
        """Local files a page shows or links (``![alt](media/map.png)``), checked to exist inside content/."""
        found = []
        root = self.root.resolve()
        for number, line in enumerate(text.splitlines(), 1):
            for ref in MEDIA_REF.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", ref, re.I):
                    if ref.startswith("/"):
                        self.problems.add(self.rel(md), number, f"'{ref}': use a path relative to the page")
                    continue
                target = (md.parent / ref).resolve()
                if ".." in Path(ref).parts or not target.is_relative_to(root):
                    self.problems.add(self.rel(md), number, f"'{ref}' points outside content/ (path traversal "
                                      "or a symlink leaving the folder)")  # fmt: skip
                elif not target.is_file():
                    self.problems.add(self.rel(md), number, f"'{ref}': file not found")
                else:
                    found.append((ref, target))
        return tuple(dict.fromkeys(found))

    # --- across files ---------------------------------------------------------------------------
    def cross_check(self, modules: list[Module], courses: list[Course], emm: EmmManual | None) -> None:
        seen: dict[str, Course] = {}
        module_ids = {m.id for m in modules}
        for c in courses:
            where = self.where(c)
            if c.id in seen:
                self.problems.add(where, 1, f"course id '{c.id}' is also used by {self.where(seen[c.id])}")
            seen[c.id] = c
            if c.module and c.module not in module_ids:
                self.problems.add(where, 1, f"module '{c.module}' does not exist")
        for c in courses:
            for link in c.links:
                if link.course not in seen:
                    self.problems.add(self.where(c), self.line_in(c, link.course),
                                      f"link to unknown course '{link.course}'")
            for number in c.further_study:
                if emm is None or emm.section(number) is None:
                    self.problems.add(self.where(c), self.line_in(c, number),
                                      f"further_study names EMM section '{number}', which does not exist")

    def where(self, c: Course) -> str:
        return self.rel(layout.course_dir(self.root, c.id, c.module) / layout.COURSE_FILE)

    def line_in(self, c: Course, needle: str) -> int:
        """Line of the first occurrence of a value in the course file (for cross-file problems)."""
        path = layout.course_dir(self.root, c.id, c.module) / layout.COURSE_FILE
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return n
        return 1


def _source(text: str) -> SourceRef | None:
    if ":" not in text:
        return None
    file, _, line = text.rpartition(":")
    return SourceRef(file, int(line)) if line.isdigit() else None


def load_catalogue(root: Path) -> Catalogue:
    return Loader(root).load()
