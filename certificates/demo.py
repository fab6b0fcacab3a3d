"""Demo certificates: the operation certificates of the harbour company's special workers —
electricians (low-voltage electrician), welders (fusion welding and thermal cutting) and gas
workers (metallurgical gas work) — with the cases the safety officer has to act on: a review
due in about six weeks, a review overdue (suspended), a certificate revoked after a serious
violation, and a high-voltage certificate issued by the provincial authority and registered
here. Also two company permit types (forklift and crane operation) for the officer to issue.

Every certificate comes from a certification sitting as it would have happened: a theory exam
on a trade paper of the demo bank, sat online (``attempt_start``, ``answer_save``,
``attempt_submit`` with ``now`` on the day), the practical exam two days later with the
examiner's marks (``practical_scores_set``), then a batch issue (``certificates_issue_batch``
with ``issued_on``) of everyone who meets the rules; an electrician whose practical mark was
below the pass score is refused and stays without a certificate. Reviews, violations and the
revocation go through ``certificate_review``, ``violation_record`` and ``certificate_revoke``,
the external certificate through ``certificate_register_external``.

``practical_scores_set`` has no ``now``: the marks are entered through it (and audit-logged
today), and then the mark's ``entered_at`` and the practical result's ``submitted_at`` are set
to the afternoon of the practical exam, so the history reads as it happened and the issue rule
"practical pass at most 12 months before the issue" is checked against the real exam day.

The dates follow today: the sittings are placed so that the statuses above hold on the day the
demo is seeded. Idempotent: papers and exams are found by title, certificates by holder and
type (the external one by number); a sitting whose people all hold their certificate is left
alone, and a found exam keeps its own dates.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.catalogue import (
    FUSION_WELDING,
    LOW_VOLTAGE_ELECTRICIAN,
    METALLURGICAL_GAS_WORK,
)
from certificates.models import Certificate, CertificateStatus, CertificateType, add_years
from certificates.services import (
    certificate_register_external,
    certificate_review,
    certificate_revoke,
    certificate_type_create,
    certificate_type_update,
    certificates_issue_batch,
    certificates_refresh_statuses,
    violation_record,
)
from core.errors import Conflict, NotFound
from core.roles import Role
from exams import demo_bank
from exams.models import (
    AttemptQuestion,
    Exam,
    ExamKind,
    ExamResult,
    Paper,
    PracticalScore,
    Question,
    QuestionType,
)
from exams.services.attempts import answer_save, as_shown, attempt_start, attempt_submit
from exams.services.exams import ExamSpec, exam_create
from exams.services.grading import practical_scores_set
from exams.services.papers import ItemSpec, paper_create
from people.demo import CERTIFICATE_HOLDER, STAFF, TRAINEES, SeedContext
from people.models import Employee

HIGH_VOLTAGE_ELECTRICIAN = "ELHV"
PASS_SCORE = Decimal(80)
EXTERNAL_AUTHORITY = "Hunan Provincial Emergency Management Department"
EXTERNAL_NUMBER = "HN-ELHV-0917263"
COMPANY_PERMITS = [
    ("CPFL", "Forklift operation"),
    ("CPCR", "Crane operation"),
]
COMPANY_PERMIT_CATEGORY = "Company permits"

# Points of each kind of question on a trade paper (objective questions only: marked at once).
POINTS = {
    QuestionType.SINGLE: Decimal(2),
    QuestionType.MULTIPLE: Decimal(3),
    QuestionType.TRUE_FALSE: Decimal(1),
    QuestionType.FILL_BLANK: Decimal(2),
}
# The trade paper of each type: questions from these categories of the demo bank, in order,
# until 100 points.
TRADE_PAPERS = {
    LOW_VOLTAGE_ELECTRICIAN: [
        demo_bank.ELECTRICAL,
        demo_bank.LAWS,
        demo_bank.FIRST_AID,
        demo_bank.EXTINGUISHERS,
    ],
    FUSION_WELDING: [
        demo_bank.HOT_WORK,
        demo_bank.EXTINGUISHERS,
        demo_bank.GAS,
        demo_bank.LAWS,
        demo_bank.FIRST_AID,
    ],
    METALLURGICAL_GAS_WORK: [
        demo_bank.GAS,
        demo_bank.CONFINED,
        demo_bank.FIRST_AID,
        demo_bank.LAWS,
    ],
}


def _trainee(name: str) -> str:
    """The employee number of the demo trainee called ``name``."""
    return next(person.employee_no for person in TRAINEES if person.name == name)


@dataclass(frozen=True)
class Candidate:
    employee_no: str
    theory: int  # the theory score aimed at (of 100); the answers reach at least this
    practical: Decimal  # the examiners' mark


@dataclass(frozen=True)
class Sitting:
    """A certification sitting: theory on a Tuesday, practical on the Thursday, certificates
    issued on the Monday after next. ``issue_days_ago`` places the issue relative to today
    (``years_ago`` whole years before that)."""

    type_code: str
    group: int
    candidates: tuple[Candidate, ...]
    years_ago: int
    issue_days_ago: int

    def planned_issue(self, today: datetime.date) -> datetime.date:
        return add_years(today, -self.years_ago) - datetime.timedelta(days=self.issue_days_ago)


# The review falls due (issue + 3 years) in about six weeks: review due.
DUE_SOON = Sitting(
    type_code=LOW_VOLTAGE_ELECTRICIAN,
    group=1,
    candidates=(Candidate(_trainee("王建平"), theory=86, practical=Decimal(88)),),
    years_ago=3,
    issue_days_ago=-45,
)
# Issued this year; 吴小龙 passes the theory but not the practical: refused.
ELECTRICIANS = Sitting(
    type_code=LOW_VOLTAGE_ELECTRICIAN,
    group=2,
    candidates=(
        Candidate(CERTIFICATE_HOLDER.employee_no, theory=92, practical=Decimal(90)),
        Candidate(_trainee("吴小龙"), theory=82, practical=Decimal(72)),
    ),
    years_ago=0,
    issue_days_ago=140,
)
# The review fell due about a month ago and was not done: suspended.
OVERDUE = Sitting(
    type_code=FUSION_WELDING,
    group=1,
    candidates=(Candidate(_trainee("贺立新"), theory=84, practical=Decimal(85)),),
    years_ago=3,
    issue_days_ago=30,
)
# Issued this year; 李铁军's certificate is revoked later for a serious violation.
WELDERS = Sitting(
    type_code=FUSION_WELDING,
    group=2,
    candidates=(
        Candidate(_trainee("邓伟"), theory=90, practical=Decimal(92)),
        Candidate(_trainee("李铁军"), theory=81, practical=Decimal(83)),
    ),
    years_ago=0,
    issue_days_ago=140,
)
# Reviewed three weeks before the review fell due: valid again, to the end of its validity
# (a further review would fall after it).
REVIEWED = Sitting(
    type_code=METALLURGICAL_GAS_WORK,
    group=1,
    candidates=(Candidate(_trainee("田勇"), theory=88, practical=Decimal(90)),),
    years_ago=3,
    issue_days_ago=75,
)
GAS_WORKERS = Sitting(
    type_code=METALLURGICAL_GAS_WORK,
    group=2,
    candidates=(Candidate(_trainee("段勇"), theory=85, practical=Decimal(86)),),
    years_ago=0,
    issue_days_ago=140,
)
SITTINGS = [DUE_SOON, ELECTRICIANS, OVERDUE, WELDERS, REVIEWED, GAS_WORKERS]

REVOKED_HOLDER = _trainee("李铁军")
REVIEWED_HOLDER = _trainee("田勇")
MINOR_VIOLATION_HOLDER = _trainee("邓伟")
EXTERNAL_HOLDER = _trainee("姚国强")


def _user(role: str):
    person = next(person for person in STAFF if person.role == role)
    employee = Employee.objects.select_related("user").filter(employee_no=person.employee_no)
    employee = employee.first()
    return employee.user if employee is not None else None


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _tuesday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 1) % 7)


# Papers and exams -----------------------------------------------------------------------------


def _paper(ctx: SeedContext, actor, certificate_type: CertificateType):
    """The type's trade paper (100 points of objective questions from the demo bank)."""
    title = f"{certificate_type.operation_item} – certification theory paper"
    paper = Paper.objects.filter(title=title).first()
    if paper is not None:
        return paper
    items, total = [], Decimal(0)
    for path in TRADE_PAPERS[certificate_type.code]:
        questions = Question.objects.filter(
            category__path=path, is_active=True, retired_at__isnull=True, type__in=list(POINTS)
        ).order_by("pk")
        for question in questions:
            points = POINTS[question.type]
            if total + points <= 100:
                items.append(ItemSpec(question=question, points=points))
                total += points
    if total != 100:
        ctx.notes.append(f"Demo paper “{title}” not created: too few demo questions.")
        return None
    try:
        return paper_create(
            actor=actor,
            title=title,
            description=(
                f"Theory of the “{certificate_type}” certification: the trade, laws and "
                "regulations, first aid. 100 points; 80 pass."
            ),
            items=items,
        )
    except ValidationError as error:
        ctx.notes.append(f"Demo paper “{title}” not created: {error}")
        return None


@dataclass
class Exams:
    theory: Exam
    practical: Exam

    @property
    def theory_day(self) -> datetime.date:
        return timezone.localdate(self.theory.opens_at)

    @property
    def practical_day(self) -> datetime.date:
        return timezone.localdate(self.practical.opens_at)

    @property
    def issued_on(self) -> datetime.date:
        return self.theory_day + datetime.timedelta(days=13)


def _exams(ctx, actor, sitting: Sitting, certificate_type, people, today) -> Exams | None:
    """The sitting's theory and practical exams, found by title or created on the days the
    sitting falls (theory on a Tuesday, practical on the Thursday)."""
    item = certificate_type.operation_item
    theory_title = f"{item} – certification theory exam, group {sitting.group}"
    practical_title = f"{item} – certification practical exam, group {sitting.group}"
    theory = Exam.objects.filter(title=theory_title).first()
    practical = Exam.objects.filter(title=practical_title).first()
    if theory is None:
        paper = _paper(ctx, actor, certificate_type)
        if paper is None:
            return None
        day = _tuesday_before(sitting.planned_issue(today) - datetime.timedelta(days=13))
        theory = exam_create(
            actor=actor,
            spec=ExamSpec(
                title=theory_title,
                paper=paper,
                opens_at=_at(day, 9),
                closes_at=_at(day, 11, 30),
                duration_minutes=90,
                people=people,
                pass_score=PASS_SCORE,
                reward_top_n=0,
            ),
        )
    if practical is None:
        day = timezone.localdate(theory.opens_at) + datetime.timedelta(days=2)
        practical = exam_create(
            actor=actor,
            spec=ExamSpec(
                title=practical_title,
                kind=ExamKind.PRACTICAL,
                opens_at=_at(day, 8, 30),
                closes_at=_at(day, 17),
                duration_minutes=480,
                people=people,
                pass_score=PASS_SCORE,
                reward_top_n=0,
            ),
        )
    return Exams(theory, practical)


def _qualifying(actor, certificate_type: CertificateType, exams: Exams) -> CertificateType:
    """The type with the sitting's exams among those that qualify for it."""
    theory = list(certificate_type.theory_exams.all())
    practical = list(certificate_type.practical_exams.all())
    if exams.theory in theory and exams.practical in practical:
        return certificate_type
    return certificate_type_update(
        actor=actor,
        certificate_type=certificate_type,
        code=certificate_type.code,
        category=certificate_type.category,
        operation_item=certificate_type.operation_item,
        validity_years=certificate_type.validity_years,
        review_interval_years=certificate_type.review_interval_years,
        pass_score=certificate_type.pass_score,
        refresher_hours=certificate_type.refresher_hours,
        theory_exams={*theory, exams.theory},
        practical_exams={*practical, exams.practical},
        refresher_courses=list(certificate_type.refresher_courses.all()),
        is_active=certificate_type.is_active,
    )


# Sitting the exams ----------------------------------------------------------------------------


def _right_and_wrong(aq: AttemptQuestion) -> tuple[dict, dict]:
    version = aq.version
    if version.type == QuestionType.FILL_BLANK:
        return (
            {"blanks": [accepted[0] for accepted in version.blanks]},
            {"blanks": ["not sure" for _blank in version.blanks]},
        )
    options = {option.pk: option for option in version.options.all()}
    shown = [pk for pk in aq.option_order if pk in options] or sorted(options)
    correct = [pk for pk in shown if options[pk].correct]
    wrong = [pk for pk in shown if not options[pk].correct]
    if version.type != QuestionType.MULTIPLE:
        return {"selected": correct[:1]}, {"selected": wrong[:1]}
    if len(correct) > 1:
        return {"selected": correct}, {"selected": correct[:-1]}
    return {"selected": correct}, {"selected": [*correct, *wrong[:1]]}


def _sit_theory(exam: Exam, employee: Employee, candidate: Candidate, index: int) -> None:
    """The candidate sits the theory exam on its day and scores at least ``candidate.theory``:
    every answer right except some, chosen at random, that the score can spare."""
    chance = random.Random(f"{exam.title}-{employee.employee_no}")
    started = exam.opens_at + datetime.timedelta(minutes=2 * index, seconds=chance.randint(0, 59))
    duration = datetime.timedelta(minutes=chance.randint(40, 70))
    try:
        attempt = attempt_start(employee=employee, exam=exam, now=started, rng=chance).attempt
    except (Conflict, NotFound):
        return
    questions = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("version")
        .prefetch_related("version__options")
        .order_by("position")
    )
    answers = {aq.pk: _right_and_wrong(aq)[0] for aq in questions}
    total = sum((aq.points for aq in questions), Decimal(0))
    spare = list(questions)
    chance.shuffle(spare)
    for aq in spare:
        if total - aq.points >= candidate.theory:
            answers[aq.pk] = _right_and_wrong(aq)[1]
            total -= aq.points
    for number, aq in enumerate(questions, start=1):
        answer_save(
            user=employee.user,
            attempt_id=attempt.pk,
            question=aq.key,
            now=started + duration * number / (len(questions) + 1),
            **as_shown(aq, answers[aq.pk]),
        )
    attempt_submit(attempt=attempt, now=started + duration)


def _enter_practical(exams: Exams, examiner, marks: list[tuple[Employee, Decimal]]) -> None:
    """The examiners' marks, entered through the service and then dated to the afternoon of
    the practical exam (the service stamps them with the time of entry)."""
    if not marks:
        return
    practical_scores_set(actor=examiner, exam=exams.practical, scores=marks)
    entered = _at(exams.practical_day, 16, 30)
    employees = [employee for employee, _mark in marks]
    PracticalScore.objects.filter(exam=exams.practical, employee__in=employees).update(
        entered_at=entered
    )
    ExamResult.objects.filter(exam=exams.practical, employee__in=employees).update(
        submitted_at=entered
    )


def _held(employee: Employee, certificate_type: CertificateType) -> bool:
    return Certificate.objects.filter(
        holder=employee, certificate_type=certificate_type, external=False
    ).exists()


def _seed_sitting(ctx, officer, examiner, sitting: Sitting, today) -> list[Certificate]:
    """Run one sitting for the candidates still without their certificate; returns the
    certificates issued now."""
    certificate_type = CertificateType.objects.filter(code=sitting.type_code).first()
    if certificate_type is None:
        ctx.notes.append(f"No certificate type “{sitting.type_code}”: its demo sitting skipped.")
        return []
    numbers = [candidate.employee_no for candidate in sitting.candidates]
    employees = {
        e.employee_no: e
        for e in Employee.objects.filter(employee_no__in=numbers, user__is_active=True)
        .select_related("user")
        .order_by("employee_no")
    }
    if all(_held(employee, certificate_type) for employee in employees.values()):
        return []
    try:
        exams = _exams(ctx, officer, sitting, certificate_type, list(employees.values()), today)
    except ValidationError as error:
        # The officer may have switched off questions of the trade paper: the rest of the
        # seed stands (exam_create runs in its own savepoint).
        ctx.notes.append(f"Demo sitting for “{certificate_type}” skipped: {error}")
        return []
    if exams is None:
        return []
    certificate_type = _qualifying(officer, certificate_type, exams)
    sat = set(ExamResult.objects.filter(exam=exams.theory).values_list("employee_id", flat=True))
    marked = set(
        PracticalScore.objects.filter(exam=exams.practical).values_list("employee_id", flat=True)
    )
    marks = []
    for index, candidate in enumerate(sitting.candidates):
        employee = employees.get(candidate.employee_no)
        if employee is None or _held(employee, certificate_type):
            continue
        if employee.pk not in sat:
            _sit_theory(exams.theory, employee, candidate, index)
        if employee.pk not in marked:
            marks.append((employee, candidate.practical))
    _enter_practical(exams, examiner, marks)
    batch = certificates_issue_batch(
        actor=officer,
        certificate_type=certificate_type,
        theory_exam=exams.theory,
        practical_exam=exams.practical,
        issued_on=exams.issued_on,
    )
    return batch.issued


# After the issue: reviews, violations, revocation ----------------------------------------------


def _after_issue(officer, certificate: Certificate, today: datetime.date) -> None:
    """What happened to some certificates since: a review, a minor violation, a revocation."""
    holder = certificate.holder.employee_no
    if holder == REVIEWED_HOLDER and certificate.next_review_due is not None:
        reviewed_on = min(certificate.next_review_due - datetime.timedelta(days=21), today)
        certificate_review(
            actor=officer,
            certificate=certificate,
            reviewed_on=reviewed_on,
            passed=True,
            refresher_hours=Decimal(8),
            note=(
                "Refresher training: gas detection, leak handling and rescue with breathing "
                "apparatus, 8 hours. Review passed."
            ),
        )
    elif holder == MINOR_VIOLATION_HOLDER:
        violation_record(
            actor=officer,
            certificate=certificate,
            occurred_on=min(certificate.issued_on + datetime.timedelta(days=45), today),
            description="Tack-welded on the barge deck without the face shield.",
        )
    elif holder == REVOKED_HOLDER:
        occurred = min(certificate.issued_on + datetime.timedelta(days=110), today)
        violation_record(
            actor=officer,
            certificate=certificate,
            occurred_on=occurred,
            serious=True,
            description=(
                "Cut a fuel tank on the work barge without a hot-work permit or a gas test; "
                "a fire broke out and was put out by the crew."
            ),
        )
        certificate_revoke(
            actor=officer,
            certificate=certificate,
            reason_category="violation",
            reason=(
                f"Serious violation on {occurred.isoformat()}: hot work without a permit "
                "caused a fire on the work barge (safety committee decision)."
            ),
        )


def _seed_external(ctx, officer, today: datetime.date) -> None:
    """姚国强's high-voltage certificate, issued by the provincial authority two years ago."""
    if Certificate.objects.filter(number=EXTERNAL_NUMBER).exists():
        return
    holder = Employee.objects.filter(employee_no=EXTERNAL_HOLDER).first()
    certificate_type = CertificateType.objects.filter(code=HIGH_VOLTAGE_ELECTRICIAN).first()
    if holder is None or certificate_type is None:
        return
    issued_on = add_years(today, -2) - datetime.timedelta(days=20)
    try:
        certificate_register_external(
            actor=officer,
            holder=holder,
            certificate_type=certificate_type,
            number=EXTERNAL_NUMBER,
            issuing_authority=EXTERNAL_AUTHORITY,
            issued_on=issued_on,
            expires_on=add_years(issued_on, 6) - datetime.timedelta(days=1),
            next_review_due=add_years(issued_on, 3),
        )
    except ValidationError as error:
        ctx.notes.append(f"Demo external certificate not registered: {error}")


def _seed_company_permits(ctx: SeedContext, officer) -> None:
    """Two of the company's own permit types; the safety officer issues them from the pages."""
    for code, item in COMPANY_PERMITS:
        if CertificateType.objects.filter(code__iexact=code).exists():
            continue
        try:
            certificate_type_create(
                actor=officer,
                code=code,
                category=COMPANY_PERMIT_CATEGORY,
                operation_item=item,
                validity_years=3,
                review_interval_years=1,
                refresher_hours=Decimal(4),
            )
        except ValidationError as error:
            ctx.notes.append(f"Demo permit type “{item}” not created: {error}")


def seed_certificates(ctx: SeedContext) -> None:
    """The special workers' certificates (see the module docstring), the external one, the
    company permit types, and every status brought up to date."""
    today = timezone.localdate()
    officer = _user(Role.SAFETY_OFFICER)
    examiner = _user(Role.INSTRUCTOR) or officer
    _seed_company_permits(ctx, officer)
    for sitting in SITTINGS:
        for certificate in _seed_sitting(ctx, officer, examiner, sitting, today):
            try:
                _after_issue(officer, certificate, today)
            except (ValidationError, Conflict) as error:
                ctx.notes.append(f"Demo certificate {certificate.number}: {error}")
    _seed_external(ctx, officer, today)
    certificates_refresh_statuses(today=today)
    _report(ctx)


def _report(ctx: SeedContext) -> None:
    """One line with the certificates by status, for whoever runs ``make demo``."""
    certificates = Certificate.objects.all()
    if not certificates.exists():
        return
    labels = dict(CertificateStatus.choices)
    counts = [
        f"{certificates.filter(status=status).count()} {labels[status].lower()}"
        for status in CertificateStatus.values
        if certificates.filter(status=status).exists()
    ]
    external = certificates.filter(external=True).count()
    ctx.stdout.write(
        f"Certificates: {certificates.count()} ({', '.join(counts)}), "
        f"{external} of them registered from outside."
    )
