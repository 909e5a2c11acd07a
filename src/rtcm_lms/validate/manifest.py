"""Parse imsmanifest.xml safely, tell which kind of package it is, and XSD-validate XML."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import schemas
from .archive import EntryError, Package
from .report import Report

MANIFEST = "imsmanifest.xml"
MAX_XSD_PROBLEMS = 50  # per file: past that the rest is noise

NS_XML = "http://www.w3.org/XML/1998/namespace"
NS_ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_ADLCP13 = "http://www.adlnet.org/xsd/adlcp_v1p3"
NS_IMSSS = "http://www.imsglobal.org/xsd/imsss"


@dataclass(frozen=True)
class Kind:
    name: str  # what Report.kind says
    title: str
    cp_ns: str  # namespace of manifest, organizations, items, resources
    schema: str  # schemas.SCHEMA_SETS key for the manifest
    is_scorm: bool


SCORM12 = Kind("scorm12", "SCORM 1.2", "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm12", True)
SCORM2004 = Kind("scorm2004", "SCORM 2004 4th Edition", "http://www.imsglobal.org/xsd/imscp_v1p1",
                 "scorm2004_4th", True)
CC11 = Kind("cc11", "IMS Common Cartridge 1.1", "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
            "cc11", False)
CC13 = Kind("cc13", "IMS Common Cartridge 1.3", "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
            "cc13", False)
KINDS = {k.cp_ns: k for k in (SCORM12, SCORM2004, CC11, CC13)}

UNSUPPORTED = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "IMS Common Cartridge 1.0",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "IMS Common Cartridge 1.2",
}


def safe_parser() -> etree.XMLParser:
    """No network, no external entities, no DTD loading: the file may be hostile."""
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)


def parse_xml(data: bytes, where: str, report: Report) -> etree._Element | None:
    """The root element, or None with the syntax error reported at its line."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        report.error(where, exc.lineno or None, f"not well-formed XML: {exc.msg}")
        return None


def read_xml_entry(pkg: Package, name: str, report: Report) -> etree._Element | None:
    """The root element of one XML entry of a package, or None with the problem reported."""
    where = pkg.label(name)
    try:
        data = pkg.read(name)
    except EntryError as exc:
        report.error(where, None, str(exc))
        return None
    return parse_xml(data, where, report)


def detect_kind(root: etree._Element, where: str, report: Report) -> Kind | None:
    """The kind of package the manifest declares, from its namespaces and schemaversion."""
    qname = etree.QName(root)
    if qname.localname != "manifest":
        report.error(where, root.sourceline, f"root element is <{qname.localname}>, not <manifest>")
        return None
    ns = qname.namespace or ""
    if ns in UNSUPPORTED:
        report.error(where, root.sourceline, f"{UNSUPPORTED[ns]} is not supported (only SCORM 1.2, "
                     "SCORM 2004 4th Edition, IMS CC 1.1 and 1.3)")
        return None
    kind = KINDS.get(ns)
    if kind is None:
        report.error(where, root.sourceline, f"unknown manifest namespace {ns!r}: not SCORM 1.2/2004 "
                     "or IMS CC 1.1/1.3")
        return None
    version = root.findtext(f"{{{ns}}}metadata/{{{ns}}}schemaversion")
    declared = set(root.nsmap.values())
    if kind is SCORM12 and NS_ADLCP12 not in declared:
        report.warning(where, root.sourceline, f"no {NS_ADLCP12} namespace: an IMS content package, "
                       "not SCORM 1.2")
    if kind is SCORM2004:
        if NS_ADLCP13 not in declared:
            report.warning(where, root.sourceline, f"no {NS_ADLCP13} namespace: an IMS content package, "
                           "not SCORM 2004")
        if version is not None and version.strip() != "2004 4th Edition":
            report.warning(where, root.sourceline, f"schemaversion {version.strip()!r}: checked against "
                           "the SCORM 2004 4th Edition schemas")
    return kind


def xsd_validate(root: etree._Element, schema_name: str, where: str, report: Report) -> None:
    """Validate against a compiled schema set; each libxml2 error becomes a problem at its line."""
    schema = schemas.load(schema_name)
    report.schemas[where] = schema.entry
    if schema.xsd.validate(root.getroottree()):
        return
    errors = [e for e in schema.xsd.error_log if e.level >= etree.ErrorLevels.ERROR]
    for err in errors[:MAX_XSD_PROBLEMS]:
        report.error(where, err.line or None, err.message)
    if len(errors) > MAX_XSD_PROBLEMS:
        report.error(where, None, f"... and {len(errors) - MAX_XSD_PROBLEMS} more XSD errors")
