"""IMS Common Cartridge 1.1: the version Moodle's course restore imports (it reads CC 1.0/1.1 only)."""

from __future__ import annotations

from .cc_common import CartridgeBuilder, Profile

CC11 = Profile(
    schemaversion="1.1.0",
    ns={
        "cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
        "cp_xsd": "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
        "lom_manifest": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
        "lom_manifest_xsd": "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd",
        "lom_resource": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource",
        "lom_resource_xsd": "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd",
        "weblink": "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1",
        "weblink_xsd": "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd",
    },
    weblink_type="imswl_xmlv1p1",
    version_in_lom=False,
    assessment_type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
)


class Cc11Builder(CartridgeBuilder):
    name = "cc11"
    suffix = ".cc11.imscc"
    profile = CC11
