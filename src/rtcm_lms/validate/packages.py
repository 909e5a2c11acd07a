"""validate_package: XSD and semantic validation of any SCORM or Common Cartridge package."""

from __future__ import annotations

import os
from pathlib import Path

from . import cc, scorm
from .archive import Package, open_package
from .checks import ManifestView, check_hrefs, check_identifiers, check_listing, check_references
from .hrefs import HrefRefused, manifest_href_to_path
from .launch import check_page, is_html
from .manifest import MANIFEST, detect_kind, read_xml_entry, xsd_validate
from .report import Report


def validate_package(path: str | os.PathLike[str]) -> Report:
    """Validate a package: a ``.zip``/``.imscc`` file or an unpacked folder.

    Problems in the package (including a corrupt or hostile zip) are reported, never raised.
    Raises :class:`~rtcm_lms.validate.schemas.SchemasNotFound` if the XSD folder is missing.
    """
    source = Path(path)
    report = Report(package=str(source))
    pkg = open_package(source, report)
    if pkg is None:
        return report
    try:
        _validate(pkg, report)
    finally:
        pkg.close()
    return report


def _validate(pkg: Package, report: Report) -> None:
    if MANIFEST not in pkg.names:
        nested = sorted(n for n in pkg.names if n.endswith("/" + MANIFEST))
        hint = f" (found {nested[0]!r}: zip the folder's contents, not the folder)" if nested else ""
        report.error(pkg.label_root, None, f"no {MANIFEST} at the root of the package{hint}")
        return
    where = pkg.label(MANIFEST)
    root = read_xml_entry(pkg, MANIFEST, report)
    if root is None:
        return
    kind = detect_kind(root, where, report)
    if kind is None:
        return
    report.kind = kind.name
    xsd_validate(root, kind.schema, where, report)

    view = ManifestView(root, kind, where)
    check_identifiers(view, report)
    check_references(view, report)
    listed = check_hrefs(view, pkg, report)
    if kind.is_scorm:
        scorm.check_launch(view, report)
        scorm.check_scores(view, report)
        listed |= scorm.check_metadata_files(view, pkg, report)
    else:
        cc.check_structure(view, report)
        cc.check_resource_files(view, pkg, report)
    check_listing(view, pkg, listed, report)
    for page in _launch_pages(view):
        if is_html(page) and page in pkg.names:
            check_page(pkg, page, report)


def _launch_pages(view: ManifestView) -> list[str]:
    """Files that items launch (resource hrefs), each once, in manifest order."""
    pages: dict[str, None] = {}
    for item in view.iter("item"):
        resource = view.resources.get(item.get("identifierref", ""))
        if resource is None or resource.get("href") is None:
            continue
        try:
            pages[manifest_href_to_path(resource.get("href"), view.resource_base(resource))] = None
        except HrefRefused:
            continue  # reported by the href check
    return list(pages)
