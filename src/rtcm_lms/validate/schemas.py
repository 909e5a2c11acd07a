"""Find the shared XSD folder and compile each schema set once, offline.

The folder is ``$RTCM_SCHEMAS_DIR`` if set, else the first ``shared/schemas`` found beside
the repository or the current directory or any of their parents (the repository lives at
``<workspace>/main`` with ``<workspace>/shared`` beside it). Loading follows
``shared/schemas/README.md``: ``no_network=True`` and a resolver that serves remote
``schemaLocation``s from the set's own files, so nothing is ever fetched.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ENV_VAR = "RTCM_SCHEMAS_DIR"

# name -> entry point, relative to the schema folder.
SCHEMA_SETS: dict[str, str] = {
    "scorm12": "scorm12/scorm12libxml2validator.xsd",
    "scorm2004_4th": "scorm2004_4th/scorm2004libxml2validator.xsd",
    "cc11": "cc11/cc11libxml2validator.xsd",
    "cc11_qti": "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    "cc11_weblink": "cc11/ccv1p1_imswl_v1p1.xsd",
    "cc11_discussion": "cc11/ccv1p1_imsdt_v1p1.xsd",
    "cc11_lti": "cc11/imslticc_v1p0p1.xsd",
    "cc13": "cc13/cc13libxml2validator_offline.xsd",  # manifest and every CC 1.3 resource file
}

_MARKER = SCHEMA_SETS["scorm12"]  # a file that proves a folder is the schema folder
_REPO_ROOT = Path(__file__).resolve().parents[3]  # src/rtcm_lms/validate/schemas.py -> repo


class SchemasNotFound(FileNotFoundError):
    """The XSD folder is missing: an installation problem, not a problem of the package."""


@dataclass(frozen=True)
class Schema:
    name: str
    entry: str  # entry point relative to the schema folder, for reports
    xsd: etree.XMLSchema


class LocalXSD(etree.Resolver):
    """Serve remote (http/https) schemaLocations from the set's own files, matched by file name."""

    def __init__(self, root: Path):
        super().__init__()
        self.files = {p.name: p for p in root.rglob("*.xsd")}

    def resolve(self, url, pubid, context):
        if "://" in url and not url.startswith("file:"):
            local = self.files.get(url.rsplit("/", 1)[-1])
            if local:
                return self.resolve_filename(str(local), context)
        return None  # anything else: libxml2's default; no_network=True forbids fetching


def _candidates() -> list[Path]:
    seen: list[Path] = []
    for start in (_REPO_ROOT, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            for candidate in (folder / "shared" / "schemas", folder.parent / "shared" / "schemas"):
                if candidate not in seen:
                    seen.append(candidate)
    return seen


def schemas_dir() -> Path:
    """The schema folder, or SchemasNotFound saying where it was looked for."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        folder = Path(configured).expanduser().resolve()
        if not (folder / _MARKER).is_file():
            raise SchemasNotFound(f"{ENV_VAR}={configured} is not the schema folder (no {_MARKER} in it)")
        return folder
    candidates = _candidates()
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    raise SchemasNotFound(
        f"no XSD schema folder found: set {ENV_VAR}, or keep shared/schemas beside the repository "
        f"(looked in {', '.join(str(c) for c in candidates[:4])}, ...)"
    )


@functools.cache
def _compile(folder: Path, name: str) -> Schema:
    entry = folder / SCHEMA_SETS[name]
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalXSD(entry.parent))
    return Schema(name, SCHEMA_SETS[name], etree.XMLSchema(etree.parse(str(entry), parser)))


def load(name: str) -> Schema:
    """The compiled schema set ``name`` (a key of SCHEMA_SETS), compiled once per folder."""
    if name not in SCHEMA_SETS:
        raise KeyError(f"unknown schema set {name!r}; known: {', '.join(SCHEMA_SETS)}")
    return _compile(schemas_dir(), name)
