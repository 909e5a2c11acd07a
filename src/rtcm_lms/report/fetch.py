"""Reads learners' SCORM tracks from Moodle through core web services only (no plugin needed).

Per course: the Moodle course by idnumber, its SCORM activity (the one whose SCO is our manifest
item ``ITEM-<course id>``), the enrolled learners (student role), each learner's attempt count, and
every attempt's tracks. What cannot be read is recorded as a note on the course, never raised, so
one broken course does not stop the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..moodle import Client, MoodleError

STUDENT_ROLE = "student"


@dataclass(frozen=True)
class Attempt:
    number: int
    tracks: dict[str, str]  # element -> value, as mod_scorm_get_scorm_sco_tracks returns them


@dataclass(frozen=True)
class Learner:
    user_id: int
    name: str  # shown only with --with-names
    attempts: tuple[Attempt, ...]


@dataclass(frozen=True)
class CourseTracks:
    course: str  # our course id
    pushed: bool  # a Moodle course with this idnumber exists
    scorm_version: str = ""  # Moodle's "SCORM_12" / "SCORM_13"
    learners: tuple[Learner, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be read, said in the report


class TracksReader:
    """``progress(course_id, learners_done, learners_total)`` is called as learners are read."""

    def __init__(self, client: Client, id_prefix: str = "", progress: Callable[[str, int, int], None] | None = None):
        self.client = client
        self.id_prefix = id_prefix
        self.progress = progress or (lambda *_: None)

    def read(self, course_ids: Iterable[str]) -> list[CourseTracks]:
        return [self.read_course(cid) for cid in course_ids]

    def read_course(self, course_id: str) -> CourseTracks:
        idnumber = self.id_prefix + course_id
        found = self.client.get_courses_by_idnumber(idnumber).get(idnumber)
        if found is None:
            self.progress(course_id, 0, 0)
            return CourseTracks(course_id, False, notes=(f"never pushed: no Moodle course has idnumber '{idnumber}'",))
        notes: list[str] = []
        scorm, sco = self.find_sco(int(found["id"]), course_id, notes)
        if sco is None:
            self.progress(course_id, 0, 0)
            return CourseTracks(course_id, True, notes=tuple(notes))
        users = self.learners(int(found["id"]), notes)
        learners = []
        for done, user in enumerate(users, 1):
            learners.append(self.learner(int(scorm["id"]), int(sco["id"]), user, notes))
            self.progress(course_id, done, len(users))
        if not users:
            self.progress(course_id, 0, 0)
            notes.append("no learners are enrolled")
        return CourseTracks(course_id, True, str(scorm.get("version", "")), tuple(learners), tuple(notes))

    def find_sco(self, moodle_course: int, course_id: str, notes: list[str]) -> tuple[dict, dict | None]:
        """Our SCORM activity and its SCO; the first launchable SCO of the first activity otherwise."""
        scorms = self.client.call("mod_scorm_get_scorms_by_courses", courseids=[moodle_course]).get("scorms", [])
        if not scorms:
            notes.append("the Moodle course has no SCORM activity (pushed without the companion plugin?)")
            return {}, None
        item = f"ITEM-{course_id}"
        first: tuple[dict, dict] | None = None
        for scorm in sorted(scorms, key=lambda s: int(s["id"])):
            scoes = self.client.call("mod_scorm_get_scorm_scoes", scormid=int(scorm["id"])).get("scoes", [])
            launchable = [s for s in scoes if s.get("launch")]
            ours = next((s for s in launchable if s.get("identifier") == item), None)
            if ours:
                return scorm, ours
            first = first or ((scorm, launchable[0]) if launchable else None)
        if first is None:
            notes.append("the SCORM activity has no launchable SCO")
            return {}, None
        notes.append(f"no SCORM item '{item}' (not our package?): read '{first[1].get('identifier')}' instead")
        return first

    def learners(self, moodle_course: int, notes: list[str]) -> list[dict]:
        users = self.client.call("core_enrol_get_enrolled_users", courseid=moodle_course)
        if users and not any(u.get("roles") for u in users):
            notes.append("this token cannot see enrolled users' roles: every enrolled user is counted as a learner")
            return users
        return [u for u in users if any(r.get("shortname") == STUDENT_ROLE for r in u.get("roles", []))]

    def learner(self, scorm_id: int, sco_id: int, user: dict, notes: list[str]) -> Learner:
        uid = int(user["id"])
        count = self.client.call("mod_scorm_get_scorm_attempt_count", scormid=scorm_id, userid=uid)
        attempts = []
        for number in range(1, int(count.get("attemptscount", 0)) + 1):
            try:
                answer = self.client.call("mod_scorm_get_scorm_sco_tracks", scoid=sco_id, userid=uid, attempt=number)
            except MoodleError as exc:  # e.g. a suspended user: note it, read the others
                notes.append(f"a learner's attempt {number} could not be read: {exc}")
                continue
            tracks = {t["element"]: str(t["value"]) for t in answer.get("data", {}).get("tracks", [])}
            if tracks:
                attempts.append(Attempt(number, tracks))
        return Learner(uid, str(user.get("fullname", "")), tuple(attempts))
