"""Typed errors for Moodle web-service calls.

Moodle answers most failures with HTTP 200 and a JSON body carrying `exception`, `errorcode` and
`message` (REST) or `error` and `errorcode` (/webservice/upload.php). `error_from_payload` maps
those onto the classes below, each with a message that says what to do about it.

No text here ever contains the token: the client redacts every string it builds an error from.
"""

from __future__ import annotations

SERVICE_HINT = "Site administration > Server > Web services > External services"


class MoodleError(Exception):
    """A web-service call failed. `function` is the WS function (or "upload")."""

    hint = ""

    def __init__(self, function: str, errorcode: str, message: str, *, debuginfo: str = "") -> None:
        self.function = function
        self.errorcode = errorcode
        self.message = message
        self.debuginfo = debuginfo
        super().__init__(function, errorcode, message)

    def __str__(self) -> str:
        text = f"{self.function}: {self.message} [{self.errorcode}]"
        if self.debuginfo:
            text += f" ({_one_line(self.debuginfo)})"
        return f"{text}. {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.function!r}, {self.errorcode!r}, {self.message!r})"


class InvalidToken(MoodleError):
    hint = (
        "The token is unknown, expired or revoked: issue a new one for the rtcm_lms service "
        f"({SERVICE_HINT} > Manage tokens) and set RTCM_MOODLE_TOKEN."
    )


class AccessDenied(MoodleError):
    """The token may not call this function: not in the service, or a capability is missing."""

    def __init__(self, function: str, errorcode: str, message: str, *, debuginfo: str = "",
                 service: str = "rtcm_lms") -> None:
        super().__init__(function, errorcode, message, debuginfo=debuginfo)
        if errorcode == "nopermissions":
            self.hint = (f"The token's user lacks a capability that {function} needs: give that user a role "
                         "with it in the course or category, or use a token of a manager.")
        elif errorcode == "invalidrecord":
            self.hint = (f"This Moodle has no function {function}: check its spelling, or install/upgrade "
                         "the plugin that provides it (local_rtcmlms for local_rtcmlms_* functions).")
        else:
            self.hint = (f"Add the function {function} to the external service '{service}' ({SERVICE_HINT} "
                         "> Functions), and check that web services and the REST protocol are enabled.")


class InvalidParameter(MoodleError, ValueError):
    hint = "Moodle rejected a parameter; debuginfo names it. This is a bug in the caller, not the site."


class NotFound(MoodleError):
    hint = "The record does not exist on this site (deleted, or an id from another site?)."


class SiteMaintenance(MoodleError):
    hint = "The site is in maintenance mode or upgrading: wait for it to finish, then retry."


class NotJSON(MoodleError):
    """The answer was not the JSON Moodle's web services produce."""

    hint = (
        "Check the site URL (it must be Moodle's root, without /login or /webservice), that web services "
        "and the REST protocol are enabled, and that no proxy or login page sits in front of the site."
    )


class UploadRejected(MoodleError):
    hint = "Moodle refused the file: see the message (size limit, or the name already exists in that itemid)."


class TransportError(MoodleError):
    """The HTTP exchange itself failed (connection, timeout, TLS, or an HTTP error status)."""

    hint = "Check that the site is up and reachable; read-only calls were already retried."


_ACCESS_CODES = {"accessexception", "nopermissions", "requireloginerror", "forcepasswordchangenotice",
                 "usernotconfirmed", "wsaccessusersuspended", "wsaccessusernologin", "servicenotavailable"}
_NOT_FOUND_CODES = {"invalidrecord", "invalidrecordunknown", "unknowncategory", "invalidcourseid",
                    "coursenotexist", "invalidcoursemodule", "invaliduser", "invalidcategoryid",
                    "coursenotfound", "draftfilemissing"}  # the last two: local_rtcmlms
# local_rtcmlms refuses input it cannot deploy with these codes.
_REJECTED_CODES = {"invalidpackage", "invalidquestionfile", "missingidnumber", "invalidsetting", "passgraderequired",
                   "idnumberinuse", "wrongcontext", "draftfiletoomany"}


def error_from_payload(function: str, payload: dict, *, service: str = "rtcm_lms") -> MoodleError:
    """Builds the typed error for a Moodle error body (REST or upload.php format)."""
    code = str(payload.get("errorcode") or payload.get("exception") or "unknown")
    message = str(payload.get("message") or payload.get("error") or "no message")
    debuginfo = str(payload.get("debuginfo") or "").strip()
    exception = str(payload.get("exception") or "")
    if code == "invalidtoken" or (code == "accessexception" and "Invalid token" in debuginfo + message):
        return InvalidToken(function, code, message, debuginfo=debuginfo)
    if code == "sitemaintenance" or "maintenance" in code:
        return SiteMaintenance(function, code, message, debuginfo=debuginfo)
    # An unknown function name surfaces as a missing row in external_functions.
    if code == "invalidrecord" and "external_functions" in message:
        return AccessDenied(function, code, message, debuginfo=debuginfo, service=service)
    if code in _ACCESS_CODES or exception in {"webservice_access_exception", "required_capability_exception"}:
        return AccessDenied(function, code, message, debuginfo=debuginfo, service=service)
    if code == "invalidparameter" or exception == "invalid_parameter_exception" or code in _REJECTED_CODES:
        return InvalidParameter(function, code, message, debuginfo=debuginfo)
    if code in _NOT_FOUND_CODES or exception == "dml_missing_record_exception":
        return NotFound(function, code, message, debuginfo=debuginfo)
    return MoodleError(function, code, message, debuginfo=debuginfo)


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
