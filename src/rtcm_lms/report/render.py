"""The report's files: a self-contained HTML page (scorm_templates/report/), JSON and CSV of the same
figures. Everything is rendered in memory first; files are written only when all of them rendered."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import write_bytes_atomic
from ..model import RATING_POINTS
from ..player import ui_strings
from ..render import render_template
from .aggregate import SCORE_BINS, ChoiceStats, CourseFigures, OutcomeStats, QuestionStats, Report

LABEL_CHARS = 44  # chart labels are cut here; the table beside every chart has the full text


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # in the chart's unit
    text: str  # the value as shown


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    maximum: float


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"


def score_chart(cid: str, scores: tuple[int, ...]) -> Chart:
    bars = tuple(Bar(label, n, str(n)) for label, n in zip(SCORE_BINS, scores, strict=True))
    return Chart(f"{cid}-scores", "Learners by best score (%)", bars, max(max(scores, default=0), 1))


def share_chart(cid: str, title: str, rows: list[tuple[str, float | None]]) -> Chart:
    bars = tuple(Bar(_short(label), share or 0, percent(share)) for label, share in rows)
    return Chart(cid, title, bars, 1.0)


def count_chart(cid: str, choice: ChoiceStats) -> Chart:
    bars = tuple(Bar(_short(c.label), c.count, str(c.count)) for c in choice.counts)
    return Chart(cid, choice.question, bars, max([c.count for c in choice.counts] + [1]))


def outcome_chart(cid: str, outcomes: tuple[OutcomeStats, ...]) -> Chart:
    rows = [(f"{o.id}: {o.text}", o.share_correct) for o in outcomes]
    return share_chart(f"{cid}-outcomes", "Share of first answers that were correct, per learning outcome", rows)


def question_chart(cid: str, questions: tuple[QuestionStats, ...]) -> Chart:
    rows = [(f"{q.id}: {q.stem}", q.share_correct) for q in questions]
    return share_chart(f"{cid}-questions", "Share of first answers that were correct, per question", rows)


def course_view(c: CourseFigures) -> dict:
    """A course's figures plus the charts drawn from them."""
    cid = c.course
    return {
        "c": c,
        "score_chart": score_chart(cid, c.scores),
        "outcome_chart": outcome_chart(cid, c.outcomes) if any(o.answers for o in c.outcomes) else None,
        "question_chart": question_chart(cid, c.questions) if any(q.answers for q in c.questions) else None,
        "choice_charts": [(ch, count_chart(f"{cid}-{ch.id}", ch)) for ch in c.choices],
    }


def render_html(report: Report, meta: dict) -> str:
    cat = report.catalogue
    return render_template(
        "report/report.html.j2",
        meta=meta,
        cat=cat,
        cat_scores=score_chart("all", cat.scores),
        cat_choices=[(ch, count_chart(f"all-{ch.id}", ch)) for ch in cat.choices],
        courses=[course_view(c) for c in report.courses if c.pushed],
        not_pushed=[c for c in report.courses if not c.pushed],
        all_courses=report.courses,
        scale=[f"{n} {ui_strings('en')[f'eval_scale_{n}']}" for n in range(1, RATING_POINTS + 1)],
        percent=percent,
        number=number,
    )


def report_json(report: Report, meta: dict) -> str:
    return json.dumps({"meta": meta, **dataclasses.asdict(report)}, ensure_ascii=False, indent=1) + "\n"


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def report_csvs(report: Report) -> dict[str, str]:
    """One table per kind of figure; catalogue-wide rows have the course ``ALL``."""
    cat, courses = report.catalogue, report.courses
    summary = [[c.course, c.title, c.pushed, c.enrolled, c.started, c.completed, c.passed, c.moodle_attempts,
                c.quiz_attempts, c.mean_score, c.median_score, c.minutes_total, c.minutes_median, c.pre_respondents,
                c.post_respondents, " | ".join(c.notes)] for c in courses]  # fmt: skip
    summary.append(["ALL", "", cat.pushed, cat.enrolled, cat.started, cat.completed, cat.passed, cat.moodle_attempts,
                    cat.quiz_attempts, cat.mean_score, cat.median_score, cat.minutes_total, cat.minutes_median,
                    cat.pre_respondents, cat.post_respondents, ""])  # fmt: skip
    ratings = [[c.course, r.id, r.question, *r.counts, r.responses, r.mean] for c in courses for r in c.ratings]
    ratings += [["ALL", r.id, r.question, *r.counts, r.responses, r.mean] for r in cat.ratings]
    choices = [[c.course, ch.id, ch.question, k.key, k.label, k.count] for c in courses for ch in c.choices
               for k in ch.counts]  # fmt: skip
    choices += [["ALL", ch.id, ch.question, k.key, k.label, k.count] for ch in cat.choices for k in ch.counts]
    files = {
        "courses.csv": _csv(["course", "title", "pushed", "enrolled", "started", "completed", "passed",
                             "moodle_attempts", "self_assessment_attempts", "mean_score", "median_score",
                             "minutes_total", "minutes_median", "pre_respondents", "post_respondents", "notes"],
                            summary),
        "scores.csv": _csv(["course", "score_band", "learners"],
                           [[name, band, n] for name, scores in [*((c.course, c.scores) for c in courses),
                                                                  ("ALL", cat.scores)]
                            for band, n in zip(SCORE_BINS, scores, strict=True)]),
        "questions.csv": _csv(["course", "question", "type", "outcomes", "first_answers", "correct", "share_correct",
                               "most_chosen_wrong_answer", "times_chosen"],
                              [[c.course, q.id, q.type, " ".join(q.outcomes), q.answers, q.correct, q.share_correct,
                                q.top_wrong, q.top_wrong_count] for c in courses for q in c.questions]),
        "outcomes.csv": _csv(["course", "outcome", "text", "questions", "first_answers", "correct", "share_correct"],
                             [[c.course, o.id, o.text, " ".join(o.questions), o.answers, o.correct, o.share_correct]
                              for c in courses for o in c.outcomes]),
        "ratings.csv": _csv(["course", "id", "question", *[f"rated_{n}" for n in range(1, RATING_POINTS + 1)],
                             "responses", "mean"], ratings),
        "choices.csv": _csv(["course", "id", "question", "option", "label", "learners"], choices),
        "comments.csv": _csv(["course", "id", "question", "text"],
                             [[c.course, t.id, t.question, text]
                              for c in courses for t in c.texts for text in t.texts]),
    }  # fmt: skip
    if any(c.learners for c in courses):
        files["learners.csv"] = _csv(["course", "name", "completed", "passed", "best_score", "moodle_attempts",
                                      "self_assessment_attempts", "minutes"],
                                     [[c.course, x.name, x.completed, x.passed, x.best_score, x.moodle_attempts,
                                       x.quiz_attempts, x.minutes] for c in courses for x in c.learners])  # fmt: skip
    return files


def write_report(report: Report, out: Path, meta: dict) -> list[Path]:
    """Render everything, then write each file atomically; returns the files written."""
    files = {"index.html": render_html(report, meta), "report.json": report_json(report, meta), **report_csvs(report)}
    stale = out / "learners.csv"
    if "learners.csv" not in files and stale.exists():
        stale.unlink()  # a report without names must not leave an older one's names behind
    written = []
    for name, text in files.items():
        write_bytes_atomic(out / name, text.encode("utf-8"))
        written.append(out / name)
    return written
