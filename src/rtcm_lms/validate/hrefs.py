"""Turn hrefs (URI references) into package paths, refusing anything that leaves the package."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class HrefRefused(ValueError):
    """The href cannot name a file inside the package; the message says why."""


def _split_path(href: str) -> str:
    """The path part of a URI reference: no query, no fragment."""
    return re.split(r"[?#]", href, maxsplit=1)[0]


def is_external(ref: str) -> bool:
    """True for URLs with a scheme (http:, data:, javascript:, ...) or protocol-relative ones."""
    return bool(_SCHEME.match(ref)) or ref.startswith("//")


def _refuse_traversal(path: str) -> None:
    if ".." in path.split("/"):
        raise HrefRefused("contains '..'")
    # Servers and unzip tools may decode once or twice: check what each decoding would name.
    once = unquote(path)
    for decoded in (once, unquote(once)):
        if "\\" in decoded or ".." in decoded.split("/"):
            raise HrefRefused("contains URL-encoded traversal ('%2e%2e', '%2f' or '%5c')")


def manifest_href_to_path(href: str, base: str = "") -> str:
    """The package path a manifest href (with its xml:base prefix) names.

    Manifest hrefs must stay inside the package and may not use '..' at all (the
    content packaging specs forbid it, and LMS unpackers disagree about resolving it).
    """
    href = href.strip()
    if not href:
        raise HrefRefused("is empty")
    full = base + href
    if "\\" in full:
        raise HrefRefused("contains a backslash")
    if is_external(full):
        raise HrefRefused("is an absolute URL; files must be inside the package")
    if full.startswith("/"):
        raise HrefRefused("is an absolute path")
    path = _split_path(full)
    _refuse_traversal(path)
    path = posixpath.normpath(unquote(path))
    if path in (".", ""):
        raise HrefRefused("names no file")
    return path


def relative_ref_to_path(ref: str, from_dir: str) -> str | None:
    """The package path an HTML src/href names, relative to the folder of its page.

    None for references that are not files of the package (external URLs, fragments,
    empty). '..' is fine while the result stays inside the package.
    """
    ref = ref.strip()
    if not ref or ref.startswith("#") or is_external(ref):
        return None
    if "\\" in ref:
        raise HrefRefused("contains a backslash")
    if ref.startswith("/"):
        raise HrefRefused("is an absolute path")
    path = _split_path(ref)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(from_dir, unquote(path)))
    if joined == ".." or joined.startswith("../"):
        raise HrefRefused("points outside the package")
    return joined
