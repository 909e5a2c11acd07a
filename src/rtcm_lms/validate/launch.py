"""A launch page must parse as HTML and every local file it loads or links must exist."""

from __future__ import annotations

import posixpath

import lxml.html
from lxml import etree

from .archive import EntryError, Package
from .hrefs import HrefRefused, relative_ref_to_path
from .report import Report

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# (attribute, elements it names a file on); `href` only where a browser fetches or navigates.
_REF_ATTRIBUTES = {
    "src": None,  # any element: script, img, iframe, audio, video, source, track, embed, input
    "href": {"a", "link", "area"},
    "poster": {"video"},
    "data": {"object"},
}


def is_html(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


def check_page(pkg: Package, path: str, report: Report) -> None:
    where = pkg.label(path)
    try:
        data = pkg.read(path)
    except EntryError as exc:
        report.error(where, None, f"launch page {exc}")
        return
    try:
        doc = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        report.error(where, None, f"launch page does not parse as HTML ({exc})")
        return
    from_dir = posixpath.dirname(path)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        for attr, tags in _REF_ATTRIBUTES.items():
            ref = el.get(attr)
            if ref is None or (tags is not None and el.tag not in tags):
                continue
            try:
                target = relative_ref_to_path(ref, from_dir)
            except HrefRefused as why:
                report.error(where, el.sourceline, f"<{el.tag} {attr}={ref!r}> {why}")
                continue
            if target is not None and not _exists(pkg, target):
                report.error(where, el.sourceline, f"<{el.tag} {attr}={ref!r}> names {target!r}, "
                             "which is not in the package")


def _exists(pkg: Package, target: str) -> bool:
    """A file, or a folder (a link to 'sub/' is served as the folder's index)."""
    return target in pkg.names or any(n.startswith(target + "/") for n in pkg.names)
