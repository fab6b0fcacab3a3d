"""The rules a certificate must meet, checked in one place and explained when they fail.

Issue rules (for an issue, a batch issue and the API's 400): the holder is at least 18 (from
the birth date, or from a Chinese resident ID); passed a qualifying theory exam of the type
with at least the type's pass score (of 100); passed a qualifying practical exam with at least
the pass score, the practical mark entered after the theory pass; both passes at most 12
months old; at most one resit of each (a second failure requires retraining).

Review rules: no review of a revoked or expired certificate; refused with two or more recorded
violations or a serious one; refused without the type's refresher hours.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from exams.models import Attempt, AttemptStatus, Exam, ExamResult, PracticalScore
from people.identity import national_id_birth_date
from people.models import Employee

MINIMUM_AGE = 18
PASS_VALID_MONTHS = 12
MAX_FAILURES = 2  # the first sitting and one resit


@dataclass(frozen=True)
class RuleFailure:
    rule: str  # a stable key: age, theory_pass, practical_pass, ...
    message: str


@dataclass
class IssueCheck:
    failures: list[RuleFailure]
    theory_score: Decimal | None = None
    practical_score: Decimal | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


def birth_date(employee: Employee) -> datetime.date | None:
    if employee.birth_date:
        return employee.birth_date
    if employee.national_id:
        return national_id_birth_date(employee.national_id)
    return None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _months_ago(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 - months, 12)
    year += day.year
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def number_text(value: Decimal) -> str:
    """``80.00`` as ``80``, ``82.50`` as ``82.5`` (``normalize()`` alone gives ``8E+1``)."""
    return f"{Decimal(value).normalize():f}"


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    if not maximum:
        return Decimal(0)
    return (score * 100 / maximum).quantize(Decimal("0.01"))


def issue_check(
    *,
    holder: Employee,
    certificate_type,
    theory_exam: Exam | None,
    practical_exam: Exam | None,
    today: datetime.date,
) -> IssueCheck:
    """Every issue rule the holder fails, in the order above, with the scores found."""
    failures: list[RuleFailure] = []
    pass_score = Decimal(str(certificate_type.pass_score))
    oldest = _months_ago(today, PASS_VALID_MONTHS)

    born = birth_date(holder)
    if born is None:
        failures.append(
            RuleFailure(
                "age", _("The holder's birth date is unknown (no birth date or resident ID).")
            )
        )
    elif age_on(born, today) < MINIMUM_AGE:
        failures.append(RuleFailure("age", _("The holder is under %d years old.") % MINIMUM_AGE))

    theory_score = theory_time = None
    theory_ids = set(certificate_type.theory_exams.values_list("pk", flat=True))
    if theory_exam is None:
        failures.append(RuleFailure("theory_pass", _("No theory exam is given.")))
    elif theory_ids and theory_exam.pk not in theory_ids:
        failures.append(
            RuleFailure(
                "theory_pass",
                _("“%s” is not a theory exam of this certificate type.") % theory_exam.title,
            )
        )
    else:
        result = (
            ExamResult.objects.select_related("attempt")
            .filter(exam=theory_exam, employee=holder)
            .first()
        )
        if result is None:
            failures.append(
                RuleFailure("theory_pass", _("The holder has no result in the theory exam."))
            )
        else:
            maximum = result.attempt.max_score if result.attempt else Decimal(100)
            theory_score, theory_time = _percent(result.score, maximum), result.submitted_at
            if theory_score < pass_score:
                failures.append(
                    RuleFailure(
                        "theory_pass",
                        _("The theory score %(score)s is below the pass score %(pass)s.")
                        % {"score": number_text(theory_score), "pass": number_text(pass_score)},
                    )
                )
            elif timezone.localdate(theory_time) > today:
                failures.append(
                    RuleFailure(
                        "theory_recent", _("The theory pass is dated after the issue date.")
                    )
                )
            elif timezone.localdate(theory_time) < oldest:
                failures.append(
                    RuleFailure("theory_recent", _("The theory pass is more than 12 months old."))
                )
        exams = theory_ids or {theory_exam.pk}
        failed = Attempt.objects.filter(
            exam__in=exams,
            employee=holder,
            status=AttemptStatus.GRADED,
            passed=False,
            submitted_at__date__gte=oldest,
        ).count()
        if failed >= MAX_FAILURES:
            failures.append(
                RuleFailure(
                    "resit",
                    _("The holder failed the theory exam %d times: retraining is required.")
                    % failed,
                )
            )

    practical_score = None
    practical_ids = set(certificate_type.practical_exams.values_list("pk", flat=True))
    if practical_exam is None:
        failures.append(RuleFailure("practical_pass", _("No practical exam is given.")))
    elif practical_ids and practical_exam.pk not in practical_ids:
        failures.append(
            RuleFailure(
                "practical_pass",
                _("“%s” is not a practical exam of this certificate type.") % practical_exam.title,
            )
        )
    else:
        mark = PracticalScore.objects.filter(exam=practical_exam, employee=holder).first()
        if mark is None:
            failures.append(
                RuleFailure("practical_pass", _("The holder has no practical exam score."))
            )
        else:
            practical_score = mark.score
            if mark.score < pass_score:
                failures.append(
                    RuleFailure(
                        "practical_pass",
                        _("The practical score %(score)s is below the pass score %(pass)s.")
                        % {"score": number_text(mark.score), "pass": number_text(pass_score)},
                    )
                )
            elif timezone.localdate(mark.entered_at) > today:
                failures.append(
                    RuleFailure(
                        "practical_recent", _("The practical pass is dated after the issue date.")
                    )
                )
            elif timezone.localdate(mark.entered_at) < oldest:
                failures.append(
                    RuleFailure(
                        "practical_recent", _("The practical pass is more than 12 months old.")
                    )
                )
            if theory_time is not None and mark.entered_at < theory_time:
                failures.append(
                    RuleFailure(
                        "practical_order",
                        _("The practical score was entered before the theory pass."),
                    )
                )
        failed = PracticalScore.objects.filter(
            exam__in=practical_ids or {practical_exam.pk},
            employee=holder,
            passed=False,
            entered_at__date__gte=oldest,
        ).count()
        if failed >= MAX_FAILURES:
            failures.append(
                RuleFailure(
                    "resit",
                    _("The holder failed the practical exam %d times: retraining is required.")
                    % failed,
                )
            )
    return IssueCheck(failures=failures, theory_score=theory_score, practical_score=practical_score)
