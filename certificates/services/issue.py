"""Issuing certificates: numbers, tokens, one or a batch, and registering external ones."""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    NumberCounter,
    add_years,
)
from certificates.rules import RuleFailure, issue_check
from certificates.services.common import OVERRIDE_PERMISSION, RulesNotMet, _today, _user
from certificates.services.status import certificate_refresh_status
from certificates.signing import printed_fields, sign
from core.audit import audit_record
from core.errors import Conflict, Forbidden
from exams.models import Exam, ExamResult
from people.models import Employee

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
