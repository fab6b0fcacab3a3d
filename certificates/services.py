"""Every write to certificates: issue (one or a batch), number allocation, status upkeep,
reviews, violations, suspension, revocation, renewal and registering external certificates.
Each runs in one transaction and writes the audit log with before and after."""

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.selectors import training_attendance
from certificates.models import (
    Certificate,
    CertificateReview,
    CertificateStatus,
    CertificateType,
    NumberCounter,
    Violation,
    add_years,
)
from certificates.rules import RuleFailure, issue_check, number_text
from certificates.signing import printed_fields, sign
from core.audit import audit_record
from core.errors import Conflict, Forbidden
from courses.models import Training
from exams.models import Exam, ExamKind, ExamResult
from people.models import Employee

REVIEW_DUE_DAYS = 60
EXTENDED_INTERVAL_YEARS = 6
EXTENDED_INTERVAL_MIN_YEARS = 10
OVERRIDE_PERMISSION = "certificates.issue_with_override"


class RulesNotMet(ValidationError):
    """An issue refused by the rules; ``failures`` names each rule."""

    def __init__(self, failures: list[RuleFailure]):
        self.failures = failures
        super().__init__({"rules": [f"{failure.message}" for failure in failures]})


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _today() -> datetime.date:
    return timezone.localdate()


# Status -------------------------------------------------------------------------------------


def certificate_state(certificate: Certificate, today: datetime.date) -> str:
    """What the certificate's status is on ``today``: revoked and expired are final, decisions
    stand; expired after ``expires_on``; suspended when the review is overdue; review due from
    60 days before; otherwise valid."""
    if certificate.status in (CertificateStatus.REVOKED, CertificateStatus.EXPIRED):
        # Final: a renewal expires the old certificate before its end of validity.
        return certificate.status
    if today > certificate.expires_on:
        return CertificateStatus.EXPIRED
    if certificate.suspended_by_decision:
        return CertificateStatus.SUSPENDED
    due = certificate.next_review_due
    if due is not None and today > due:
        return CertificateStatus.SUSPENDED
    if due is not None and today >= due - datetime.timedelta(days=REVIEW_DUE_DAYS):
        return CertificateStatus.REVIEW_DUE
    return CertificateStatus.VALID


def certificate_refresh_status(
    *, certificate: Certificate, today: datetime.date | None = None
) -> Certificate:
    """Bring the stored status up to date (called when a certificate is read and by the daily
    ``refresh_certificate_statuses`` command); an automatic change is audit-logged."""
    today = today or _today()
    state = certificate_state(certificate, today)
    if state == certificate.status:
        return certificate
    with transaction.atomic():
        before = certificate.status
        reason = certificate.status_reason
        if state == CertificateStatus.SUSPENDED and not certificate.suspended_by_decision:
            reason = _("Review overdue since %s.") % certificate.next_review_due.isoformat()
        elif state == CertificateStatus.EXPIRED:
            reason = _("Validity ended on %s.") % certificate.expires_on.isoformat()
        elif state in (CertificateStatus.VALID, CertificateStatus.REVIEW_DUE):
            reason = ""
        updated = Certificate.objects.filter(pk=certificate.pk, status=before).update(
            status=state, status_reason=reason, status_checked_on=today
        )
        if updated:
            certificate.status, certificate.status_reason = state, reason
            audit_record(
                actor=None,
                action="certificate.status_changed",
                target=certificate,
                before={"status": before},
                after={"status": state},
                note=reason,
            )
    return certificate


def certificates_refresh_statuses(*, today: datetime.date | None = None) -> int:
    """Refresh every certificate whose status may have changed; returns how many changed."""
    today = today or _today()
    horizon = today + datetime.timedelta(days=REVIEW_DUE_DAYS)
    candidates = Certificate.objects.exclude(
        status__in=[CertificateStatus.REVOKED, CertificateStatus.EXPIRED]
    ).filter(
        Q(next_review_due__lte=horizon)
        | Q(expires_on__lt=today)
        | Q(status__in=[CertificateStatus.REVIEW_DUE, CertificateStatus.SUSPENDED])
    )
    changed = 0
    for certificate in candidates.select_related("certificate_type"):
        before = certificate.status
        certificate_refresh_status(certificate=certificate, today=today)
        changed += certificate.status != before
    return changed


# Numbers ------------------------------------------------------------------------------------


def number_allocate(*, certificate_type: CertificateType, issued_on: datetime.date) -> str:
    """The next number for the type and year from ``CERTIFICATE_NUMBER_PATTERN``. Locks the
    counter row until the caller's transaction ends, so concurrent issues get consecutive
    numbers with no gap and no duplicate (a rolled-back issue gives its serial back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate must run inside the issue's transaction.")
    key = f"{issued_on.year}:{certificate_type.code}"
    counter = NumberCounter.objects.select_for_update().filter(key=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(key=key, last=0)
        except IntegrityError:
            pass  # created by a concurrent issue a moment ago
        counter = NumberCounter.objects.select_for_update().get(key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return settings.CERTIFICATE_NUMBER_PATTERN.format(
        year=issued_on.year, type_code=certificate_type.code, serial=counter.last
    )


def new_token() -> str:
    """A public token of 192 random bits for the QR code (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(24)


# Issue --------------------------------------------------------------------------------------


def _first_review(issued_on: datetime.date, interval: int, expires_on: datetime.date):
    due = add_years(issued_on, interval)
    return due if due < expires_on else None


@transaction.atomic
def certificate_issue(
    *,
    actor,
    holder: Employee,
    certificate_type: CertificateType,
    theory_exam: Exam | None,
    practical_exam: Exam | None = None,
    override_reason: str = "",
    issued_on: datetime.date | None = None,
    photo=None,
) -> Certificate:
    """Issue a certificate when every issue rule holds (``certificates.rules``); otherwise
    ``RulesNotMet`` naming each failed rule. With ``override_reason`` a user holding
    ``certificates.issue_with_override`` issues anyway and the reason is recorded (others get
    Forbidden). Refuses a second live certificate of the same type for the same person
    (Conflict; concurrent issues give one, by a partial unique constraint)."""
    issued_on = issued_on or _today()
    override_reason = (override_reason or "").strip()
    if not certificate_type.is_active:
        raise ValidationError(
            {"certificate_type": [_("This certificate type is no longer issued.")]}
        )
    check = issue_check(
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory_exam,
        practical_exam=practical_exam,
        today=issued_on,
    )
    if not check.ok:
        if not override_reason:
            raise RulesNotMet(check.failures)
        if actor is None or not actor.has_perm(OVERRIDE_PERMISSION):
            raise Forbidden(_("Issuing despite the rules needs the override permission."))
    if (
        Certificate.objects.filter(holder=holder, certificate_type=certificate_type, external=False)
        .exclude(status__in=[CertificateStatus.REVOKED, CertificateStatus.EXPIRED])
        .exists()
    ):
        raise Conflict(
            _("%(name)s already holds a live “%(type)s” certificate.")
            % {"name": holder.name, "type": certificate_type}
        )
    expires_on = add_years(issued_on, certificate_type.validity_years) - datetime.timedelta(days=1)
    certificate = Certificate(
        number=number_allocate(certificate_type=certificate_type, issued_on=issued_on),
        token=new_token(),
        holder=holder,
        certificate_type=certificate_type,
        holder_name=holder.name,
        issued_on=issued_on,
        expires_on=expires_on,
        review_interval_years=certificate_type.review_interval_years,
        next_review_due=_first_review(
            issued_on, certificate_type.review_interval_years, expires_on
        ),
        theory_exam=theory_exam,
        practical_exam=practical_exam,
        theory_score=check.theory_score,
        practical_score=check.practical_score,
        override_reason=override_reason if not check.ok else "",
        issued_by=_user(actor),
    )
    if photo is not None:
        certificate.photo = photo
    certificate.signature = sign(printed_fields(certificate))
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as error:
        raise Conflict(
            _("%(name)s already holds a live “%(type)s” certificate.")
            % {"name": holder.name, "type": certificate_type}
        ) from error
    audit_record(
        actor=actor,
        action="certificate.issued",
        target=certificate,
        after={
            **printed_fields(certificate),
            "status": certificate.status,
            "theory_score": check.theory_score,
            "practical_score": check.practical_score,
            "rules_failed": [failure.rule for failure in check.failures],
        },
        note=certificate.override_reason,
    )
    # A back-dated issue may already be review due or suspended: set it with its reason.
    return certificate_refresh_status(certificate=certificate, today=_today())


@dataclass
class BatchIssue:
    issued: list[Certificate] = field(default_factory=list)
    refused: list[tuple[Employee, list[RuleFailure]]] = field(default_factory=list)


def certificates_issue_batch(
    *,
    actor,
    certificate_type: CertificateType,
    theory_exam: Exam,
    practical_exam: Exam | None = None,
    issued_on: datetime.date | None = None,
) -> BatchIssue:
    """Issue to everyone with a result in ``theory_exam`` who meets every rule; the others are
    listed with the rules they fail (and those already holding one are skipped). Each issue is
    its own transaction: one refusal never undoes another's certificate."""
    batch = BatchIssue()
    holders = Employee.objects.filter(
        pk__in=ExamResult.objects.filter(exam=theory_exam).values("employee_id")
    ).select_related("department")
    for holder in holders.order_by("employee_no"):
        try:
            batch.issued.append(
                certificate_issue(
                    actor=actor,
                    holder=holder,
                    certificate_type=certificate_type,
                    theory_exam=theory_exam,
                    practical_exam=practical_exam,
                    issued_on=issued_on,
                )
            )
        except RulesNotMet as refused:
            batch.refused.append((holder, refused.failures))
        except Conflict as conflict:
            batch.refused.append((holder, [RuleFailure("already_held", conflict.message)]))
    return batch


# Reviews, violations, decisions ----------------------------------------------------------------


def refresher_hours_attended(
    *, certificate: Certificate, since: datetime.date, until: datetime.date
) -> Decimal:
    """Hours the holder attended in trainings of the type's refresher courses that started
    between ``since`` and ``until``, from attendance."""
    courses = certificate.certificate_type.refresher_courses.all()
    trainings = Training.objects.filter(
        course__in=courses,
        starts_on__gte=since,
        starts_on__lte=until,
        enrollments__employee=certificate.holder,
    ).distinct()
    total = Decimal(0)
    for training in trainings:
        for trainee in training_attendance(training, employee_ids=[certificate.holder_id]).trainees:
            total += Decimal(str(trainee.hours or 0))
    return total


@transaction.atomic
def certificate_review(
    *,
    actor,
    certificate: Certificate,
    reviewed_on: datetime.date,
    passed: bool,
    refresher_hours=None,
    note: str = "",
    extended_interval: bool = False,
    years_in_trade: int | None = None,
) -> CertificateReview:
    """Record a periodic review. A passed review makes the certificate valid again and sets
    the next review one interval after the one that was due (none when that falls after the
    end of validity); ``extended_interval`` (approved for 10+ consecutive years in the trade
    and no violation) makes the interval 6 years. Refused, with the rule named: a revoked or
    expired certificate; two or more recorded violations or a serious one; fewer refresher
    hours than the type needs (hours attended in the type's refresher courses since the last
    review, or the hours given when the type names no course)."""
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("certificate_type")
        .get(pk=certificate.pk)
    )
    certificate_refresh_status(certificate=certificate, today=reviewed_on)
    if (
        certificate.status in (CertificateStatus.REVOKED, CertificateStatus.EXPIRED)
        or certificate.external
    ):
        raise Conflict(
            _("A %(status)s certificate cannot be reviewed; issue a new one.")
            % {"status": CertificateStatus(certificate.status).label.lower()}
            if not certificate.external
            else _("An external certificate is reviewed by its issuing authority.")
        )
    if reviewed_on > _today():
        raise ValidationError({"reviewed_on": [_("A review cannot be dated in the future.")]})
    violations = list(certificate.violations.all())
    failures = []
    if any(v.serious for v in violations):
        failures.append(_("Rule: a serious violation is recorded; the review is refused."))
    elif len(violations) >= 2:
        failures.append(
            _("Rule: %d violations are recorded; the review is refused.") % len(violations)
        )
    last = certificate.reviews.filter(passed=True).order_by("-reviewed_on").first()
    since = last.reviewed_on if last else certificate.issued_on
    required = Decimal(str(certificate.certificate_type.refresher_hours))
    if certificate.certificate_type.refresher_courses.exists():
        hours = refresher_hours_attended(certificate=certificate, since=since, until=reviewed_on)
    else:
        try:
            hours = Decimal(str(refresher_hours if refresher_hours is not None else 0))
        except InvalidOperation as error:
            raise ValidationError({"refresher_hours": [_("Hours are a number.")]}) from error
    if hours < required:
        failures.append(
            _("Rule: %(hours)s refresher hours attended, %(required)s needed.")
            % {"hours": number_text(hours), "required": number_text(required)}
        )
    if extended_interval and (violations or (years_in_trade or 0) < EXTENDED_INTERVAL_MIN_YEARS):
        failures.append(
            _(
                "Rule: a 6-year interval needs %d or more consecutive years in the trade "
                "and no violation."
            )
            % EXTENDED_INTERVAL_MIN_YEARS
        )
    if passed and failures:
        raise ValidationError({"review": failures})
    before = {"status": certificate.status, "next_review_due": certificate.next_review_due}
    review = CertificateReview.objects.create(
        certificate=certificate,
        reviewed_on=reviewed_on,
        passed=passed,
        refresher_hours=hours,
        note=(note or "").strip(),
        extended_interval=extended_interval and passed,
        years_in_trade=years_in_trade,
        previous_due=certificate.next_review_due,
        recorded_by=_user(actor),
    )
    if passed:
        if extended_interval:
            certificate.review_interval_years = EXTENDED_INTERVAL_YEARS
        base = certificate.next_review_due or reviewed_on
        following = add_years(base, certificate.review_interval_years)
        certificate.next_review_due = following if following < certificate.expires_on else None
        certificate.suspended_by_decision = False
        certificate.status_reason = ""
        certificate.status = certificate_state(certificate, _today())
    certificate.save(
        update_fields=[
            "review_interval_years",
            "next_review_due",
            "suspended_by_decision",
            "status",
            "status_reason",
        ]
    )
    audit_record(
        actor=actor,
        action="certificate.reviewed",
        target=certificate,
        before=before,
        after={
            "status": certificate.status,
            "next_review_due": certificate.next_review_due,
            "passed": passed,
            "refresher_hours": hours,
        },
        note=review.note,
    )
    return review


@transaction.atomic
def violation_record(
    *,
    actor,
    certificate: Certificate,
    occurred_on: datetime.date,
    description: str,
    serious: bool = False,
) -> Violation:
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("Describe the violation.")]})
    violation = Violation.objects.create(
        certificate=certificate,
        occurred_on=occurred_on,
        description=description[:500],
        serious=serious,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="certificate.violation_recorded",
        target=certificate,
        after={
            "occurred_on": occurred_on,
            "serious": serious,
            "description": violation.description,
        },
    )
    return violation


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    return reason[:500]


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke for good (shown at once on the verify page). A revoked certificate is never
    reviewed or renewed; the person needs a new issue."""
    reason = _reason(reason)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("The certificate is already revoked."))
    before = {"status": certificate.status, "reason": certificate.status_reason}
    certificate.status, certificate.status_reason = CertificateStatus.REVOKED, reason
    certificate.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor,
        action="certificate.revoked",
        target=certificate,
        before=before,
        after={"status": certificate.status, "reason": reason},
    )
    return certificate


@transaction.atomic
def certificate_suspend(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Suspend by decision until reinstated or reviewed."""
    reason = _reason(reason)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_final:
        raise Conflict(_("A revoked or expired certificate cannot be suspended."))
    before = {"status": certificate.status, "reason": certificate.status_reason}
    certificate.suspended_by_decision = True
    certificate.status, certificate.status_reason = CertificateStatus.SUSPENDED, reason
    certificate.save(update_fields=["suspended_by_decision", "status", "status_reason"])
    audit_record(
        actor=actor,
        action="certificate.suspended",
        target=certificate,
        before=before,
        after={"status": certificate.status, "reason": reason},
    )
    return certificate


@transaction.atomic
def certificate_reinstate(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Lift a suspension by decision; the status then follows the dates again."""
    reason = _reason(reason)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.suspended_by_decision or certificate.is_final:
        raise Conflict(_("The certificate is not suspended by decision."))
    before = {"status": certificate.status, "reason": certificate.status_reason}
    certificate.suspended_by_decision = False
    certificate.status_reason = ""
    certificate.status = certificate_state(certificate, _today())
    certificate.save(update_fields=["suspended_by_decision", "status", "status_reason"])
    audit_record(
        actor=actor,
        action="certificate.reinstated",
        target=certificate,
        before=before,
        after={"status": certificate.status},
        note=reason,
    )
    return certificate


@transaction.atomic
def certificate_renew(
    *, actor, certificate: Certificate, issued_on: datetime.date | None = None
) -> Certificate:
    """After the end of validity (or within 90 days before it), a new certificate of the same
    type linked to the old one, with a new number and token; the old one expires. Refused for
    a revoked or external certificate and under the same violation rules as a review."""
    issued_on = issued_on or _today()
    old = (
        Certificate.objects.select_for_update()
        .select_related("certificate_type", "holder")
        .get(pk=certificate.pk)
    )
    if old.status == CertificateStatus.REVOKED:
        raise Conflict(_("A revoked certificate cannot be renewed; issue a new one."))
    if old.external:
        raise Conflict(_("An external certificate is renewed by its issuing authority."))
    if hasattr(old, "renewed_by"):
        raise Conflict(_("This certificate was already renewed."))
    if issued_on < old.expires_on - datetime.timedelta(days=90):
        raise ValidationError(_("A certificate is renewed from 90 days before its validity ends."))
    violations = list(old.violations.all())
    if any(v.serious for v in violations) or len(violations) >= 2:
        raise ValidationError(_("Rule: violations are recorded; renewal needs a new issue."))
    before = {"status": old.status}
    old.status, old.status_reason = CertificateStatus.EXPIRED, _("Renewed.")
    old.save(update_fields=["status", "status_reason"])
    certificate_type = old.certificate_type
    expires_on = add_years(issued_on, certificate_type.validity_years) - datetime.timedelta(days=1)
    new = Certificate(
        number=number_allocate(certificate_type=certificate_type, issued_on=issued_on),
        token=new_token(),
        holder=old.holder,
        certificate_type=certificate_type,
        holder_name=old.holder.name,
        issued_on=issued_on,
        expires_on=expires_on,
        review_interval_years=old.review_interval_years,
        next_review_due=_first_review(issued_on, old.review_interval_years, expires_on),
        theory_exam=old.theory_exam,
        practical_exam=old.practical_exam,
        theory_score=old.theory_score,
        practical_score=old.practical_score,
        renewed_from=old,
        photo=old.photo,
        issued_by=_user(actor),
    )
    new.signature = sign(printed_fields(new))
    new.save()
    audit_record(
        actor=actor,
        action="certificate.expired_by_renewal",
        target=old,
        before=before,
        after={"status": old.status},
    )
    audit_record(
        actor=actor,
        action="certificate.renewed",
        target=new,
        after={**printed_fields(new), "renews": old.number},
    )
    return new


@transaction.atomic
def certificate_register_external(
    *,
    actor,
    holder: Employee,
    certificate_type: CertificateType,
    number: str,
    issuing_authority: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
    next_review_due: datetime.date | None = None,
    scan=None,
) -> Certificate:
    """Register a certificate issued by an outside authority so the compliance check and the
    reminders cover it; its verify page says it is registered, not issued here."""
    errors = {}
    number = (number or "").strip()
    issuing_authority = (issuing_authority or "").strip()
    if not number:
        errors["number"] = [_("Give the certificate's number.")]
    elif len(number) > 40:
        errors["number"] = [_("A number has at most 40 characters.")]
    elif Certificate.objects.filter(number=number).exists():
        errors["number"] = [_("A certificate with this number is already recorded.")]
    if not issuing_authority:
        errors["issuing_authority"] = [_("Name the issuing authority.")]
    if issued_on and expires_on and expires_on <= issued_on:
        errors["expires_on"] = [_("The validity must end after the issue date.")]
    if errors:
        raise ValidationError(errors)
    certificate = Certificate(
        number=number,
        token=new_token(),
        holder=holder,
        certificate_type=certificate_type,
        holder_name=holder.name,
        issued_on=issued_on,
        expires_on=expires_on,
        review_interval_years=certificate_type.review_interval_years,
        next_review_due=next_review_due,
        external=True,
        issuing_authority=issuing_authority[:200],
        issued_by=_user(actor),
    )
    if scan is not None:
        certificate.scan = scan
    certificate.signature = sign(printed_fields(certificate))
    certificate.save()
    audit_record(
        actor=actor,
        action="certificate.external_registered",
        target=certificate,
        after={**printed_fields(certificate), "authority": certificate.issuing_authority},
    )
    return certificate_refresh_status(certificate=certificate, today=_today())


# Certificate types ----------------------------------------------------------------------------

TYPE_FIELDS = (
    "code",
    "category",
    "operation_item",
    "validity_years",
    "review_interval_years",
    "pass_score",
    "refresher_hours",
    "is_active",
)
_NATIONAL_FIXED = ("code", "category", "operation_item")


def _type_snapshot(certificate_type: CertificateType) -> dict:
    return {
        **{name: getattr(certificate_type, name) for name in TYPE_FIELDS},
        "theory_exams": sorted(certificate_type.theory_exams.values_list("pk", flat=True)),
        "practical_exams": sorted(certificate_type.practical_exams.values_list("pk", flat=True)),
        "refresher_courses": sorted(
            certificate_type.refresher_courses.values_list("pk", flat=True)
        ),
    }


def _type_save(
    *,
    actor,
    certificate_type: CertificateType,
    values: dict,
    theory_exams,
    practical_exams,
    refresher_courses,
    action: str,
    before: dict | None,
) -> CertificateType:
    errors: dict[str, list[str]] = {}
    for name in ("code", "category", "operation_item"):
        values[name] = (values.get(name) or "").strip()
        if not values[name]:
            errors[name] = [_("This field is required.")]
    if (values["review_interval_years"] or 0) > (values["validity_years"] or 0):
        errors["review_interval_years"] = [
            _("The review interval cannot be longer than the validity.")
        ]
    others = CertificateType.objects.exclude(pk=certificate_type.pk)
    if values["code"] and others.filter(code__iexact=values["code"]).exists():
        errors["code"] = [_("Another type has this code.")]
    if others.filter(category=values["category"], operation_item=values["operation_item"]).exists():
        errors["operation_item"] = [_("This category already has this operation item.")]
    if any(exam.kind != ExamKind.THEORY for exam in theory_exams):
        errors["theory_exams"] = [_("Only theory exams qualify as theory exams.")]
    if any(exam.kind != ExamKind.PRACTICAL for exam in practical_exams):
        errors["practical_exams"] = [_("Only practical exams qualify as practical exams.")]
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(certificate_type, name, value)
    certificate_type.full_clean(exclude=["theory_exams", "practical_exams", "refresher_courses"])
    certificate_type.save()
    certificate_type.theory_exams.set(theory_exams)
    certificate_type.practical_exams.set(practical_exams)
    certificate_type.refresher_courses.set(refresher_courses)
    audit_record(
        actor=actor,
        action=action,
        target=certificate_type,
        before=before,
        after=_type_snapshot(certificate_type),
    )
    return certificate_type


@transaction.atomic
def certificate_type_create(
    *,
    actor,
    code: str,
    category: str,
    operation_item: str,
    validity_years: int = 6,
    review_interval_years: int = 3,
    pass_score: Decimal = Decimal(80),
    refresher_hours: Decimal = Decimal(8),
    theory_exams=(),
    practical_exams=(),
    refresher_courses=(),
    is_active: bool = True,
) -> CertificateType:
    """Add a company type (an internal permit such as forklift operation). Refuses a code or
    a category and operation item already used, a review interval longer than the validity,
    and qualifying exams of the wrong kind."""
    return _type_save(
        actor=actor,
        certificate_type=CertificateType(national=False),
        values={
            "code": code,
            "category": category,
            "operation_item": operation_item,
            "validity_years": validity_years,
            "review_interval_years": review_interval_years,
            "pass_score": pass_score,
            "refresher_hours": refresher_hours,
            "is_active": is_active,
        },
        theory_exams=list(theory_exams),
        practical_exams=list(practical_exams),
        refresher_courses=list(refresher_courses),
        action="certificate_type.created",
        before=None,
    )


@transaction.atomic
def certificate_type_update(
    *,
    actor,
    certificate_type: CertificateType,
    code: str,
    category: str,
    operation_item: str,
    validity_years: int,
    review_interval_years: int,
    pass_score: Decimal,
    refresher_hours: Decimal,
    theory_exams=(),
    practical_exams=(),
    refresher_courses=(),
    is_active: bool = True,
) -> CertificateType:
    """Change a type's rules and qualifying exams. A national catalogue type keeps its code,
    category and operation item (refused otherwise); the same refusals as creating apply.
    Certificates already issued keep their dates."""
    certificate_type = CertificateType.objects.select_for_update().get(pk=certificate_type.pk)
    values = {
        "code": code,
        "category": category,
        "operation_item": operation_item,
        "validity_years": validity_years,
        "review_interval_years": review_interval_years,
        "pass_score": pass_score,
        "refresher_hours": refresher_hours,
        "is_active": is_active,
    }
    if certificate_type.national:
        changed = [
            name
            for name in _NATIONAL_FIXED
            if (values[name] or "").strip() != getattr(certificate_type, name)
        ]
        if changed:
            raise ValidationError(
                {
                    name: [_("A national catalogue type keeps its code and names.")]
                    for name in changed
                }
            )
    return _type_save(
        actor=actor,
        certificate_type=certificate_type,
        values=values,
        theory_exams=list(theory_exams),
        practical_exams=list(practical_exams),
        refresher_courses=list(refresher_courses),
        action="certificate_type.updated",
        before=_type_snapshot(certificate_type),
    )
