"""Semantic checks every kind of package shares: identifiers, references, hrefs, file lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .archive import Package
from .hrefs import HrefRefused, manifest_href_to_path
from .manifest import MANIFEST, NS_XML, Kind
from .report import Report

# Strings PHP's loose `==` treats as numbers ("1e2" == "100"); Moodle compares SCORM
# identifiers that way, so two such ids can collide. Hex and binary literals are refused too.
_NUMERIC = re.compile(
    r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$|^\s*0[xX][0-9a-fA-F]+\s*$|^\s*0[bB][01]+\s*$"
)
_NOT_LISTED_SUFFIXES = (".xsd", ".dtd")  # schema files shipped beside the manifest


def looks_numeric(identifier: str) -> bool:
    return bool(_NUMERIC.match(identifier))


@dataclass
class ManifestView:
    """The parts of a manifest the checks need, looked up once."""

    root: etree._Element
    kind: Kind
    where: str  # label of imsmanifest.xml for problems
    resources: dict[str, etree._Element] = field(default_factory=dict)

    def q(self, local: str) -> str:
        return f"{{{self.kind.cp_ns}}}{local}"

    def iter(self, local: str) -> Iterator[etree._Element]:
        return self.root.iter(self.q(local))

    def organizations(self) -> list[etree._Element]:
        return list(self.iter("organization"))

    def resource_base(self, resource: etree._Element) -> str:
        """xml:base of manifest, resources and resource, joined: hrefs are relative to it."""
        parts = [self.root, resource.getparent(), resource]
        return "".join(el.get(f"{{{NS_XML}}}base", "") for el in parts if el is not None)


def check_identifiers(view: ManifestView, report: Report) -> None:
    seen: dict[str, int | None] = {}
    for local in ("manifest", "organization", "item", "resource"):
        for el in view.iter(local):
            ident = el.get("identifier")
            if ident is None:
                continue
            if ident in seen:
                report.error(view.where, el.sourceline,
                             f"identifier {ident!r} is already used on line {seen[ident]}")
            else:
                seen[ident] = el.sourceline
            if looks_numeric(ident):
                report.error(view.where, el.sourceline,
                             f"{local} identifier {ident!r} looks numeric; Moodle compares identifiers "
                             "with PHP's loose ==, so use one that starts with a letter")
            if local == "resource":
                view.resources.setdefault(ident, el)


def check_references(view: ManifestView, report: Report) -> None:
    """identifierrefs of items and dependencies, organizations/@default, leaf-only launch."""
    for item in view.iter("item"):
        ref = item.get("identifierref")
        ident = item.get("identifier")
        if ref is not None and ref not in view.resources:
            report.error(view.where, item.sourceline,
                         f"item {ident!r} identifierref {ref!r} matches no resource")
        if ref is not None and item.find(view.q("item")) is not None:
            message = f"item {ident!r} has child items and an identifierref; only leaf items may launch"
            if view.kind.is_scorm:
                report.error(view.where, item.sourceline, message)
            else:
                report.warning(view.where, item.sourceline, message)
    for dep in view.iter("dependency"):
        ref = dep.get("identifierref")
        if ref is not None and ref not in view.resources:
            owner = dep.getparent().get("identifier")
            report.error(view.where, dep.sourceline,
                         f"resource {owner!r} dependency {ref!r} matches no resource")
    orgs = view.root.find(view.q("organizations"))
    default = orgs.get("default") if orgs is not None else None
    if default is not None and default not in {o.get("identifier") for o in view.organizations()}:
        report.error(view.where, orgs.sourceline,
                     f"organizations default {default!r} matches no organization")


def _missing(pkg: Package, path: str) -> str:
    """'no such file' plus a hint when only the letter case differs (servers are case-sensitive)."""
    twin = next((n for n in pkg.names if n.casefold() == path.casefold()), None)
    hint = f" (the package has {twin!r}: names are case-sensitive)" if twin else ""
    return f"no such file in the package{hint}"


def check_hrefs(view: ManifestView, pkg: Package, report: Report) -> set[str]:
    """Every resource href and file href names a file in the package; returns the files listed."""
    listed: set[str] = set()
    for resource in view.iter("resource"):
        rid = resource.get("identifier")
        base = view.resource_base(resource)
        refs = [(resource, "href")] + [(f, "file") for f in resource.iter(view.q("file"))]
        for el, what in refs:
            href = el.get("href")
            if href is None:
                continue
            try:
                path = manifest_href_to_path(href, base)
            except HrefRefused as why:
                report.error(view.where, el.sourceline, f"resource {rid!r} {what} {href!r} {why}")
                continue
            listed.add(path)
            if path not in pkg.names:
                report.error(view.where, el.sourceline,
                             f"resource {rid!r} {what} {href!r}: {_missing(pkg, path)}")
    return listed


def check_listing(view: ManifestView, pkg: Package, listed: set[str], report: Report) -> None:
    """Every file in the package belongs to some resource (SCORM: error, CC: warning)."""
    add = report.error if view.kind.is_scorm else report.warning
    for name in sorted(pkg.names - listed):
        if name == MANIFEST or name.lower().endswith(_NOT_LISTED_SUFFIXES):
            continue
        add(pkg.label(name), None, "file is not listed by any resource in imsmanifest.xml")
