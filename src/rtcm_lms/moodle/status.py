"""`rtcm-lms status`: what is deployed in Moodle per course, and what differs from the local build.

The deployed side comes from local_rtcmlms_get_deployment when the site has the companion plugin
(release, content hash, SCORM sha1, question count), from core functions otherwise (the course by
idnumber, and the SCORM sha1 from mod_scorm_get_scorms_by_courses; release, content hash and
question count are then unknown). The differences are the push plan itself — Deployer.plan only
reads — so status and push can never disagree about what a push would change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.table import Table

from .client import Client
from .deploy import Action, Deployer, Plan, scorm_idnumber
from .desired import DesiredCourse, DesiredState

UP_TO_DATE, DIFFERS, MISSING, NOT_BUILT = "up to date", "differs", "missing", "not built"
COLUMNS = ("course", "Moodle id", "state", "release", "content hash", "SCORM sha1", "questions", "a push would")


@dataclass
class CourseStatus:
    course: str  # our course id (the Moodle idnumber)
    moodle_id: int | None  # None: no course with that idnumber on the site
    release: str | None  # None: unknown without the plugin; "" when nothing was recorded
    contenthash: str | None
    scorm_sha1: str | None
    questions: int | None
    built: bool  # the SCORM package is in the local build
    differences: list[str] = field(default_factory=list)  # what a push would do, in plan order

    @property
    def state(self) -> str:
        if self.moodle_id is None:
            return MISSING
        if not self.built:
            return NOT_BUILT
        return DIFFERS if self.differences else UP_TO_DATE


@dataclass
class SiteStatus:
    url: str
    release: str  # the local release label the comparison was made against
    plugin: bool
    categories: list[str]  # category differences, e.g. "create category RTCM-M01"
    courses: list[CourseStatus]

    def summary(self) -> dict[str, int]:
        counts = Counter(c.state for c in self.courses)
        return {state: counts[state] for state in (UP_TO_DATE, DIFFERS, MISSING, NOT_BUILT)}

    def as_json(self) -> dict:
        return {"site": self.url, "release": self.release, "plugin": self.plugin, "categories": self.categories,
                "courses": [{**asdict(c), "state": c.state} for c in self.courses],
                "summary": self.summary()}  # fmt: skip


def site_status(client: Client, desired: DesiredState) -> SiteStatus:
    deployer = Deployer(client, desired)
    plan = deployer.plan()
    sha1s = {} if deployer.has_plugin else _core_scorm_sha1s(client, deployer)
    courses = [_course_status(course, deployer, plan, sha1s) for course in desired.courses]
    categories = [_difference(a) for a in plan.actions if not a.course]
    return SiteStatus(client.url, desired.release, deployer.has_plugin, categories, courses)


def _course_status(course: DesiredCourse, deployer: Deployer, plan: Plan, core_sha1s: dict[int, str]) -> CourseStatus:
    remote = deployer.remote_courses.get(course.idnumber)
    moodle_id = int(remote["id"]) if remote else None
    differences = [_difference(a) for a in plan.actions if a.course == course.idnumber]
    status = CourseStatus(course.idnumber, moodle_id, None, None, None, None, course.scorm is not None, differences)
    if moodle_id is None:
        return status
    if not deployer.has_plugin:
        status.scorm_sha1 = core_sha1s.get(moodle_id)
        return status
    deployment = deployer.deployments.get(moodle_id, {})
    scorm = next((s for s in deployment.get("scorms", []) if s.get("idnumber") == scorm_idnumber(course)), {})
    status.release = deployment.get("release", "")
    status.contenthash = deployment.get("contenthash", "")
    status.scorm_sha1 = scorm.get("sha1hash")
    status.questions = sum(int(c.get("questioncount", 0)) for c in deployment.get("questioncategories", []))
    return status


def _core_scorm_sha1s(client: Client, deployer: Deployer) -> dict[int, str]:
    """Without the plugin: the package sha1 per course, from core (several packages: all of them)."""
    ids = [int(c["id"]) for c in deployer.remote_courses.values()]
    if not ids or "mod_scorm_get_scorms_by_courses" not in deployer.functions:
        return {}
    found: dict[int, list[str]] = {}
    for scorm in client.call("mod_scorm_get_scorms_by_courses", courseids=ids).get("scorms", []):
        found.setdefault(int(scorm["course"]), []).append(scorm.get("sha1hash") or "")
    return {course: ",".join(sha1s) for course, sha1s in found.items()}


def _difference(action: Action) -> str:
    detail = f" ({action.detail})" if action.detail and action.kind != "blocked" else ""
    return f"{action.kind} {action.what}{detail}"


def print_status(report: SiteStatus, console: Console | None = None) -> None:
    console = console or Console()
    plugin = "with" if report.plugin else "without (release, content hash and questions unknown)"
    table = Table(title=f"{report.url} against local release {report.release}, {plugin} the companion plugin")
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    styles = {UP_TO_DATE: "green", DIFFERS: "yellow", MISSING: "red", NOT_BUILT: "magenta"}
    for c in report.courses:
        deployed = ["-"] * 5 if c.moodle_id is None else [
            str(c.moodle_id), _text(c.release), _short(c.contenthash), _short(c.scorm_sha1), _text(c.questions)]
        deployed.insert(1, f"[{styles[c.state]}]{c.state}[/]")
        table.add_row(c.course, *deployed, "\n".join(c.differences) or "-")
    console.print(table)
    for line in report.categories:
        console.print(f"categories: {line}")
    counts = report.summary()
    console.print(", ".join(f"{n} {state}" for state, n in counts.items() if n) or "no courses")


def _text(value: object) -> str:
    return "?" if value is None else (str(value) or "-")


def _short(value: str | None) -> str:
    return "?" if value is None else (value[:12] or "-")
