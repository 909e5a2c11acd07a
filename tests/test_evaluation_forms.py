"""The training evaluation forms as content: the shipped default set, per-course overrides, and the
JSON the player receives (wording resolved in the course language, sessions offered as choices)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtcm_lms.builders.player_data import evaluation_json, player_data
from rtcm_lms.content.loader import load_catalogue
from rtcm_lms.content.yamlio import ContentError
from rtcm_lms.model import Evaluation
from rtcm_lms.player import ui_strings

COURSE_FILE = Path("content/modules/M01/M01-T01/course.yaml")
DEFAULT = """\
pre:
  - {id: field, type: choice, string: eval_pre_field, options: [{id: policy, text: Policy}, {id: other, text: Other}]}
  - {id: session, type: sessions, string: eval_pre_session}
post:
  - {id: relevance, type: rating, string: eval_relevance}
  - {id: suggestions, type: text, text: Anything else?}
"""


def load(project: Path, default: str | None = DEFAULT, override: str = ""):
    if default is not None:
        (project / "content" / "evaluation.yaml").write_text(default, encoding="utf-8")
    if override:
        course = project / COURSE_FILE
        course.write_text(course.read_text(encoding="utf-8") + override, encoding="utf-8")
    return load_catalogue(project / "content")


def test_every_shipped_course_carries_both_forms(repo: Path):
    catalogue = load_catalogue(repo / "content")
    for course in catalogue.courses:
        ev = course.evaluation
        assert [q.id for q in ev.pre] == ["field", "expectations", "session"], course.id
        assert [q.type for q in ev.post] == ["rating"] * 4 + ["text"]
    ids = catalogue.courses[0].evaluation.questions()
    assert list(ids) == ["eval-pre-field", "eval-pre-expectations", "eval-pre-session", "eval-relevance",
                         "eval-efficiency", "eval-effectiveness", "eval-impact", "eval-suggestions"]  # fmt: skip


def test_every_ui_string_the_default_set_names_is_translated(repo: Path):
    course = load_catalogue(repo / "content").courses[0]
    keys = {x.string for form in (course.evaluation.pre, course.evaluation.post) for q in form
            for x in (q, *q.options) if x.string}  # fmt: skip
    for lang in ("ru", "az", "ar", "fa"):
        strings, english = ui_strings(lang), ui_strings("en")
        assert all(strings[k] != english[k] for k in keys - {"eval_field_other"}), lang


def test_the_default_applies_to_courses_without_an_evaluation_key(small_project: Path):
    course = load(small_project).course("M01-T01")
    assert [q.id for q in course.evaluation.pre] == ["field", "session"]
    assert course.evaluation.pre[0].option("policy").text == "Policy"


def test_no_default_file_means_no_forms(small_project: Path):
    assert load(small_project, default=None).course("M01-T01").evaluation is None


@pytest.mark.parametrize("override", ["evaluation: false\n", "evaluation: off\n"])
def test_a_course_switches_the_forms_off(small_project: Path, override: str):
    catalogue = load(small_project, override=override)
    assert catalogue.course("M01-T01").evaluation is None
    assert catalogue.course("M01-T02").evaluation is not None


def test_a_course_replaces_one_form_and_keeps_the_other(small_project: Path):
    override = "evaluation:\n  pre: false\n  post:\n    - {id: useful, type: rating, text: Was it useful?}\n"
    ev = load(small_project, override=override).course("M01-T01").evaluation
    assert ev.pre == ()
    assert [(q.id, q.type, q.text) for q in ev.post] == [("useful", "rating", "Was it useful?")]


@pytest.mark.parametrize(("text", "message"), [
    ("pre:\n  - {id: Field, type: text, text: x}\n", ":2: question id 'Field' must be lower-case letters"),
    ("post:\n  - {id: a, type: text, text: x}\n  - {id: a, type: rating, text: y}\n",
     ":3: question id 'a' is used twice in 'post'"),
    ("post:\n  - {id: a, type: rating}\n", ":2: question 'a' needs 'text' (its wording) or 'string'"),
    ("post:\n  - {id: a, type: rating, text: x, string: eval_relevance}\n",
     ":2: question 'a': give 'text' or 'string'"),
    ("pre:\n  - {id: a, type: choice, text: x, options: [{id: o, text: y}]}\n",
     ":2: choice question 'a' needs at least 2 options"),
    ("pre:\n  - {id: a, type: text, text: x, options: [{id: o, text: y}]}\n",
     ":2: 'options' belong to 'choice' questions; 'a' is 'text'"),
    ("pre:\n  - {id: a, type: choice, text: x}\n", ":2: pre question #1: missing required key 'options'"),
    ("post:\n  - {id: a, type: rating, text: x}\npots: []\n",
     ":3: unknown key 'pots' in evaluation (did you mean 'post'?)"),
])  # fmt: skip
def test_mistakes_are_reported_with_file_and_line(small_project: Path, text: str, message: str):
    with pytest.raises(ContentError) as caught:
        load(small_project, default=text)
    assert any(p.startswith("content/evaluation.yaml" + message) for p in caught.value.problems), caught.value.problems


def test_player_json_resolves_wording_in_the_course_language_and_offers_sessions(small_project: Path):
    course = load(small_project).course("M01-T01")
    data = evaluation_json(course, ui_strings("ru"))
    field, session = data["pre"]
    assert field == {"id": "eval-pre-field", "type": "choice", "text": ui_strings("ru")["eval_pre_field"],
                     "options": [{"id": "policy", "text": "Policy"}, {"id": "other", "text": "Other"}]}  # fmt: skip
    assert session["type"] == "choice" and session["id"] == "eval-pre-session"
    assert session["options"] == [{"id": s.id, "text": f"Session {s.number}: {s.title}"} for s in course.sessions]
    assert data["post"] == [
        {"id": "eval-relevance", "type": "rating", "text": ui_strings("ru")["eval_relevance"]},
        {"id": "eval-suggestions", "type": "text", "text": "Anything else?"},
    ]


def test_player_data_has_no_evaluation_when_it_is_off(small_project: Path):
    catalogue = load(small_project, override="evaluation: false\n")
    assert player_data(catalogue, catalogue.course("M01-T01"), "scorm12", "1")["evaluation"] is None
    assert player_data(catalogue, catalogue.course("M01-T02"), "scorm12", "1")["evaluation"]["post"]


def test_interaction_ids_say_which_form_they_belong_to():
    assert Evaluation.interaction_id("pre", "field") == "eval-pre-field"
    assert Evaluation.interaction_id("post", "relevance") == "eval-relevance"
