"""A stateful fake Moodle on 127.0.0.1 (pytest-httpserver) for push fault tests.

It implements just the web-service functions the Deployer calls — site info, categories and courses
(get/create/update), course contents, section names (core_update_inplace_editable), /webservice/upload.php
and the four local_rtcmlms functions — with Moodle's answers, error formats and uniqueness rules
(an idnumber or a shortname is never given twice). Every request is logged, and faults can be
injected on the n-th call of a function:

- ``reset``: the connection is shut before anything is processed (the client sees a reset or a
  closed connection while it sends the body);
- ``timeout``: the call is processed, then the answer is held back past the client's read timeout;
- ``503``: HTTP 503, nothing processed;
- ``error``: a Moodle error (dml_write_exception), nothing processed;
- ``revoke``: the token is revoked just before the call (every later call is refused too);
- ``malformed``: the call is processed and its JSON answer cut in half;
- ``login``: Moodle's HTML login page (as behind an SSO proxy), nothing processed.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

REST = "/webservice/rest/server.php"
UPLOAD = "/webservice/upload.php"
PLUGIN_FUNCTIONS = ("local_rtcmlms_upsert_scorm", "local_rtcmlms_import_questions",
                    "local_rtcmlms_get_deployment", "local_rtcmlms_set_deployment")  # fmt: skip
CORE_FUNCTIONS = ("core_webservice_get_site_info", "core_course_get_categories", "core_course_create_categories",
                  "core_course_update_categories", "core_course_get_courses_by_field", "core_course_create_courses",
                  "core_course_update_courses", "core_course_get_contents", "core_update_inplace_editable",
                  "mod_scorm_get_scorms_by_courses")  # fmt: skip
# What a request carries: its parameters, the token, and the work the function does.
Parsed = tuple[dict, str, Callable[[], Any]]
FAULTS = {"reset", "timeout", "503", "error", "revoke", "malformed", "login"}
LOGIN_PAGE = """<!DOCTYPE html><html><head><title>Log in to the site</title></head>
<body><form action="http://127.0.0.1/login/index.php" method="post" id="login"></form></body></html>"""


class MoodleException(Exception):
    """Raised by a fake function; answered in Moodle's REST error format."""

    def __init__(self, errorcode: str, message: str, exception: str = "moodle_exception") -> None:
        super().__init__(message)
        self.payload = {"exception": exception, "errorcode": errorcode, "message": message}


@dataclass
class Fault:
    kind: str
    function: str  # a WS function, or "upload"
    nth: int = 1  # the n-th call of that function (counted over the fake's whole life) triggers it
    times: int = 1  # how many calls in a row it hits


@dataclass
class Call:
    function: str  # a WS function, or "upload"
    params: dict
    fault: str = ""  # the fault this call met, if any


@dataclass
class Course:
    id: int
    fields: dict
    sections: list[dict] = field(default_factory=list)


def decode_params(pairs: list[tuple[str, str]]) -> dict:
    """Moodle's form encoding back to nested values: courses[0][fullname]=x -> {"courses": [{"fullname": "x"}]}."""
    root: dict = {}
    for name, value in pairs:
        keys = re.findall(r"[^\[\]]+", name)
        node = root
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    values = {k: _lists(v) for k, v in node.items()}
    if values and all(k.isdigit() for k in values):
        return [values[k] for k in sorted(values, key=int)]
    return values


class FakeMoodle:
    """The site's state, its request log and its faults. ``url`` is the site root."""

    def __init__(self, server: HTTPServer, token: str, *, plugin: bool = True) -> None:
        self.server = server
        self.tokens = {token}
        self.functions = list(CORE_FUNCTIONS) + (list(PLUGIN_FUNCTIONS) if plugin else [])
        self.categories: dict[int, dict] = {}
        self.courses: dict[int, Course] = {}
        self.scorms: dict[int, dict] = {}  # cmid -> activity
        self.questions: dict[int, dict[str, set[str]]] = {}  # course id -> category path -> question idnumbers
        self.deployments: dict[int, dict] = {}
        self.drafts: dict[int, tuple[str, bytes]] = {}
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.held = threading.Event()  # set on close: answers held back by "timeout" are let go
        self._lock = threading.Lock()
        self._ids = iter(range(100, 1_000_000))
        server.expect_request(REST, method="POST").respond_with_handler(self._rest)
        server.expect_request(UPLOAD, method="POST").respond_with_handler(self._upload)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    # -- test API --------------------------------------------------------------------------------

    def inject(self, kind: str, function: str, nth: int = 1, times: int = 1) -> None:
        assert kind in FAULTS, kind
        self.faults.append(Fault(kind, function, nth, times))

    def issue_token(self, token: str) -> None:
        self.tokens.add(token)

    def called(self, function: str, **match: Any) -> list[Call]:
        """Calls of ``function`` whose params contain ``match`` (dotted paths such as courses.0.idnumber)."""
        return [c for c in self.calls if c.function == function and all(
            _dig(c.params, path) == value for path, value in _dotted(match).items())]

    def course_by_idnumber(self, idnumber: str) -> list[Course]:
        return [c for c in self.courses.values() if c.fields["idnumber"] == idnumber]

    def close(self) -> None:
        self.held.set()

    # -- transport and faults --------------------------------------------------------------------

    def _rest(self, request: Request) -> Response:
        function = request.args.get("wsfunction", "")

        def parse() -> Parsed:
            params = decode_params(list(request.form.items(multi=True)))
            token = params.pop("wstoken", "")
            return params, token, lambda: self._dispatch(function, params)

        return self._serve(request, function, parse)

    def _upload(self, request: Request) -> Response:
        def parse() -> Parsed:
            upload = request.files.get("file_1")
            params = {"itemid": int(request.form.get("itemid", 0)), "filename": upload.filename if upload else ""}
            data = upload.read() if upload else b""
            return params, request.form.get("token", ""), lambda: self._store_draft(params, data)

        return self._serve(request, "upload", parse)

    def _serve(self, request: Request, function: str, parse: Callable[[], Parsed]) -> Response:
        """Applies the fault due for this call, else runs the function; the body is read only when needed."""
        with self._lock:
            fault = self._fault_for(function)
            if fault == "reset":  # before the body is read: the client is still sending it
                self.calls.append(Call(function, {}, fault))
                return self._reset(request)
            params, token, work = parse()
            self.calls.append(Call(function, params, fault))
            if fault == "revoke":
                self.tokens.discard(token)
            if fault == "503":
                return Response("Service Unavailable", status=503, content_type="text/html")
            if fault == "login":
                return Response(LOGIN_PAGE, content_type="text/html")
            if fault == "error":
                return _json({"exception": "dml_write_exception", "errorcode": "dmlwriteexception",
                              "message": "Error writing to database"})  # fmt: skip
            if token not in self.tokens:
                return _json(_invalid_token(function))
            try:
                answer = work()
            except MoodleException as exc:
                return _json(exc.payload)
        body = json.dumps(answer)
        if fault == "malformed":
            return Response(body[: max(1, len(body) // 2)], content_type="application/json")
        if fault == "timeout":
            self.held.wait(10)  # bounded; the client gave up long before
        return Response(body, content_type="application/json")

    def _fault_for(self, function: str) -> str:
        count = sum(1 for c in self.calls if c.function == function) + 1
        for fault in self.faults:
            if fault.function == function and fault.nth <= count < fault.nth + fault.times:
                return fault.kind
        return ""

    @staticmethod
    def _reset(request: Request) -> Response:
        """Shuts the connection without reading the body: the client's send or read fails."""
        conn: socket.socket = request.environ["werkzeug.socket"]
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.shutdown(socket.SHUT_RDWR)
        return Response("", status=500)  # never arrives: werkzeug drops it on the closed socket

    # -- functions -------------------------------------------------------------------------------

    def _dispatch(self, function: str, params: dict) -> Any:
        if function not in self.functions:
            raise MoodleException("accessexception", "Access control exception", "webservice_access_exception")
        return getattr(self, "_" + function)(**params)

    def _core_webservice_get_site_info(self) -> dict:
        return {"sitename": "Fake Moodle", "username": "admin", "release": "4.3 (fake)", "version": "2023100900",
                "functions": [{"name": f, "version": "2023100900"} for f in self.functions]}  # fmt: skip

    def _core_course_get_categories(self, criteria: list | None = None, addsubcategories: str = "1") -> list:
        wanted = {c["key"]: c["value"] for c in criteria or []}
        return [dict(c) for c in self.categories.values() if all(str(c.get(k)) == v for k, v in wanted.items())]

    def _core_course_create_categories(self, categories: list) -> list:
        created = []
        for cat in categories:
            if any(c["idnumber"] == cat.get("idnumber") for c in self.categories.values()):
                raise MoodleException("categoryidnumbertaken", "ID number is already used for another category")
            parent = int(cat.get("parent", 0))
            if parent and parent not in self.categories:
                raise MoodleException("invalidcategoryid", "Invalid category id", "dml_missing_record_exception")
            cid = next(self._ids)
            depth = self.categories[parent]["depth"] + 1 if parent else 1
            self.categories[cid] = {"id": cid, "name": cat["name"], "idnumber": cat.get("idnumber", ""),
                                    "description": cat.get("description", ""), "parent": parent, "depth": depth}
            created.append({"id": cid, "name": cat["name"]})
        return created

    def _core_course_update_categories(self, categories: list) -> None:
        for cat in categories:
            self.categories[int(cat["id"])].update({k: v for k, v in cat.items() if k in {"name", "description"}})

    def _core_course_get_courses_by_field(self, field: str = "", value: str = "") -> dict:
        found = [c for c in self.courses.values() if str(c.id if field == "id" else c.fields.get(field)) == value]
        return {"courses": [self._course_record(c) for c in found], "warnings": []}

    def _course_record(self, course: Course) -> dict:
        return {"id": course.id, **course.fields, "displayname": course.fields["fullname"],
                "courseformatoptions": [{"name": "numsections", "value": len(course.sections) - 1}]}  # fmt: skip

    def _core_course_create_courses(self, courses: list) -> list:
        created = []
        for fields in courses:
            self._check_unique(fields, None)
            if int(fields["categoryid"]) not in self.categories:
                raise MoodleException("invalidcategoryid", "Invalid category id", "dml_missing_record_exception")
            cid = next(self._ids)
            kept = {k: fields.get(k, "") for k in ("fullname", "shortname", "idnumber", "summary", "format")}
            course = Course(cid, {**kept, "categoryid": int(fields["categoryid"])})
            self._grow_sections(course, int(fields.get("numsections", 4)))
            self.courses[cid] = course
            created.append({"id": cid, "shortname": fields["shortname"]})
        return created

    def _check_unique(self, fields: dict, own_id: int | None) -> None:
        others = [c for c in self.courses.values() if c.id != own_id]
        if "shortname" in fields and any(c.fields["shortname"] == fields["shortname"] for c in others):
            raise MoodleException("shortnametaken", f"Short name is already used ({fields['shortname']})")
        if fields.get("idnumber") and any(c.fields["idnumber"] == fields["idnumber"] for c in others):
            raise MoodleException("courseidnumbertaken", f"ID number is already used ({fields['idnumber']})")

    def _grow_sections(self, course: Course, numsections: int) -> None:
        while len(course.sections) <= numsections:
            course.sections.append({"id": next(self._ids), "section": len(course.sections), "name": None})

    def _core_course_update_courses(self, courses: list) -> dict:
        for fields in courses:
            course = self._course(fields["id"])
            self._check_unique(fields, course.id)
            for key in ("fullname", "shortname", "idnumber", "summary"):
                if key in fields:
                    course.fields[key] = fields[key]
            if "categoryid" in fields:
                course.fields["categoryid"] = int(fields["categoryid"])
            for option in fields.get("courseformatoptions", []):
                if option["name"] == "numsections":
                    self._grow_sections(course, int(option["value"]))
        return {"warnings": []}

    def _course(self, courseid: Any) -> Course:
        course = self.courses.get(int(courseid))
        if course is None:
            raise MoodleException("invalidrecord", "Can't find data record in database table course.",
                                  "dml_missing_record_exception")  # fmt: skip
        return course

    def _core_course_get_contents(self, courseid: str) -> list:
        course = self._course(courseid)
        return [{"id": s["id"], "section": s["section"], "summary": "", "visible": 1,
                 "name": s["name"] or ("General" if s["section"] == 0 else f"Topic {s['section']}"),
                 "modules": [{"id": cmid, "name": a["name"], "modname": "scorm", "instance": a["scormid"]}
                             for cmid, a in self.scorms.items()
                             if a["courseid"] == course.id and a["sectionnum"] == s["section"]]}
                for s in course.sections]  # fmt: skip

    def _core_update_inplace_editable(self, component: str, itemtype: str, itemid: str, value: str) -> dict:
        section = next((s for c in self.courses.values() for s in c.sections if s["id"] == int(itemid)), None)
        if section is None or (component, itemtype) != ("format_topics", "sectionname"):
            raise MoodleException("invalidrecord", "Can't find data record in database table course_sections.",
                                  "dml_missing_record_exception")  # fmt: skip
        section["name"] = value
        return {"displayvalue": value, "component": component, "itemtype": itemtype, "value": value,
                "itemid": int(itemid), "edithint": "", "editlabel": "", "type": "text"}  # fmt: skip

    def _mod_scorm_get_scorms_by_courses(self, courseids: list | None = None) -> dict:
        wanted = {int(c) for c in courseids or []}
        return {"scorms": [{"id": a["scormid"], "coursemodule": cmid, "course": a["courseid"], "name": a["name"],
                            "sha1hash": a["sha1hash"]}
                           for cmid, a in self.scorms.items() if a["courseid"] in wanted], "warnings": []}  # fmt: skip

    def _store_draft(self, params: dict, data: bytes) -> list:
        itemid = params["itemid"] or next(self._ids)
        self.drafts[itemid] = (params["filename"], data)
        return [{"component": "user", "filearea": "draft", "itemid": itemid, "filepath": "/",
                 "filename": params["filename"]}]  # fmt: skip

    def _draft(self, draftitemid: str) -> tuple[str, bytes]:
        if int(draftitemid) not in self.drafts:
            raise MoodleException("draftfilemissing", f"Your draft area {draftitemid} holds no file.")
        return self.drafts[int(draftitemid)]

    def _local_rtcmlms_upsert_scorm(self, courseid: str, sectionnum: str, idnumber: str, name: str,
                                    draftitemid: str, **settings: Any) -> dict:  # fmt: skip
        course = self._course(courseid)
        _, data = self._draft(draftitemid)
        sha1 = hashlib.sha1(data).hexdigest()  # noqa: S324 - Moodle's package identity
        mine = [k for k, a in self.scorms.items() if a["courseid"] == course.id and a["idnumber"] == idnumber]
        cmid = mine[0] if mine else None
        status = "updated" if cmid else "created"
        if cmid is None:
            cmid = next(self._ids)
            self.scorms[cmid] = {"courseid": course.id, "idnumber": idnumber, "scormid": next(self._ids)}
        activity = self.scorms[cmid]
        changed = activity.get("sha1hash") != sha1
        if not changed and activity.get("name") == name and status == "updated":
            status = "unchanged"
        activity.update(name=name, sectionnum=int(sectionnum), sha1hash=sha1)
        return {"status": status, "cmid": cmid, "scormid": activity["scormid"], "sha1hash": sha1,
                "packagechanged": changed, "version": "SCORM_1.2", "sectionnum": int(sectionnum), "gradepass": 0}

    def _local_rtcmlms_import_questions(self, courseid: str, draftitemid: str) -> dict:
        course = self._course(courseid)
        _, data = self._draft(draftitemid)
        bank = self.questions.setdefault(course.id, {})
        imported, skipped, path = [], [], ""
        for question in etree.fromstring(data).iter("question"):
            if question.get("type") == "category":
                path = question.findtext("category/text").replace("$course$/", "")
                continue
            idnumber = question.findtext("idnumber")
            (skipped if idnumber in bank.setdefault(path, set()) else imported).append(idnumber)
            bank[path].add(idnumber)
        return {"categoryid": 1, "categoryname": path.rsplit("/", 1)[-1], "contextid": 1, "imported": len(imported),
                "skipped": len(skipped), "total": len(bank.get(path, ())), "importedidnumbers": imported,
                "skippedidnumbers": skipped}  # fmt: skip

    def _local_rtcmlms_get_deployment(self, courseids: list | None = None, courseidnumbers: list | None = None) -> dict:
        wanted = [self._course(c) for c in courseids or []]
        wanted += [c for n in courseidnumbers or [] for c in self.course_by_idnumber(n)]
        return {"courses": [self._deployment(c) for c in wanted], "warnings": []}

    def _deployment(self, course: Course) -> dict:
        record = self.deployments.get(course.id, {})
        scorms = [{"idnumber": a["idnumber"], "cmid": cmid, "scormid": a["scormid"], "name": a["name"],
                   "sectionnum": a["sectionnum"], "visible": True, "sha1hash": a["sha1hash"], "version": "SCORM_1.2",
                   "timemodified": 0} for cmid, a in self.scorms.items() if a["courseid"] == course.id]  # fmt: skip
        categories = [{"id": n, "name": path.rsplit("/", 1)[-1], "path": path, "idnumber": "",
                       "questioncount": len(ids), "questionidnumbers": sorted(ids)}
                      for n, (path, ids) in enumerate(sorted(self.questions.get(course.id, {}).items()))]  # fmt: skip
        return {"courseid": course.id, "idnumber": course.fields["idnumber"], "shortname": course.fields["shortname"],
                "release": record.get("release", ""), "contenthash": record.get("contenthash", ""),
                "timedeployed": 0, "scorms": scorms, "questioncategories": categories}  # fmt: skip

    def _local_rtcmlms_set_deployment(self, courseid: str, release: str, contenthash: str) -> dict:
        course = self._course(courseid)
        before = self.deployments.get(course.id, {})
        self.deployments[course.id] = {"release": release, "contenthash": contenthash}
        return {"courseid": course.id, "release": release, "contenthash": contenthash, "timedeployed": 0,
                "previousrelease": before.get("release", ""), "previouscontenthash": before.get("contenthash", "")}


def _json(payload: Any) -> Response:
    return Response(json.dumps(payload), content_type="application/json")


def _invalid_token(function: str) -> dict:
    if function == "upload":
        return {"error": "Invalid token - token not found", "errorcode": "invalidtoken"}
    return {"exception": "moodle_exception", "errorcode": "invalidtoken", "message": "Invalid token - token not found"}


def _dotted(match: dict) -> dict:
    return {key.replace("__", "."): value for key, value in match.items()}


def _dig(params: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(params, list) and key.isdigit() and int(key) < len(params):
            params = params[int(key)]
        elif isinstance(params, dict) and key in params:
            params = params[key]
        else:
            return None
    return params
