"""Push = plan, then apply. The plan is a diff between the desired state and what Moodle holds,
read by idnumber; applying only what differs makes a second push of the same release a no-op.

Faults: every write is sent once (never blindly retried). When the answer to a create is lost (a
transport error: reset, timeout, 5xx) or garbled (not JSON), the create may or may not have landed, so
the object is looked up by idnumber before anything else: found, the push carries on with it; not
found, the push stops. A rerun never duplicates a category or a course; an interrupted push is
finished by pushing again.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from .client import Client
from .desired import DesiredCategory, DesiredCourse, DesiredState
from .errors import MoodleError, NotJSON, TransportError

PLUGIN_FUNCTIONS = ("local_rtcmlms_upsert_scorm", "local_rtcmlms_import_questions",
                    "local_rtcmlms_get_deployment", "local_rtcmlms_set_deployment")  # fmt: skip
# One SCO with its own contents and navigation: Moodle's table of contents and buttons would only
# take room from it.
SCORM_DISPLAY = {"hidetoc": 3, "nav": 0}
ENABLE_PLUGIN = ("install the companion plugin moodle/local_rtcmlms (copy it to <moodle>/local/rtcmlms, run the "
                 "upgrade) and add its functions to the web service of this token")  # fmt: skip


@dataclass
class Action:
    kind: str  # create | update | upload | record | blocked
    target: str  # "category RTCM-M01", "course M01-T01", "scorm M01-T01", ...
    detail: str = ""
    bytes: int = 0
    run: Callable[[], None] | None = field(default=None, repr=False)
    course: str = ""  # idnumber of the course the action belongs to; "" for categories

    @property
    def what(self) -> str:
        """The target without the course it belongs to, e.g. "sections" for "sections M01-T01"."""
        return self.target.removesuffix(f" {self.course}") if self.course else self.target


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def upload_bytes(self) -> int:
        return sum(a.bytes for a in self.actions if a.kind != "blocked")

    @property
    def blocked(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "blocked"]

    def is_noop(self) -> bool:
        return not [a for a in self.actions if a.kind != "blocked"]


class Deployer:
    def __init__(self, client: Client, desired: DesiredState):
        self.client = client
        self.desired = desired
        self.functions = client.functions()
        missing = [f for f in PLUGIN_FUNCTIONS if f not in self.functions]
        self.has_plugin = not missing
        self.plugin_problem = "" if not missing else (
            f"needs the companion plugin; {ENABLE_PLUGIN}" if len(missing) == len(PLUGIN_FUNCTIONS) else
            f"the companion plugin on this site is older than required or not fully enabled: the web service lacks "
            f"{', '.join(missing)} (upgrade moodle/local_rtcmlms and add its functions to the service)")
        self.category_ids: dict[str, int] = {}
        self.course_ids: dict[str, int] = {}
        # What plan() read, kept for `rtcm-lms status`: courses by idnumber, deployments by course id.
        self.remote_courses: dict[str, dict] = {}
        self.deployments: dict[int, dict] = {}

    # --- reading --------------------------------------------------------------------------------
    def plan(self) -> Plan:
        plan = Plan()
        remote_categories = self.client.get_categories_by_idnumber(*[c.idnumber for c in self.desired.categories])
        for cat in self.desired.categories:
            remote = remote_categories.get(cat.idnumber)
            if remote is None:
                plan.actions.append(Action("create", f"category {cat.idnumber}", cat.name,
                                           run=self._create_category(cat)))  # fmt: skip
            else:
                self.category_ids[cat.idnumber] = int(remote["id"])
                if remote.get("name") != cat.name:
                    plan.actions.append(Action("update", f"category {cat.idnumber}", f"name → {cat.name}",
                                               run=self._update_category(cat)))  # fmt: skip
                else:
                    plan.unchanged.append(f"category {cat.idnumber}")
        remote_courses = self.client.get_courses_by_idnumber(*[c.idnumber for c in self.desired.courses])
        deployments = self._deployments([int(c["id"]) for c in remote_courses.values()])
        self.remote_courses, self.deployments = remote_courses, deployments
        for course in self.desired.courses:
            self._plan_course(plan, course, remote_courses.get(course.idnumber), deployments)
        return plan

    def _deployments(self, course_ids: list[int]) -> dict[int, dict]:
        if not self.has_plugin or not course_ids:
            return {}
        answer = self.client.call("local_rtcmlms_get_deployment", courseids=course_ids)
        return {int(d["courseid"]): d for d in answer.get("courses", [])}

    def _plan_course(self, plan: Plan, course: DesiredCourse, remote: dict | None, deployments: dict) -> None:
        target = f"course {course.idnumber}"
        actions_before = len(plan.actions)
        if remote is None:
            plan.actions.append(Action("create", target, course.fullname, run=self._create_course(course),
                                       course=course.idnumber))  # fmt: skip
            sections: list[dict] = []
            deployment: dict = {}
        else:
            cid = int(remote["id"])
            self.course_ids[course.idnumber] = cid
            changes = self._course_changes(course, remote)
            if changes:
                plan.actions.append(Action("update", target, ", ".join(changes), run=self._update_course(course),
                                           course=course.idnumber))  # fmt: skip
            sections = self.client.call("core_course_get_contents", courseid=cid)
            deployment = deployments.get(cid, {})
        self._plan_sections(plan, course, sections)
        self._plan_files(plan, course, deployment)
        if len(plan.actions) == actions_before:
            plan.unchanged.append(target)

    def _course_changes(self, course: DesiredCourse, remote: dict) -> list[str]:
        changes = []
        if remote.get("fullname") != course.fullname:
            changes.append("full name")
        if (remote.get("summary") or "").strip() != course.summary.strip():
            changes.append("summary")
        wanted_category = self.category_ids.get(course.category)
        if wanted_category is None or int(remote.get("categoryid", 0)) != wanted_category:
            changes.append("category")
        return changes

    def _plan_sections(self, plan: Plan, course: DesiredCourse, sections: list[dict]) -> None:
        by_number = {int(s["section"]): s for s in sections}
        # Moodle answers names HTML-escaped ("Racism &amp; Xenophobia"); compare the text.
        renames = [(n, name) for n, name in enumerate(course.sections, 1)
                   if html.unescape(by_number.get(n, {}).get("name") or "") != name]  # fmt: skip
        if renames and "core_update_inplace_editable" not in self.functions:
            plan.actions.append(Action("blocked", f"sections {course.idnumber}", "add core_update_inplace_editable "
                                       "to the web service to name sections", course=course.idnumber))  # fmt: skip
        elif renames:
            plan.actions.append(Action("update", f"sections {course.idnumber}", f"{len(renames)} section name(s)",
                                       run=self._name_sections(course, renames), course=course.idnumber))  # fmt: skip

    def _plan_files(self, plan: Plan, course: DesiredCourse, deployment: dict) -> None:
        scorms = {s.get("idnumber"): s for s in deployment.get("scorms", [])}
        if course.scorm:
            remote_sha1 = scorms.get(scorm_idnumber(course), {}).get("sha1hash")
            if remote_sha1 != course.scorm.sha1:
                self._file_action(plan, course, "scorm", course.scorm.size, self._upsert_scorm(course))
        if course.questions and deployment.get("contenthash") != course.content_hash:
            self._file_action(plan, course, "questions", course.questions.size, self._import_questions(course))
        recorded = (deployment.get("release"), deployment.get("contenthash"))
        if self.has_plugin and recorded != (self.desired.release, course.content_hash):
            plan.actions.append(Action("record", f"deployment {course.idnumber}", f"release {self.desired.release}",
                                       run=self._record(course), course=course.idnumber))  # fmt: skip

    def _file_action(self, plan: Plan, course: DesiredCourse, what: str, size: int, run: Callable[[], None]) -> None:
        target = f"{what} {course.idnumber}"
        if self.has_plugin:
            plan.actions.append(Action("upload", target, f"{size} bytes", size, run, course=course.idnumber))
        else:
            plan.actions.append(Action("blocked", target, self.plugin_problem, course=course.idnumber))

    # --- writing --------------------------------------------------------------------------------
    def apply(self, plan: Plan, on_step: Callable[[Action], None] | None = None) -> None:
        for action in plan.actions:
            if action.run is None:
                continue
            action.run()
            if on_step:
                on_step(action)

    def _create_category(self, cat: DesiredCategory) -> Callable[[], None]:
        def run() -> None:
            params = {"name": cat.name, "idnumber": cat.idnumber, "description": cat.description}
            params["parent"] = self.category_ids[cat.parent] if cat.parent else 0
            self.category_ids[cat.idnumber] = self._create_once(
                "core_course_create_categories", {"categories": [params]},
                lambda: self.client.get_categories_by_idnumber(cat.idnumber).get(cat.idnumber))
        return run

    def _update_category(self, cat: DesiredCategory) -> Callable[[], None]:
        def run() -> None:
            self.client.call("core_course_update_categories",
                             categories=[{"id": self.category_ids[cat.idnumber], "name": cat.name}])  # fmt: skip
        return run

    def _course_fields(self, course: DesiredCourse) -> dict:
        return {"fullname": course.fullname, "shortname": course.shortname, "idnumber": course.idnumber,
                "categoryid": self.category_ids[course.category], "summary": course.summary,
                "summaryformat": 1}  # fmt: skip

    def _create_course(self, course: DesiredCourse) -> Callable[[], None]:
        def run() -> None:
            fields = {**self._course_fields(course), "format": "topics", "numsections": len(course.sections),
                      "enablecompletion": 1}  # fmt: skip
            self.course_ids[course.idnumber] = self._create_once(
                "core_course_create_courses", {"courses": [fields]},
                lambda: self.client.get_courses_by_idnumber(course.idnumber).get(course.idnumber))
        return run

    def _update_course(self, course: DesiredCourse) -> Callable[[], None]:
        def run() -> None:
            fields = {**self._course_fields(course), "id": self.course_ids[course.idnumber]}
            self.client.call("core_course_update_courses", courses=[fields])
        return run

    def _name_sections(self, course: DesiredCourse, renames: list[tuple[int, str]]) -> Callable[[], None]:
        def run() -> None:
            cid = self.course_ids[course.idnumber]
            sections = {int(s["section"]): s for s in self.client.call("core_course_get_contents", courseid=cid)}
            if len(sections) - 1 < len(course.sections):
                self.client.call("core_course_update_courses", courses=[{
                    "id": cid, "courseformatoptions": [{"name": "numsections", "value": str(len(course.sections))}]}])
                sections = {int(s["section"]): s for s in self.client.call("core_course_get_contents", courseid=cid)}
            for number, name in renames:
                self.client.call("core_update_inplace_editable", component="format_topics", itemtype="sectionname",
                                 itemid=int(sections[number]["id"]), value=name)  # fmt: skip
        return run

    def _upsert_scorm(self, course: DesiredCourse) -> Callable[[], None]:
        def run() -> None:
            draft = self.client.upload(course.scorm.path, course.scorm.path.name)
            self.client.call("local_rtcmlms_upsert_scorm", courseid=self.course_ids[course.idnumber], sectionnum=0,
                             idnumber=scorm_idnumber(course), name=f"Self-paced module: {course.fullname}",
                             intro=course.summary, draftitemid=int(draft["itemid"]), passgrade=course.pass_mark,
                             completionstatus="passed", completionpassgrade=1,
                             display=SCORM_DISPLAY)  # fmt: skip
            self._forget_draft(draft)
        return run

    def _import_questions(self, course: DesiredCourse) -> Callable[[], None]:
        def run() -> None:
            draft = self.client.upload(course.questions.path, course.questions.path.name)
            self.client.call("local_rtcmlms_import_questions", courseid=self.course_ids[course.idnumber],
                             draftitemid=int(draft["itemid"]))  # fmt: skip
            self._forget_draft(draft)
        return run

    def _forget_draft(self, draft: dict) -> None:
        """The plugin copies what it needs; the draft file would wait for cron otherwise."""
        if "core_files_delete_draft_files" in self.functions:
            self.client.call("core_files_delete_draft_files", draftitemid=int(draft["itemid"]),
                             files=[{"filepath": draft.get("filepath", "/"), "filename": draft["filename"]}])

    def _record(self, course: DesiredCourse) -> Callable[[], None]:
        def run() -> None:
            self.client.call("local_rtcmlms_set_deployment", courseid=self.course_ids[course.idnumber],
                             release=self.desired.release, contenthash=course.content_hash)  # fmt: skip
        return run

    def _create_once(self, function: str, params: dict, read_back: Callable[[], dict | None]) -> int:
        """Send a create once; when its answer is lost or garbled, look the object up before giving up,
        so a create that landed is not sent again (and a rerun finds it by idnumber)."""
        try:
            answer = self.client.call(function, **params)
        except (TransportError, NotJSON):
            found = read_back()
            if found is None:
                raise
            return int(found["id"])
        return int(answer[0]["id"])


def scorm_idnumber(course: DesiredCourse) -> str:
    return f"{course.idnumber}-SCORM"


def describe(plan: Plan) -> list[str]:
    lines = [f"{a.kind:7} {a.target}" + (f"  ({a.detail})" if a.detail and a.kind != "blocked" else "")
             for a in plan.actions]
    lines.append(f"{len(plan.unchanged)} unchanged; {plan.upload_bytes} bytes to upload")
    return lines


__all__ = ["Action", "Deployer", "MoodleError", "Plan", "describe"]
