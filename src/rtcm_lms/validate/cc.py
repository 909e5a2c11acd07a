"""Common Cartridge-only checks: rooted-hierarchy organizations and resource files vs their XSDs."""

from __future__ import annotations

from lxml import etree

from .archive import Package
from .checks import ManifestView
from .hrefs import HrefRefused, manifest_href_to_path
from .manifest import CC11, read_xml_entry, xsd_validate
from .report import Report

_QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}questestinterop"

# resource type -> (schema set, expected root element of its descriptor file)
RESOURCE_SCHEMAS = {
    CC11.name: {
        "imswl_xmlv1p1": ("cc11_weblink", "{http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1}webLink"),
        "imsqti_xmlv1p2/imscc_xmlv1p1/assessment": ("cc11_qti", _QTI),
        "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank": ("cc11_qti", _QTI),
        "imsdt_xmlv1p1": ("cc11_discussion", "{http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1}topic"),
        "imsbasiclti_xmlv1p0": (
            "cc11_lti", "{http://www.imsglobal.org/xsd/imslticc_v1p0}cartridge_basiclti_link"),
    },
    "cc13": {  # one compiled schema validates every CC 1.3 file; the root element tells the type
        "imswl_xmlv1p3": ("cc13", "{http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3}webLink"),
        "imsqti_xmlv1p2/imscc_xmlv1p3/assessment": ("cc13", _QTI),
        "imsqti_xmlv1p2/imscc_xmlv1p3/question-bank": ("cc13", _QTI),
        "imsdt_xmlv1p3": ("cc13", "{http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3}topic"),
        "imsbasiclti_xmlv1p3": (
            "cc13", "{http://www.imsglobal.org/xsd/imslticc_v1p3}cartridge_basiclti_link"),
    },
}


def check_structure(view: ManifestView, report: Report) -> None:
    """Moodle's importer (and the CC profile) accept only structure="rooted-hierarchy"."""
    for org in view.organizations():
        structure = org.get("structure")
        if structure != "rooted-hierarchy":
            report.error(view.where, org.sourceline,
                         f"organization {org.get('identifier')!r} has structure={structure!r}; "
                         f"{view.kind.title} requires structure=\"rooted-hierarchy\"")


def _descriptor(view: ManifestView, resource) -> str | None:
    """The resource's XML descriptor: its first <file>, as a package path."""
    first = resource.find(view.q("file"))
    if first is None or first.get("href") is None:
        return None
    try:
        return manifest_href_to_path(first.get("href"), view.resource_base(resource))
    except HrefRefused:
        return None  # reported by the href check


def check_resource_files(view: ManifestView, pkg: Package, report: Report) -> None:
    """Validate each web link, QTI, discussion and LTI descriptor against its own schema."""
    table = RESOURCE_SCHEMAS[view.kind.name]
    for resource in view.iter("resource"):
        rtype = resource.get("type", "")
        if rtype not in table:
            continue
        path = _descriptor(view, resource)
        if path is None or path not in pkg.names:
            continue  # no file (CC 1.3 may embed the XML) or a missing one, reported elsewhere
        schema_name, root_tag = table[rtype]
        where = pkg.label(path)
        root = read_xml_entry(pkg, path, report)
        if root is None:
            continue
        if root.tag != root_tag:
            expected = etree.QName(root_tag)
            report.error(where, root.sourceline,
                         f"resource {resource.get('identifier')!r} has type {rtype!r}, so this file's root "
                         f"must be <{expected.localname}> in {expected.namespace}, not {root.tag}")
            continue
        xsd_validate(root, schema_name, where, report)
