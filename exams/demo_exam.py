"""The seed training's theory exam, as it was sat: "the theory exam was conducted immediately
after the training ... material rewards are given to the top seven students in the
examination and those with full attendance. The reference rate of this training examination
reached 80%, and the pass rate reached 88%" (the first safety summary in ``seed/``).

On the afternoon of 18 January, 14:00-17:00, on the fixed 100-point paper: 32 of the 39
trainees sat (82%) and 28 of them passed (87.5%). The seven who did not sit are those who
missed classes or were away on the day. Each candidate has a skill that decides, with a fixed
random seed, which questions they get right; hazardous chemicals, barely touched in class,
is clearly the weakest area. Candidates hand in between 35 and 85 minutes after starting, so
equal scores are ranked by the time taken. An instructor grades the open answers, some with
partial marks.

Everything goes through the services the pages use (``exam_create``, ``attempt_start``,
``answer_save``, ``attempt_submit``, ``answer_grade``), with ``now`` set to the afternoon of
the exam, so the attempts are closed and graded and the results and the trainees' passes
are recorded. Idempotent: the exam is found by title and anyone who already has an attempt
is left alone.
"""

import datetime
import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import Conflict, NotFound
from core.roles import Role
from courses.demo import TRAINING_TITLE
from courses.models import Training
from exams import demo_bank
from exams.demo import FIXED_PAPER_TITLE
from exams.grading import score_answer
from exams.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    Exam,
    Paper,
    QuestionType,
)
from exams.selectors.statistics import exam_statistics
from exams.services.attempts import answer_save, as_shown, attempt_start, attempt_submit
from exams.services.exams import ExamSpec, exam_create
from exams.services.grading import answer_grade
from people.demo import STAFF, TRAINEES, SeedContext
from people.models import Employee

EXAM_TITLE = f"{TRAINING_TITLE} – theory exam"
OPENS_AT = datetime.time(14, 0)
CLOSES_AT = datetime.time(17, 0)
DURATION_MINUTES = 90
PASS_SCORE = Decimal(60)
MIN_ATTENDANCE_RATE = Decimal(60)
PERFORMANCE_BANDS = [[90, 10], [80, 6], [60, 3], [0, 0]]
SEED = 1801

# Hazardous chemicals were only touched on in class: the weak area of the statistics.
WEAK_AREA = demo_bank.CHEMICALS
WEAK_AREA_PENALTY = 0.45

# By index in ``people.demo.TRAINEES`` (see ``attendance.demo``): absent twice (14), absent
# from a class (22, 30), absent or on leave on the exam day (27, 35, 19), and one off sick
# again in the afternoon (5). Trainee 8 missed the drill but sits, and does well: the reward
# list has a top scorer without full attendance.
DID_NOT_SIT = {5, 14, 19, 22, 27, 30, 35}
# Skills of the candidates who stand out; the others draw theirs between 0.68 and 0.92.
STRONG = {0: 0.96, 8: 0.95, 10: 0.94, 18: 0.93}
FAILING = {11: 0.46, 21: 0.5, 29: 0.44, 33: 0.48}
# The planned total of a passing candidate is at least this, of a failing one at most this.
PASS_MARGIN = Decimal(61)
FAIL_MARGIN = Decimal(57)

WRONG_BLANKS = ["2", "12", "48", "management", "inspection", "supervision"]
VAGUE_ANSWER = "Follow the safety rules, be careful and report to the leader."


@dataclass
class Planned:
    """One answer as the candidate will give it: what is saved (None: left unanswered), and
    the score it earns (the key's for objective questions, the grader's for open ones)."""

    question: AttemptQuestion
    weak: bool
    payload: dict | None
    score: Decimal
    right: dict | None = None  # the right and a wrong answer, for the plan's adjustment
    wrong: dict | None = None
    comment: str = ""


def _when(training: Training, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(training.ends_on, at))


def _safety_officer_user():
    officer = next(person for person in STAFF if person.role == Role.SAFETY_OFFICER)
    employee = Employee.objects.select_related("user").filter(employee_no=officer.employee_no)
    employee = employee.first()
    return employee.user if employee is not None else None


def _grader(training: Training):
    """The first instructor of the training (the Work Safety Bureau's inspector)."""
    session = training.sessions.select_related("instructor__user").order_by("starts_at").first()
    if session is not None and session.instructor is not None:
        return session.instructor.user
    instructor = training.instructors.select_related("user").order_by("pk").first()
    return instructor.user if instructor is not None else None


def _exam(ctx: SeedContext, training: Training) -> Exam | None:
    exam = Exam.objects.filter(title=EXAM_TITLE).first()
    if exam is not None:
        return exam
    paper = Paper.objects.filter(title=FIXED_PAPER_TITLE).first()
    if paper is None:
        ctx.notes.append(f"Demo exam “{EXAM_TITLE}” not created: no paper “{FIXED_PAPER_TITLE}”.")
        return None
    try:
        return _exam_create(training, paper)
    except ValidationError as error:
        # The officer may have switched off questions of the paper: the rest of the seed
        # stands (exam_create runs in its own savepoint).
        ctx.notes.append(f"Demo exam “{EXAM_TITLE}” not created: {error}")
        return None


def _exam_create(training: Training, paper: Paper) -> Exam:
    return exam_create(
        actor=_safety_officer_user(),
        spec=ExamSpec(
            title=EXAM_TITLE,
            paper=paper,
            training=training,
            opens_at=_when(training, OPENS_AT),
            closes_at=_when(training, CLOSES_AT),
            duration_minutes=DURATION_MINUTES,
            pass_score=PASS_SCORE,
            shuffle_options=True,
            min_attendance_rate=MIN_ATTENDANCE_RATE,
            reward_top_n=7,
            performance_bands=PERFORMANCE_BANDS,
        ),
    )


def _skill(index: int, chance: random.Random) -> float:
    if index in FAILING:
        return FAILING[index]
    return STRONG.get(index) or round(chance.uniform(0.68, 0.92), 3)


def _clauses(reference: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.;。；])\s+", reference) if part.strip()]


def _score(aq: AttemptQuestion, payload: dict | None) -> Decimal:
    if payload is None:
        return Decimal(0)
    version = aq.version
    score = score_answer(
        question_type=version.type,
        points=aq.points,
        correct_option_ids={o.pk for o in version.options.all() if o.correct},
        blanks_key=version.blanks,
        numeric_tolerance=version.numeric_tolerance,
        selected=payload.get("selected") or [],
        blanks=payload.get("blanks") or [],
        text=payload.get("text") or "",
    )
    return score if score is not None else Decimal(0)


def _choice_answers(aq: AttemptQuestion, chance: random.Random) -> tuple[dict, dict]:
    """The right answer to a choice question and a plausible wrong one."""
    options = {o.pk: o for o in aq.version.options.all()}
    shown = [pk for pk in aq.option_order if pk in options]
    correct = [pk for pk in shown if options[pk].correct]
    wrong = [pk for pk in shown if not options[pk].correct]
    if aq.version.type != QuestionType.MULTIPLE:
        return {"selected": correct[:1]}, {"selected": [chance.choice(wrong)]}
    if len(correct) > 1 and (not wrong or chance.random() < 0.6):
        missed = chance.choice(correct)
        return {"selected": correct}, {"selected": [pk for pk in correct if pk != missed]}
    return {"selected": correct}, {"selected": [*correct, chance.choice(wrong)]}


def _plan_question(aq: AttemptQuestion, skill: float, chance: random.Random) -> Planned:
    version = aq.version
    weak = version.question.category.path == WEAK_AREA
    if version.type == QuestionType.SHORT_ANSWER:
        clauses = _clauses(version.reference_answer) or [version.reference_answer]
        quality = min(max(skill + chance.uniform(-0.2, 0.12), 0.0), 1.0)
        if quality < 0.3:
            text, score = VAGUE_ANSWER, Decimal(1)
            comment = "Too general: name the specific steps or points."
        else:
            covered = max(1, min(len(clauses), math.ceil(quality * len(clauses))))
            text = " ".join(clauses[:covered])
            score = (aq.points * covered / len(clauses) * 2).to_integral_value() / 2
            comment = (
                "Complete and correct."
                if covered == len(clauses)
                else f"Partly answered: {covered} of {len(clauses)} points covered."
            )
        return Planned(aq, weak, {"text": text}, score.quantize(Decimal("0.01")), comment=comment)
    if version.type == QuestionType.FILL_BLANK:
        right = {"blanks": [accepted[0] for accepted in version.blanks]}
        wrong = {"blanks": [chance.choice(WRONG_BLANKS) for _blank in version.blanks]}
    else:
        right, wrong = _choice_answers(aq, chance)
    odds = max(skill - WEAK_AREA_PENALTY, 0.1) if weak else skill
    if chance.random() < (1 - skill) * 0.12:
        payload = None  # left unanswered
    else:
        payload = right if chance.random() < odds else wrong
    return Planned(aq, weak, payload, _score(aq, payload), right, wrong)


def _plan(questions: list[AttemptQuestion], skill: float, passes: bool, chance) -> list[Planned]:
    """Every answer of one candidate, then adjusted (outside the weak area) so that a
    passing candidate scores at least ``PASS_MARGIN`` and a failing one at most
    ``FAIL_MARGIN``, whatever the draw gave."""
    plan = [_plan_question(aq, skill, chance) for aq in questions]
    total = sum((p.score for p in plan), Decimal(0))
    movable = [p for p in plan if p.right is not None and not p.weak]
    chance.shuffle(movable)
    for planned in movable:
        full = planned.question.points
        if passes and total < PASS_MARGIN and planned.score < full:
            total += full - planned.score
            planned.payload, planned.score = planned.right, full
        elif not passes and total > FAIL_MARGIN and planned.score == full:
            score = _score(planned.question, planned.wrong)
            total -= full - score
            planned.payload, planned.score = planned.wrong, score
    return plan


def _sit(ctx: SeedContext, exam: Exam, employee: Employee, index: int, grader) -> None:
    chance = random.Random(f"{SEED}-{employee.employee_no}")
    skill = _skill(index, chance)
    started = timezone.localtime(exam.opens_at) + datetime.timedelta(
        minutes=chance.randint(0, 6), seconds=chance.randint(0, 59)
    )
    # Distinct durations (the seconds differ per trainee), so equal scores rank by time.
    duration = datetime.timedelta(minutes=chance.randint(35, 84), seconds=index * 17 % 60)
    try:
        attempt = attempt_start(employee=employee, exam=exam, now=started, rng=chance).attempt
    except (Conflict, NotFound) as error:
        # Refused before anything was written (attendance edited below the minimum, the
        # paper no longer drawable): this trainee does not sit.
        ctx.notes.append(f"{employee} did not sit the demo exam: {error}")
        return
    questions = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("version__question__category")
        .prefetch_related("version__options")
        .order_by("position")
    )
    plan = _plan(questions, skill, index not in FAILING, chance)
    for number, planned in enumerate(plan, start=1):
        if planned.payload is None:
            continue
        answer_save(
            user=employee.user,
            attempt_id=attempt.pk,
            question=planned.question.key,
            now=started + duration * number / (len(plan) + 1),
            **as_shown(planned.question, planned.payload),
        )
    attempt = attempt_submit(attempt=attempt, now=started + duration)
    open_answers = {p.question.pk: p for p in plan if p.right is None and p.payload is not None}
    for answer in Answer.objects.filter(attempt=attempt, needs_grading=True):
        planned = open_answers[answer.attempt_question_id]
        answer_grade(actor=grader, answer=answer, score=planned.score, comment=planned.comment)


def seed_exam_results(ctx: SeedContext) -> None:
    """The seed training's theory exam, sat on the afternoon of its last day by 32 of the 39
    trainees, 28 of them passing, the open answers graded by an instructor."""
    training = Training.objects.filter(title=TRAINING_TITLE).first()
    if training is None:
        return
    exam = _exam(ctx, training)
    if exam is None or exam.effective_close > timezone.now():
        return
    numbers = {person.employee_no: index for index, person in enumerate(TRAINEES)}
    sat = set(Attempt.objects.filter(exam=exam).values_list("employee_id", flat=True))
    candidates = (
        Employee.objects.filter(
            employee_no__in=list(numbers), enrollments__training=training, user__is_active=True
        )
        .exclude(pk__in=sat)
        .select_related("user")
        .order_by("employee_no")
    )
    grader = _grader(training)
    for employee in candidates:
        index = numbers[employee.employee_no]
        if index not in DID_NOT_SIT:
            _sit(ctx, exam, employee, index, grader)
    _report(ctx, exam)


def _report(ctx: SeedContext, exam: Exam) -> None:
    """One line with the exam's figures, for whoever runs ``make demo``."""
    stats = exam_statistics(exam=exam)
    if not stats.sat:
        return
    weakest = f"; weakest area: {stats.weak_areas[0].category}" if stats.weak_areas else ""
    ctx.stdout.write(
        f"Exam “{exam.title}”: {stats.sat} of {stats.eligible} trainees sat "
        f"({stats.participation_rate:g}%), {stats.passed} passed ({stats.pass_rate:g}%), "
        f"mean score {stats.mean_score:g}{weakest}."
    )
