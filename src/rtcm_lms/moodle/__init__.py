"""Moodle web-service access: the REST client and its typed errors."""

from rtcm_lms.moodle.client import READ_ONLY, Client, encode_params, is_read_only
from rtcm_lms.moodle.errors import (
    AccessDenied,
    InvalidParameter,
    InvalidToken,
    MoodleError,
    NotFound,
    NotJSON,
    SiteMaintenance,
    TransportError,
    UploadRejected,
)

__all__ = [
    "READ_ONLY",
    "AccessDenied",
    "Client",
    "InvalidParameter",
    "InvalidToken",
    "MoodleError",
    "NotFound",
    "NotJSON",
    "SiteMaintenance",
    "TransportError",
    "UploadRejected",
    "encode_params",
    "is_read_only",
]
