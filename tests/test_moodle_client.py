"""The Moodle client against fake servers on 127.0.0.1: encoding, error typing, retries, redaction."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rtcm_lms.moodle import (
    AccessDenied,
    Client,
    InvalidParameter,
    InvalidToken,
    MoodleError,
    NotFound,
    NotJSON,
    SiteMaintenance,
    TransportError,
    UploadRejected,
    encode_params,
)

TOKEN = "f00dfacef00dfacef00dfacef00dface"
REST = "/webservice/rest/server.php"
UPLOAD = "/webservice/upload.php"
LOGIN_PAGE = """<!DOCTYPE html><html><head><title>Log in to the site</title></head>
<body><form action="http://127.0.0.1/login/index.php" method="post" id="login"></form></body></html>"""


@pytest.fixture(scope="module")
def running_server() -> Iterator[HTTPServer]:
    # Threaded, so that a handler left sleeping (timeout tests) does not hold up the retries.
    httpserver = HTTPServer(host="127.0.0.1", threaded=True)
    httpserver.start()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def server(running_server: HTTPServer) -> Iterator[HTTPServer]:
    yield running_server
    running_server.check_handler_errors()
    running_server.clear()


@pytest.fixture
def client(server: HTTPServer) -> Iterator[Client]:
    with Client(server.url_for("/"), TOKEN, timeout=(2, 2), retries=2, backoff=0) as moodle:
        yield moodle


def rest_requests(server: HTTPServer) -> list[Request]:
    return [request for request, _ in server.log if request.path == REST]


def test_nested_params_use_moodle_array_encoding():
    pairs = encode_params({
        "courses": [{"fullname": "Intro", "courseformatoptions": [{"name": "numsections", "value": 3}]}],
        "options": {"visible": True, "hidden": False},
        "optional": None,
    })

    assert pairs == [
        ("courses[0][fullname]", "Intro"),
        ("courses[0][courseformatoptions][0][name]", "numsections"),
        ("courses[0][courseformatoptions][0][value]", "3"),
        ("options[visible]", "1"),
        ("options[hidden]", "0"),
    ]


def test_call_posts_the_function_in_the_url_and_the_token_only_in_the_body(server, client):
    server.expect_request(REST, method="POST").respond_with_json([{"id": 7, "shortname": "c1"}])

    result = client.call("core_course_create_courses", courses=[{"fullname": "Intro", "categoryid": 2}])

    assert result == [{"id": 7, "shortname": "c1"}]
    [request] = rest_requests(server)
    assert request.args.to_dict() == {
        "wsfunction": "core_course_create_courses", "moodlewsrestformat": "json",
    }
    assert request.form.to_dict() == {
        "wstoken": TOKEN, "courses[0][fullname]": "Intro", "courses[0][categoryid]": "2",
    }
    assert TOKEN not in request.url


def test_void_function_returns_none(server, client):
    server.expect_request(REST).respond_with_data("null", content_type="application/json")

    assert client.call("core_course_update_categories", categories=[{"id": 3, "name": "x"}]) is None


def test_503_then_success_is_retried_for_a_read(server, client):
    server.expect_ordered_request(REST).respond_with_data("busy", status=503)
    server.expect_ordered_request(REST).respond_with_json({"courses": []})

    assert client.call("core_course_get_courses_by_field", field="idnumber", value="M01") == {"courses": []}
    assert len(rest_requests(server)) == 2


def test_503_is_not_retried_for_a_write(server, client):
    server.expect_request(REST).respond_with_data("busy", status=503)

    with pytest.raises(TransportError) as raised:
        client.call("core_course_create_courses", courses=[{"fullname": "Intro"}])

    assert raised.value.errorcode == "http503"
    assert len(rest_requests(server)) == 1


def test_a_write_marked_idempotent_is_retried(server, client):
    server.expect_ordered_request(REST).respond_with_data("bad gateway", status=502)
    server.expect_ordered_request(REST).respond_with_data("null", content_type="application/json")

    client.call("core_course_update_courses", idempotent=True, courses=[{"id": 3, "fullname": "x"}])

    assert len(rest_requests(server)) == 2


def test_persistent_503_on_a_read_gives_up_after_the_retries(server, client):
    server.expect_request(REST).respond_with_data("busy", status=503)

    with pytest.raises(TransportError, match="HTTP 503"):
        client.site_info()

    assert len(rest_requests(server)) == 1 + client.retries


def slow_handler(arrivals: list[float], release: threading.Event):
    def handle(request: Request) -> Response:
        arrivals.append(time.monotonic())
        release.wait(5)  # bounded: the test releases it as soon as it is done
        return Response("null", content_type="application/json")
    return handle


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize(("function", "attempts"), [
    ("core_course_get_contents", 3),  # read: first try + 2 retries
    ("core_course_delete_courses", 1),  # write: once
])
def test_read_timeout_is_retried_only_for_reads(server, function, attempts):
    arrivals: list[float] = []
    release = threading.Event()
    server.expect_request(REST).respond_with_handler(slow_handler(arrivals, release))

    with Client(server.url_for("/"), TOKEN, timeout=(2, 0.2), retries=2, backoff=0) as moodle:
        try:
            with pytest.raises(TransportError) as raised:
                moodle.call(function, courseid=1)
        finally:
            release.set()
            wait_until(lambda: len(server.log) == len(arrivals))  # let the handlers finish before clear()

    assert raised.value.errorcode == "ReadTimeout"
    assert len(arrivals) == attempts
    assert TOKEN not in str(raised.value)


def test_malformed_json_raises_not_json_without_retry(server, client):
    server.expect_request(REST).respond_with_data('{"courses": [', content_type="application/json")

    with pytest.raises(NotJSON) as raised:
        client.call("core_course_get_courses_by_field", field="id", value=1)

    assert raised.value.errorcode == "malformedjson"
    assert '{"courses": [' in str(raised.value)
    assert len(rest_requests(server)) == 1


def test_html_login_page_instead_of_json_says_so(server, client):
    server.expect_request(REST).respond_with_data(LOGIN_PAGE, content_type="text/html")

    with pytest.raises(NotJSON) as raised:
        client.site_info()

    assert raised.value.errorcode == "loginpage"
    assert "login page" in str(raised.value)
    assert "Check the site URL" in str(raised.value)


def test_maintenance_answers_are_typed(server, client):
    server.expect_ordered_request(REST).respond_with_json(
        moodle_error("moodle_exception", "sitemaintenance", "Site is being upgraded"))
    server.expect_ordered_request(REST).respond_with_data(
        "<html><body>This site is undergoing maintenance</body></html>", status=503, content_type="text/html")

    with pytest.raises(SiteMaintenance):
        client.call("core_course_create_courses", courses=[])
    with pytest.raises(SiteMaintenance):
        client.call("core_course_delete_courses", courseids=[1])


def moodle_error(exception: str, errorcode: str, message: str, debuginfo: str = "") -> dict:
    return {"exception": exception, "errorcode": errorcode, "message": message, "debuginfo": debuginfo}


def test_revoked_token_raises_invalid_token(server, client):
    server.expect_request(REST).respond_with_json(
        moodle_error("moodle_exception", "invalidtoken", "Invalid token - token not found"))

    with pytest.raises(InvalidToken) as raised:
        client.site_info()

    assert "issue a new one for the rtcm_lms service" in str(raised.value)
    assert len(rest_requests(server)) == 1


def test_missing_capability_names_the_function(server, client):
    server.expect_request(REST).respond_with_json(moodle_error(
        "required_capability_exception", "nopermissions",
        "Sorry, but you do not currently have permissions to do that (Create courses).",
        "moodle/course:create"))

    with pytest.raises(AccessDenied) as raised:
        client.call("core_course_create_courses", courses=[{"fullname": "x"}])

    text = str(raised.value)
    assert "moodle/course:create" in text
    assert "lacks a capability that core_course_create_courses needs" in text


def test_function_missing_from_the_service_says_where_to_add_it(server, client):
    server.expect_request(REST).respond_with_json(moodle_error(
        "webservice_access_exception", "accessexception", "Access control exception",
        "Access to the function local_rtcmlms_upsert_scorm() is not allowed."))

    with pytest.raises(AccessDenied) as raised:
        client.call("local_rtcmlms_upsert_scorm", courseid=2)

    expected = "Add the function local_rtcmlms_upsert_scorm to the external service 'rtcm_lms'"
    assert expected in str(raised.value)


@pytest.mark.parametrize(("payload", "expected"), [
    (moodle_error("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected"),
     InvalidParameter),
    (moodle_error("dml_missing_record_exception", "invalidrecord",
                  "Can't find data record in database table course."), NotFound),
    (moodle_error("dml_missing_record_exception", "invalidrecord",
                  "Can't find data record in database table external_functions."), AccessDenied),
    (moodle_error("moodle_exception", "somethingelse", "Something else"), MoodleError),
])
def test_error_codes_map_to_types(server, client, payload, expected):
    server.expect_request(REST).respond_with_json(payload)

    with pytest.raises(MoodleError) as raised:
        client.call("core_course_get_contents", courseid=99)

    assert type(raised.value) is expected
    assert raised.value.function == "core_course_get_contents"
    assert raised.value.errorcode == payload["errorcode"]


def test_token_is_redacted_from_errors_reprs_and_logs(server, client, caplog):
    caplog.set_level(logging.DEBUG)
    server.expect_request(REST).respond_with_json(moodle_error(
        "moodle_exception", "invalidtoken", f"Invalid token {TOKEN}",
        f"SELECT * FROM token WHERE token = '{TOKEN}'"))

    with pytest.raises(InvalidToken) as raised:
        client.site_info()

    assert "Invalid token ***" in str(raised.value)
    everything = str(raised.value) + repr(raised.value) + repr(client) + caplog.text
    assert TOKEN not in everything


def test_upload_streams_a_multipart_body_with_content_length(server, client):
    content = bytes(range(256)) * 1024  # 256 KiB
    received: dict[str, object] = {}

    def handle(request: Request) -> Response:
        upload = request.files["file_1"]
        received.update(form=request.form.to_dict(), name=upload.filename, data=upload.read(),
                        length=request.headers.get("Content-Length"),
                        chunked=request.headers.get("Transfer-Encoding"))
        return Response(json.dumps([{"itemid": 42, "filename": upload.filename, "filesize": len(content)}]))

    server.expect_request(UPLOAD, method="POST").respond_with_handler(handle)

    record = client.upload(BlockReader(content), "pkg.zip", itemid=42)

    assert record == {"itemid": 42, "filename": "pkg.zip", "filesize": len(content)}
    assert received["form"] == {"token": TOKEN, "itemid": "42", "filepath": "/"}
    assert (received["name"], received["data"]) == ("pkg.zip", content)
    assert received["length"] is not None and received["chunked"] is None
    [(request, _)] = server.log
    assert request.query_string == b""  # the token is not in the URL


class BlockReader(io.BytesIO):
    """A file that fails if anyone reads it whole instead of block by block."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 < size <= 1 << 16, f"read({size}) would load the whole file"
        return super().read(size)


def test_upload_rejected_by_moodle_raises(server, client, tmp_path):
    path = tmp_path / "pkg.zip"
    path.write_bytes(b"zip")
    server.expect_request(UPLOAD).respond_with_json(
        [{"filename": "pkg.zip", "errortype": "filenameexist", "error": "File name already exists: pkg.zip"}])

    with pytest.raises(UploadRejected) as raised:
        client.upload(path, itemid=5)

    assert raised.value.errorcode == "filenameexist"


def test_upload_with_revoked_token_uses_the_upload_error_format(server, client):
    server.expect_request(UPLOAD).respond_with_json(
        {"error": "Invalid token - token not found", "errorcode": "invalidtoken", "debuginfo": ""})

    with pytest.raises(InvalidToken):
        client.upload(io.BytesIO(b"x"), "a.txt")


class ResettingServer:
    """A raw socket server on 127.0.0.1 that resets the first `resets` connections mid-body
    and answers later ones with `reply`; it records how many body bytes each connection sent."""

    def __init__(self, resets: int, reply: bytes) -> None:
        self.resets, self.reply = resets, reply
        self.received: list[int] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(5)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        for _ in range(4):  # bounded: no test needs more connections
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                if len(self.received) < self.resets:
                    self.received.append(len(conn.recv(1024)))
                    # SO_LINGER 0: close() sends RST instead of FIN, as a crashing proxy would.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    continue
                self.received.append(self.read_request(conn))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n%s" % (len(self.reply), self.reply))

    @staticmethod
    def read_request(conn: socket.socket) -> int:
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        head, body = data.split(b"\r\n\r\n", 1)
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        while len(body) < length:
            body += conn.recv(65536)
        return len(body)

    def close(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(5)


@pytest.mark.parametrize(("idempotent", "connections"), [(False, 1), (True, 2)])
def test_connection_reset_mid_upload_is_retried_only_when_idempotent(idempotent, connections):
    content = b"x" * (4 << 20)  # large enough that the reset lands while the body is being sent
    fake = ResettingServer(resets=1, reply=b'[{"itemid": 9, "filename": "big.zip"}]')
    try:
        with Client(f"http://127.0.0.1:{fake.port}", TOKEN, timeout=(2, 5), retries=2, backoff=0) as moodle:
            if idempotent:
                assert moodle.upload(io.BytesIO(content), "big.zip", idempotent=True)["itemid"] == 9
            else:
                with pytest.raises(TransportError) as raised:
                    moodle.upload(io.BytesIO(content), "big.zip")
                assert "not retried" in str(raised.value)
                assert TOKEN not in str(raised.value) + repr(raised.value)
    finally:
        fake.close()

    assert len(fake.received) == connections
    if idempotent:  # the retry rewound the file and sent all of it again
        assert fake.received[1] > len(content)


def test_client_refuses_a_url_without_scheme_and_an_empty_token():
    with pytest.raises(ValueError, match="http:// or https://"):
        Client("moodle.example/", TOKEN)
    with pytest.raises(ValueError, match="RTCM_MOODLE_TOKEN"):
        Client("https://moodle.example", "")


def test_push_names_the_plugin_functions_an_older_plugin_lacks():
    from rtcm_lms.moodle.deploy import PLUGIN_FUNCTIONS, Deployer
    from rtcm_lms.moodle.desired import DesiredState

    class FakeClient:
        def functions(self):
            return set(PLUGIN_FUNCTIONS[:3])

    deployer = Deployer(FakeClient(), DesiredState("1.0.0", (), ()))
    assert not deployer.has_plugin
    assert "older than required" in deployer.plugin_problem and PLUGIN_FUNCTIONS[3] in deployer.plugin_problem
