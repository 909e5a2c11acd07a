"""The evaluation report's figures, computed from learners' tracks and the catalogue (pure functions).

Per course: learners started / completed / passed, attempts, score distribution, time spent, item
analysis per question and per learning outcome, and the evaluation forms' answers. Then the same
for the whole catalogue. Names of learners appear only in ``learners`` rows, filled on request.

Item analysis reads each learner's *first* answer to a question (later attempts come after feedback);
evaluation answers read each learner's *last* answer (a form sent twice counts once, as last sent).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..model import RATING_POINTS, Catalogue, Course, EvaluationQuestion, QuizBank
from ..player import ui_strings
from .fetch import CourseTracks, Learner
from .responses import describe, plain
from .tracks import AttemptFacts, Interaction, read_attempt

SCORE_BINS = tuple(f"{low}–{low + 9 if low < 90 else 100}" for low in range(0, 100, 10))
WEAKEST_OUTCOMES = 15
RATING_VALUES = {str(n) for n in range(1, RATING_POINTS + 1)}
SUSPEND_PROBLEMS = {
    "damaged": "suspend data damaged or cut short (e.g. at SCORM 1.2's 4096 characters)",
    "newer": "suspend data written by a newer version of the player",
    "foreign": "suspend data not written by this player",
}


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class QuestionStats:
    id: str
    type: str
    stem: str
    outcomes: tuple[str, ...]
    answers: int  # learners who answered it (first answer each)
    correct: int
    share_correct: float | None
    top_wrong: str = ""  # the wrong answer chosen most often, in the bank's words
    top_wrong_count: int = 0


@dataclass(frozen=True)
class OutcomeStats:
    id: str
    text: str
    questions: tuple[str, ...]
    answers: int
    correct: int
    share_correct: float | None


@dataclass(frozen=True)
class ChoiceStats:
    id: str  # interaction id, e.g. eval-pre-field
    type: str  # "choice" (the same options in every course) or "sessions" (the course's own)
    question: str
    respondents: int
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class RatingStats:
    id: str  # eval-relevance
    question: str
    counts: tuple[int, ...]  # learners per point 1..RATING_POINTS
    responses: int
    mean: float | None


@dataclass(frozen=True)
class TextAnswers:
    id: str
    question: str
    texts: tuple[str, ...]  # sorted, so that order says nothing about who wrote what


@dataclass(frozen=True)
class LearnerRow:
    name: str
    completed: bool
    passed: bool
    best_score: float | None
    moodle_attempts: int
    quiz_attempts: int
    minutes: float


@dataclass(frozen=True)
class CourseFigures:
    course: str
    title: str
    pushed: bool
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    passed: int = 0
    moodle_attempts: int = 0
    quiz_attempts: int = 0
    scores: tuple[int, ...] = (0,) * len(SCORE_BINS)
    mean_score: float | None = None
    median_score: float | None = None
    minutes_total: float = 0.0
    minutes_median: float | None = None
    questions: tuple[QuestionStats, ...] = ()
    outcomes: tuple[OutcomeStats, ...] = ()
    pre_respondents: int = 0
    post_respondents: int = 0
    choices: tuple[ChoiceStats, ...] = ()
    ratings: tuple[RatingStats, ...] = ()
    texts: tuple[TextAnswers, ...] = ()
    unknown_interactions: tuple[Count, ...] = ()
    notes: tuple[str, ...] = ()
    learners: tuple[LearnerRow, ...] = ()


@dataclass(frozen=True)
class CatalogueFigures:
    courses: int
    pushed: int
    enrolled: int
    started: int
    completed: int
    passed: int
    distinct_learners: int
    moodle_attempts: int
    quiz_attempts: int
    scores: tuple[int, ...]
    mean_score: float | None
    median_score: float | None
    minutes_total: float
    minutes_median: float | None
    pre_respondents: int
    post_respondents: int
    choices: tuple[ChoiceStats, ...]
    ratings: tuple[RatingStats, ...]
    weakest_outcomes: tuple[tuple[str, OutcomeStats], ...]  # (course id, outcome)
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    catalogue: CatalogueFigures
    courses: tuple[CourseFigures, ...]


# --- one learner --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerFacts:
    name: str
    attempts: tuple[AttemptFacts, ...]

    @property
    def interactions(self) -> list[Interaction]:
        return [i for a in self.attempts for i in a.interactions]

    @property
    def best_score(self) -> float | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def seconds(self) -> float:
        return sum(a.seconds for a in self.attempts)

    def quiz_attempts(self, question_ids: set[str]) -> int:
        """From the player's suspend data; when unreadable, the most times one question was answered."""
        total = 0
        for a in self.attempts:
            if a.quiz_attempts is not None:
                total += a.quiz_attempts
            else:
                answered = Counter(i.id for i in a.interactions if i.id in question_ids)
                total += max(answered.values(), default=0)
        return total


def learner_facts(learner: Learner) -> LearnerFacts:
    return LearnerFacts(learner.name, tuple(read_attempt(a.tracks) for a in learner.attempts))


# --- one course ---------------------------------------------------------------------------------


def interaction_id(question_id: str) -> str:
    """The id the player records a bank question under (player.js reportInteraction)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", question_id)[:64]


def course_figures(course: Course, bank: QuizBank | None, data: CourseTracks, with_names: bool = False,
                   learners: list[LearnerFacts] | None = None) -> CourseFigures:  # fmt: skip
    """``learners``: ``data``'s learners already read (build_report reads them once for both levels)."""
    if not data.pushed:
        return CourseFigures(course.id, course.full_title, False, notes=data.notes)
    learners = learners if learners is not None else [learner_facts(x) for x in data.learners]
    started = [x for x in learners if x.attempts]
    questions = {interaction_id(q.id): q for q in (bank.questions if bank else ())}
    evaluation = course.evaluation.questions() if course.evaluation else {}
    scores = [s for x in started if (s := x.best_score) is not None]
    minutes = [x.seconds / 60 for x in started]
    item_stats = question_stats(bank, learners)
    known = set(questions) | set(evaluation)
    unknown = Counter(i.id for x in learners for i in x.interactions if i.id not in known)
    notes = list(data.notes) + suspend_notes(learners)
    if unknown:
        notes.append(f"{sum(unknown.values())} answer(s) with interaction ids this course does not know (another tool,"
                     f" or questions since removed): {', '.join(sorted(unknown)[:8])}")  # fmt: skip
    read = [last_evaluation_answers(x, evaluation) for x in learners]
    last = [answers for answers, _ in read]
    off_scale = sum(n for _, n in read)
    if off_scale:
        notes.append(f"{off_scale} rating(s) outside the scale 1–{RATING_POINTS} were left out")
    return CourseFigures(
        course=course.id,
        title=course.full_title,
        pushed=True,
        enrolled=len(learners),
        started=len(started),
        completed=sum(any(a.completed for a in x.attempts) for x in learners),
        passed=sum(any(a.passed for a in x.attempts) for x in learners),
        moodle_attempts=sum(len(x.attempts) for x in learners),
        quiz_attempts=sum(x.quiz_attempts(set(questions)) for x in learners),
        scores=score_bins(scores),
        mean_score=_round(statistics.fmean(scores)) if scores else None,
        median_score=_round(statistics.median(scores)) if scores else None,
        minutes_total=_round(float(sum(minutes))),
        minutes_median=_round(statistics.median(minutes)) if minutes else None,
        questions=item_stats,
        outcomes=outcome_stats(course, item_stats),
        pre_respondents=sum(any(evaluation[i][0] == "pre" for i in answers) for answers in last),
        post_respondents=sum(any(evaluation[i][0] == "post" for i in answers) for answers in last),
        **evaluation_stats(course, evaluation, last),
        unknown_interactions=tuple(Count(k, k, n) for k, n in sorted(unknown.items())),
        notes=tuple(notes),
        learners=tuple(learner_row(x, set(questions)) for x in learners) if with_names else (),
    )  # fmt: skip


def _round(value: float) -> float:
    return round(value, 2)


def score_bins(scores: list[float]) -> tuple[int, ...]:
    counts = [0] * len(SCORE_BINS)
    for score in scores:
        counts[min(max(int(score // 10), 0), len(SCORE_BINS) - 1)] += 1
    return tuple(counts)


def suspend_notes(learners: list[LearnerFacts]) -> list[str]:
    kinds = Counter(a.suspend_problem for x in learners for a in x.attempts if a.suspend_problem)
    return [f"{n} attempt(s) with {SUSPEND_PROBLEMS[kind]}: their self-assessment attempts are estimated from "
            f"the answers recorded" for kind, n in sorted(kinds.items())]  # fmt: skip


def learner_row(x: LearnerFacts, question_ids: set[str]) -> LearnerRow:
    return LearnerRow(x.name, any(a.completed for a in x.attempts), any(a.passed for a in x.attempts), x.best_score,
                      len(x.attempts), x.quiz_attempts(question_ids), _round(x.seconds / 60))  # fmt: skip


def question_stats(bank: QuizBank | None, learners: list[LearnerFacts]) -> tuple[QuestionStats, ...]:
    if bank is None:
        return ()
    firsts: dict[str, list[Interaction]] = {interaction_id(q.id): [] for q in bank.questions}
    for x in learners:
        seen: set[str] = set()
        for i in x.interactions:
            if i.id in firsts and i.id not in seen and i.correct is not None:
                seen.add(i.id)
                firsts[i.id].append(i)
    out = []
    for q in bank.questions:
        answers = firsts[interaction_id(q.id)]
        right = sum(1 for i in answers if i.correct)
        wrong = Counter(describe(q, i.response) for i in answers if not i.correct)
        top, top_count = (wrong.most_common(1) or [("", 0)])[0]
        out.append(QuestionStats(q.id, q.type, plain(q.stem), q.outcomes, len(answers), right,
                                 _share(right, len(answers)), top, top_count))  # fmt: skip
    return tuple(out)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def outcome_stats(course: Course, questions: tuple[QuestionStats, ...]) -> tuple[OutcomeStats, ...]:
    out = []
    for o in course.outcomes:
        assessing = [q for q in questions if o.id in q.outcomes]
        answers, right = sum(q.answers for q in assessing), sum(q.correct for q in assessing)
        out.append(OutcomeStats(o.id, o.text, tuple(q.id for q in assessing), answers, right, _share(right, answers)))
    return tuple(out)


# --- evaluation forms ---------------------------------------------------------------------------


def last_evaluation_answers(x: LearnerFacts, evaluation: dict) -> tuple[dict[str, str], int]:
    """Each question's last usable answer, and how many answers were unusable (a rating off the scale)."""
    answers: dict[str, str] = {}
    unusable = 0
    for i in x.interactions:
        value = i.response.strip()
        if i.id not in evaluation or not value:
            continue
        if evaluation[i.id][1].type == "rating" and value not in RATING_VALUES:
            unusable += 1
            continue
        answers[i.id] = value
    return answers, unusable


def wording(course: Course, item) -> str:
    return ui_strings(course.language).get(item.string, item.string) if item.string else item.text


def evaluation_stats(course: Course, evaluation: dict[str, tuple[str, EvaluationQuestion]],
                     last: list[dict[str, str]]) -> dict:  # fmt: skip
    choices, ratings, texts = [], [], []
    for iid, (_, q) in evaluation.items():
        given = [answers[iid] for answers in last if iid in answers]
        if q.type == "rating":
            points = [int(v) for v in given]
            counts = tuple(points.count(n) for n in range(1, RATING_POINTS + 1))
            mean = _round(statistics.fmean(points)) if points else None
            ratings.append(RatingStats(iid, wording(course, q), counts, len(points), mean))
        elif q.type == "text":
            texts.append(TextAnswers(iid, wording(course, q), tuple(sorted(given))))
        else:
            choices.append(ChoiceStats(iid, q.type, wording(course, q), len(given), choice_counts(course, q, given)))
    return {"choices": tuple(choices), "ratings": tuple(ratings), "texts": tuple(texts)}


def choice_counts(course: Course, q: EvaluationQuestion, given: list[str]) -> tuple[Count, ...]:
    if q.type == "sessions":
        labels = {s.id: f"{s.label} {s.number}: {s.title}" for s in course.sessions}
    else:
        labels = {o.id: wording(course, o) for o in q.options}
    tally = Counter(given)
    known = [Count(k, label, tally.pop(k, 0)) for k, label in labels.items()]
    return tuple(known + [Count(k, f"{k} (not an option of this form)", n) for k, n in sorted(tally.items())])


# --- the catalogue ------------------------------------------------------------------------------


def build_report(catalogue: Catalogue, tracks: list[CourseTracks], with_names: bool = False) -> Report:
    facts = [[learner_facts(x) for x in t.learners] for t in tracks]
    courses = tuple(course_figures(catalogue.course(t.course), catalogue.bank(t.course), t, with_names, f)
                    for t, f in zip(tracks, facts, strict=True))  # fmt: skip
    started_users = {x.user_id for t in tracks for x in t.learners if x.attempts}
    everyone = [x for f in facts for x in f if x.attempts]
    all_scores = [s for x in everyone if (s := x.best_score) is not None]
    all_minutes = [x.seconds / 60 for x in everyone]
    pushed = [c for c in courses if c.pushed]
    return Report(CatalogueFigures(
        courses=len(courses),
        pushed=len(pushed),
        enrolled=sum(c.enrolled for c in courses),
        started=sum(c.started for c in courses),
        completed=sum(c.completed for c in courses),
        passed=sum(c.passed for c in courses),
        distinct_learners=len(started_users),
        moodle_attempts=sum(c.moodle_attempts for c in courses),
        quiz_attempts=sum(c.quiz_attempts for c in courses),
        scores=tuple(map(sum, zip(*(c.scores for c in courses), strict=True))) if courses else score_bins([]),
        mean_score=_round(statistics.fmean(all_scores)) if all_scores else None,
        median_score=_round(statistics.median(all_scores)) if all_scores else None,
        minutes_total=_round(float(sum(all_minutes))),
        minutes_median=_round(statistics.median(all_minutes)) if all_minutes else None,
        pre_respondents=sum(c.pre_respondents for c in courses),
        post_respondents=sum(c.post_respondents for c in courses),
        choices=merge_choices(c for c in courses),
        ratings=merge_ratings(c for c in courses),
        weakest_outcomes=weakest_outcomes(pushed),
        notes=tuple(f"{c.course}: {note}" for c in courses for note in c.notes),
    ), courses)  # fmt: skip


def merge_ratings(courses) -> tuple[RatingStats, ...]:
    merged: dict[str, RatingStats] = {}
    for c in courses:
        for r in c.ratings:
            had = merged.get(r.id)
            counts = tuple(a + b for a, b in zip(had.counts, r.counts, strict=True)) if had else r.counts
            merged[r.id] = RatingStats(r.id, had.question if had else r.question, counts, sum(counts), None)
    return tuple(RatingStats(r.id, r.question, r.counts, r.responses, _mean(r.counts)) for r in merged.values())


def _mean(counts: tuple[int, ...]) -> float | None:
    total = sum(counts)
    return _round(sum(n * k for n, k in enumerate(counts, 1)) / total) if total else None


def merge_choices(courses) -> tuple[ChoiceStats, ...]:
    """Choice questions shared by courses (field of work); per-course sessions are not merged."""
    merged: dict[str, tuple[str, int, dict[str, Count]]] = {}
    for c in courses:
        for ch in c.choices:
            if ch.type != "choice":
                continue
            question, respondents, counts = merged.get(ch.id, (ch.question, 0, {}))
            for k in ch.counts:
                counts[k.key] = Count(k.key, counts[k.key].label if k.key in counts else k.label,
                                      (counts[k.key].count if k.key in counts else 0) + k.count)  # fmt: skip
            merged[ch.id] = (question, respondents + ch.respondents, counts)
    return tuple(ChoiceStats(iid, "choice", q, n, tuple(counts.values())) for iid, (q, n, counts) in merged.items())


def weakest_outcomes(courses: list[CourseFigures]) -> tuple[tuple[str, OutcomeStats], ...]:
    scored = [(c.course, o) for c in courses for o in c.outcomes if o.share_correct is not None]
    return tuple(sorted(scored, key=lambda x: (x[1].share_correct, -x[1].answers, x[0], x[1].id))[:WEAKEST_OUTCOMES])
