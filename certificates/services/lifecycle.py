"""After the issue: reviews, violations, suspension, revocation and renewal."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from attendance.selectors import training_attendance
from certificates.models import (
    Certificate,
    CertificateReview,
    CertificateStatus,
    StatusReasonCategory,
    Violation,
    add_years,
)
from certificates.rules import number_text
from certificates.services.common import (
    EXTENDED_INTERVAL_MIN_YEARS,
    EXTENDED_INTERVAL_YEARS,
    _today,
    _user,
)
from certificates.services.issue import _first_review, new_token, number_allocate
from certificates.services.status import certificate_refresh_status, certificate_state
from certificates.signing import printed_fields, sign
from core.audit import audit_record
from core.errors import Conflict
from courses.models import Training

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
        certificate.status_reason_category = ""
        certificate.status = certificate_state(certificate, _today())
    certificate.save(
        update_fields=[
            "review_interval_years",
            "next_review_due",
            "suspended_by_decision",
            "status",
            "status_reason",
            "status_reason_category",
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


def _reason_category(category: str) -> str:
    if category not in StatusReasonCategory.values:
        raise ValidationError(
            {"reason_category": [_("Choose the kind of reason: it is what the public sees.")]}
        )
    return category


def _decision_state(certificate: Certificate) -> dict:
    return {
        "status": certificate.status,
        "reason": certificate.status_reason,
        "reason_category": certificate.status_reason_category,
    }


@transaction.atomic
def certificate_revoke(
    *,
    actor,
    certificate: Certificate,
    reason: str,
    reason_category: str = StatusReasonCategory.OTHER,
) -> Certificate:
    """Revoke for good (shown at once on the verify page, which gives only the reason's
    category: the officer's words stay with staff). A revoked certificate is never reviewed
    or renewed; the person needs a new issue. Refuses an empty reason or an unknown
    category (the pages and the API ask for one; "other" when a caller names none)."""
    reason = _reason(reason)
    reason_category = _reason_category(reason_category)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("The certificate is already revoked."))
    before = _decision_state(certificate)
    certificate.status, certificate.status_reason = CertificateStatus.REVOKED, reason
    certificate.status_reason_category = reason_category
    certificate.save(update_fields=["status", "status_reason", "status_reason_category"])
    audit_record(
        actor=actor,
        action="certificate.revoked",
        target=certificate,
        before=before,
        after=_decision_state(certificate),
    )
    return certificate


@transaction.atomic
def certificate_suspend(
    *,
    actor,
    certificate: Certificate,
    reason: str,
    reason_category: str = StatusReasonCategory.OTHER,
) -> Certificate:
    """Suspend by decision until reinstated or reviewed; as ``certificate_revoke``, the
    public sees only the reason's category."""
    reason = _reason(reason)
    reason_category = _reason_category(reason_category)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_final:
        raise Conflict(_("A revoked or expired certificate cannot be suspended."))
    before = _decision_state(certificate)
    certificate.suspended_by_decision = True
    certificate.status, certificate.status_reason = CertificateStatus.SUSPENDED, reason
    certificate.status_reason_category = reason_category
    certificate.save(
        update_fields=[
            "suspended_by_decision",
            "status",
            "status_reason",
            "status_reason_category",
        ]
    )
    audit_record(
        actor=actor,
        action="certificate.suspended",
        target=certificate,
        before=before,
        after=_decision_state(certificate),
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
    certificate.status_reason_category = ""
    certificate.status = certificate_state(certificate, _today())
    certificate.save(
        update_fields=[
            "suspended_by_decision",
            "status",
            "status_reason",
            "status_reason_category",
        ]
    )
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
    old.status_reason_category = ""
    old.save(update_fields=["status", "status_reason", "status_reason_category"])
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
