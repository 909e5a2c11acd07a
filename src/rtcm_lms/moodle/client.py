"""A thin, typed client for Moodle's REST web services.

One `Client` owns one `requests.Session`. The token travels only in request bodies (never in a URL,
where proxies and access logs would keep it) and is redacted from every error and log line.
Only calls that are safe to repeat are retried: read-only functions, or calls the caller marks
`idempotent=True`. Writes such as `core_course_create_courses` are sent once.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import requests

from rtcm_lms import __version__
from rtcm_lms.moodle.errors import (
    MoodleError,
    NotJSON,
    SiteMaintenance,
    TransportError,
    UploadRejected,
    error_from_payload,
)

log = logging.getLogger(__name__)

REST_PATH = "/webservice/rest/server.php"
UPLOAD_PATH = "/webservice/upload.php"
RETRY_STATUSES = frozenset({502, 503, 504})

# Read-only functions whose names do not contain "_get_" (those are read-only by Moodle's convention).
READ_ONLY = frozenset({
    "core_course_search_courses",
    "core_course_check_updates",
    "core_enrol_search_users",
    "core_user_search_identity",
})


def is_read_only(function: str) -> bool:
    """True for functions that change nothing, so that repeating them is harmless."""
    return function in READ_ONLY or "_get_" in function


def encode_params(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flattens nested dicts and lists into Moodle's form encoding: courses[0][fullname]=...

    None means "leave the optional parameter out"; booleans become 1/0 as PHP expects.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs.extend(encode_params(value, name))
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            pairs.extend(encode_params(dict(enumerate(value)), name))
        elif isinstance(value, bool):
            pairs.append((name, "1" if value else "0"))
        else:
            pairs.append((name, str(value)))
    return pairs


class Client:
    """Calls web-service functions on one Moodle site with one token.

    `timeout` is (connect, read) seconds. `ca_bundle` is a PEM file used instead of the default
    trust store (for a site signed by a private CA); TLS verification is never switched off.
    `retries` is how often a safe call is repeated after a connection error, a timeout or a
    502/503/504, waiting `backoff` * 2**n seconds plus jitter in between.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float | tuple[float, float] = (10.0, 120.0),
        ca_bundle: str | os.PathLike[str] | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        service: str = "rtcm_lms",
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"Moodle URL must start with http:// or https://, got {url!r}")
        if not token:
            raise ValueError("Moodle token is empty: set RTCM_MOODLE_TOKEN")
        self.url = url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.service = service
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": f"rtcm-lms/{__version__}", "Accept": "application/json"})
        if ca_bundle is not None:
            self._session.verify = os.fspath(ca_bundle)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:
        return f"Client(url={self.url!r}, token='***')"

    # -- web-service calls -------------------------------------------------------------------

    def call(self, function: str, /, *, idempotent: bool | None = None, **params: Any) -> Any:
        """Calls one WS function and returns its decoded JSON result (None for void functions).

        `idempotent` overrides the read-only guess that decides whether the call may be retried.
        """
        safe = is_read_only(function) if idempotent is None else idempotent
        # The function name goes in the URL so that access logs show what was called.
        query = {"wsfunction": function, "moodlewsrestformat": "json"}
        form = [("wstoken", self._token), *encode_params(params)]

        def send() -> requests.Response:
            return self._session.post(self.url + REST_PATH, params=query, data=form, timeout=self.timeout)

        return self._decode(function, self._send(function, send, safe=safe))

    def upload(
        self,
        source: str | os.PathLike[str] | IO[bytes],
        filename: str | None = None,
        itemid: int = 0,
        *,
        filepath: str = "/",
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Streams one file into the token user's draft area and returns Moodle's record of it.

        The result's `itemid` names the draft area to hand to the function that uses the file.
        The file is read in blocks while it is sent, never as a whole. Uploads are not retried
        unless `idempotent=True`: after a lost answer, a repeat lands in a new draft area
        (itemid=0; Moodle's cron purges the orphan) or is refused as `filenameexist` (itemid>0).
        """
        if filename is None:
            if isinstance(source, str | os.PathLike):
                filename = Path(source).name
            else:
                raise ValueError("upload() needs a filename when given a file object")
        fields = {"token": self._token, "itemid": str(itemid), "filepath": filepath}
        with _open_binary(source) as stream:
            start = stream.tell()

            def send() -> requests.Response:
                stream.seek(start)
                body = MultipartBody(fields, "file_1", filename, stream)
                return self._session.post(
                    self.url + UPLOAD_PATH, data=body, timeout=self.timeout,
                    headers={"Content-Type": body.content_type},
                )

            result = self._decode("upload", self._send("upload", send, safe=idempotent))
        if not isinstance(result, list) or len(result) != 1 or not isinstance(result[0], dict):
            answer = self._redact(repr(result)[:200])
            raise NotJSON("upload", "unexpectedresponse", f"upload.php answered {answer}")
        record = result[0]
        if record.get("error"):
            raise UploadRejected("upload", str(record.get("errortype", "uploaderror")),
                                 self._redact(str(record["error"])))
        return record

    # -- small typed helpers -----------------------------------------------------------------

    def site_info(self) -> dict[str, Any]:
        return self.call("core_webservice_get_site_info")

    def functions(self) -> set[str]:
        """Names of the functions this token may call."""
        return {f["name"] for f in self.site_info().get("functions", [])}

    def get_courses_by_idnumber(self, *idnumbers: str) -> dict[str, dict[str, Any]]:
        """Courses keyed by idnumber; idnumbers with no course are absent."""
        found: dict[str, dict[str, Any]] = {}
        for idnumber in idnumbers:
            result = self.call("core_course_get_courses_by_field", field="idnumber", value=idnumber)
            for course in result.get("courses", []):
                found[course["idnumber"]] = course
        return found

    def get_categories_by_idnumber(self, *idnumbers: str) -> dict[str, dict[str, Any]]:
        """Course categories keyed by idnumber; idnumbers with no category are absent."""
        found: dict[str, dict[str, Any]] = {}
        for idnumber in idnumbers:
            criteria = [{"key": "idnumber", "value": idnumber}]
            for category in self.call("core_course_get_categories", criteria=criteria, addsubcategories=0):
                found[category["idnumber"]] = category
        return found

    # -- transport ---------------------------------------------------------------------------

    def _send(self, function: str, send: Callable[[], requests.Response], *, safe: bool) -> requests.Response:
        attempts = 1 + (max(self.retries, 0) if safe else 0)
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            try:
                response = send()
            except requests.exceptions.SSLError as exc:
                raise TransportError(function, "tls", self._redact(
                    f"TLS verification failed: {exc}. Pass ca_bundle= for a site signed by a private CA"
                )) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                log.warning("%s: %s on attempt %d/%d", function, type(exc).__name__, attempt, attempts)
                if attempt == attempts:
                    raise TransportError(function, type(exc).__name__, self._redact(str(exc)) + (
                        "" if safe else " (not retried: the call may change data)")) from None
            except requests.RequestException as exc:
                raise TransportError(function, type(exc).__name__, self._redact(str(exc))) from None
            else:
                log.debug("%s: HTTP %d in %.2fs", function, response.status_code, time.monotonic() - started)
                if response.status_code not in RETRY_STATUSES or attempt == attempts:
                    return response
                log.warning("%s: HTTP %d on attempt %d/%d", function, response.status_code, attempt, attempts)
                response.close()
            time.sleep(self._delay(attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _delay(self, attempt: int) -> float:
        base = self.backoff * 2 ** (attempt - 1)
        return base + random.uniform(0, base)

    def _decode(self, function: str, response: requests.Response) -> Any:
        text = response.text
        if response.status_code != 200:
            if response.status_code == 503 and "maintenance" in text.lower():
                raise SiteMaintenance(function, "http503", "the site answered with its maintenance page")
            raise TransportError(function, f"http{response.status_code}", self._redact(
                f"HTTP {response.status_code} {response.reason} from {response.url}"))
        try:
            payload = response.json()
        except ValueError:
            raise self._not_json(function, text) from None
        # REST errors carry "exception", upload.php errors "error" and "errorcode"; a PHP Error thrown
        # inside a function comes back with "exception" and "message" only.
        is_error = isinstance(payload, dict) and (
            ("exception" in payload and "message" in payload) or ("error" in payload and "errorcode" in payload))
        if is_error:
            clean = {key: self._redact(str(value)) for key, value in payload.items() if value is not None}
            raise error_from_payload(function, clean, service=self.service)
        return payload

    def _not_json(self, function: str, text: str) -> MoodleError:
        head = text.lstrip()[:2000].lower()
        if head.startswith(("<!doctype", "<html")) or "<body" in head:
            if "maintenance" in head:
                return SiteMaintenance(function, "maintenancepage", "the site answered its maintenance page")
            if "login/index.php" in head or 'id="login"' in head:
                return NotJSON(function, "loginpage",
                               "Moodle answered with its login page instead of JSON")
            return NotJSON(function, "htmlpage", "the site answered with an HTML page instead of JSON")
        snippet = self._redact(" ".join(text.split())[:120]) or "an empty body"
        return NotJSON(function, "malformedjson", f"the answer is not valid JSON: {snippet!r}")

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***")


class MultipartBody:
    """A multipart/form-data body read block by block, so a large file is never held in memory.

    `requests` with `files=` would read the whole file into one bytes object first. An object with
    `read()` and `__len__` (and no `__iter__`) is instead sent as it is read, with a Content-Length
    header rather than chunked encoding, which PHP's built-in server and some proxies handle badly.
    """

    def __init__(self, fields: Mapping[str, str], file_field: str, filename: str, stream: IO[bytes]) -> None:
        boundary = "rtcm-lms-" + secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{_quote(filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        self._length = len(head) + _remaining(stream) + len(tail)
        self._parts: Iterator[IO[bytes]] = iter([io.BytesIO(head), stream, io.BytesIO(tail)])
        self._current: IO[bytes] | None = next(self._parts)

    def __len__(self) -> int:
        return self._length

    def read(self, size: int | None = -1) -> bytes:
        block = size if size and size > 0 else 1 << 16
        while self._current is not None:
            data = self._current.read(block)
            if data:
                return data
            self._current = next(self._parts, None)
        return b""


def _open_binary(source: str | os.PathLike[str] | IO[bytes]) -> contextlib.AbstractContextManager[IO[bytes]]:
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller's with-block
    if not source.seekable():
        raise ValueError("upload() needs a seekable binary file object (its length goes in Content-Length)")
    return contextlib.nullcontext(source)  # the caller's file stays open


def _remaining(stream: IO[bytes]) -> int:
    position = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(position)
    return end - position


def _quote(filename: str) -> str:
    # Quotes and line breaks would end the header early; PHP reads the UTF-8 bytes as they are.
    return filename.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")
