"""SCORM-only checks: something to launch, scores in range, metadata files present."""

from __future__ import annotations

from .archive import Package
from .checks import ManifestView
from .hrefs import HrefRefused, manifest_href_to_path
from .manifest import NS_ADLCP12, NS_ADLCP13, NS_IMSSS, SCORM12
from .report import Report


def _scorm_type(view: ManifestView, resource) -> str | None:
    if view.kind is SCORM12:
        return resource.get(f"{{{NS_ADLCP12}}}scormtype")
    return resource.get(f"{{{NS_ADLCP13}}}scormType")


def check_launch(view: ManifestView, report: Report) -> None:
    """At least one item launches a SCO; every launched resource has an href."""
    orgs = view.organizations()
    orgs_el = view.root.find(view.q("organizations"))
    line = orgs_el.sourceline if orgs_el is not None else view.root.sourceline
    if not orgs:
        report.error(view.where, line, "no <organization>: an LMS has nothing to show or launch")
        return
    if orgs_el is not None and orgs_el.get("default") is None:
        report.warning(view.where, line, "organizations has no default; LMSs then pick the first")
    has_sco = False
    for item in view.iter("item"):
        resource = view.resources.get(item.get("identifierref", ""))
        if resource is None:
            continue  # no reference (a folder item) or a dangling one, reported elsewhere
        rid = resource.get("identifier")
        if resource.get("href") is None:
            report.error(view.where, item.sourceline,
                         f"item {item.get('identifier')!r} launches resource {rid!r}, which has no href")
            continue
        has_sco = has_sco or _scorm_type(view, resource) == "sco"
    if not has_sco:
        attr = "adlcp:scormtype" if view.kind is SCORM12 else "adlcp:scormType"
        report.error(view.where, line, f"no item launches a SCO (a resource with {attr}=\"sco\" and an href)")


def _check_range(view: ManifestView, report: Report, tag: str, name: str, low: float, high: float) -> None:
    for el in view.root.iter(tag):
        text = (el.text or "").strip()
        try:
            value = float(text)
        except ValueError:
            report.error(view.where, el.sourceline, f"{name} {text!r} is not a number")
            continue
        if not low <= value <= high:
            report.error(view.where, el.sourceline, f"{name} {text} is outside {low:g} to {high:g}")


def check_scores(view: ManifestView, report: Report) -> None:
    if view.kind is SCORM12:
        _check_range(view, report, f"{{{NS_ADLCP12}}}masteryscore", "adlcp:masteryscore", 0, 100)
    else:
        _check_range(view, report, f"{{{NS_IMSSS}}}minNormalizedMeasure", "imsss:minNormalizedMeasure", -1, 1)


def check_metadata_files(view: ManifestView, pkg: Package, report: Report) -> set[str]:
    """External metadata files (<adlcp:location>) exist; they count as listed."""
    ns = NS_ADLCP12 if view.kind is SCORM12 else NS_ADLCP13
    found: set[str] = set()
    for el in view.root.iter(f"{{{ns}}}location"):
        href = (el.text or "").strip()
        try:
            path = manifest_href_to_path(href)
        except HrefRefused as why:
            report.error(view.where, el.sourceline, f"adlcp:location {href!r} {why}")
            continue
        found.add(path)
        if path not in pkg.names:
            report.error(view.where, el.sourceline, f"adlcp:location {href!r}: no such file in the package")
    return found
