"""IMS Common Cartridge 1.3, for LMSs that import it (Canvas, Brightspace, Sakai and others)."""

from __future__ import annotations

from .cc_common import CartridgeBuilder, Profile

CC13 = Profile(
    schemaversion="1.3.0",
    ns={
        "cp": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
        "cp_xsd": "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
        "lom_manifest": "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest",
        "lom_manifest_xsd": "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd",
        "lom_resource": "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource",
        "lom_resource_xsd": "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomresource_v1p0.xsd",
        "weblink": "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3",
        "weblink_xsd": "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imswl_v1p3.xsd",
    },
    weblink_type="imswl_xmlv1p3",
    version_in_lom=True,
    assessment_type="imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
)


class Cc13Builder(CartridgeBuilder):
    name = "cc13"
    suffix = ".cc13.imscc"
    profile = CC13
