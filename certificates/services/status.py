"""A certificate's status over time: computing it, and keeping the stored status current."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateStatus,
    StatusReasonCategory,
)
from certificates.services.common import REVIEW_DUE_DAYS, _today
from core.audit import audit_record

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
        category = certificate.status_reason_category
        if state == CertificateStatus.SUSPENDED and not certificate.suspended_by_decision:
            reason = _("Review overdue since %s.") % certificate.next_review_due.isoformat()
            category = StatusReasonCategory.REVIEW_OVERDUE
        elif state == CertificateStatus.EXPIRED:
            reason = _("Validity ended on %s.") % certificate.expires_on.isoformat()
            category = ""
        elif state in (CertificateStatus.VALID, CertificateStatus.REVIEW_DUE):
            reason, category = "", ""
        updated = Certificate.objects.filter(pk=certificate.pk, status=before).update(
            status=state,
            status_reason=reason,
            status_reason_category=category,
            status_checked_on=today,
        )
        if updated:
            certificate.status, certificate.status_reason = state, reason
            certificate.status_reason_category = category
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
