"""Reads of certificates: access checks, the officer's list, what the public verify page may
show, and the due/overdue/expiring dashboard."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    StatusReasonCategory,
)
from certificates.services import REVIEW_DUE_DAYS, certificate_refresh_status
from certificates.signing import signature_holds
from core.errors import NotFound
from core.roles import Role, has_role
from exams.content import normalize_text
from people.identity import mask_national_id
from people.models import PATH_SEPARATOR, Employee


def mask_name(name: str) -> str:
    """A name as the public may see it: 张*伟, 李*, J*** S***h-like for Latin names (first and
    last character kept)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def user_manages_certificates(user) -> bool:
    return has_role(user, Role.SAFETY_OFFICER)


def certificate_list_for_user(user) -> QuerySet[Certificate]:
    """Every certificate for the safety officer and HR; a holder's own for anyone else."""
    certificates = Certificate.objects.select_related("holder__department", "certificate_type")
    if has_role(user, Role.SAFETY_OFFICER, Role.HR):
        return certificates
    try:
        employee = user.employee
    except (AttributeError, Employee.DoesNotExist):
        return certificates.none()
    return certificates.filter(holder=employee)


def certificate_get_for_user(*, user, certificate_id: int) -> Certificate:
    """The certificate (status refreshed) if the user may see it; otherwise NotFound."""
    certificate = certificate_list_for_user(user).filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound(_("Certificate not found."))
    return certificate_refresh_status(certificate=certificate)


def certificate_search(
    *,
    certificate_type: CertificateType | None = None,
    status: str = "",
    department=None,
    text: str = "",
    external: bool | None = None,
) -> QuerySet[Certificate]:
    """The officer's filtered list: by type, status, department (with sub-departments), and
    number / holder name / employee number text."""
    certificates = Certificate.objects.select_related("holder__department", "certificate_type")
    if certificate_type is not None:
        certificates = certificates.filter(certificate_type=certificate_type)
    if status:
        certificates = certificates.filter(status=status)
    if department is not None:
        certificates = certificates.filter(
            Q(holder__department=department)
            | Q(holder__department__path__startswith=department.path + PATH_SEPARATOR)
        )
    if text.strip():
        text = text.strip()
        certificates = certificates.filter(
            Q(number__icontains=text) | Q(holder_name__icontains=text) | Q(holder__employee_no=text)
        )
    if external is not None:
        certificates = certificates.filter(external=external)
    return certificates.order_by("-issued_on", "number")


def certificate_for_token(token: str) -> Certificate | None:
    """The certificate a QR code points at (status refreshed), or None."""
    if not token or len(token) > 64:
        return None
    certificate = (
        Certificate.objects.select_related("certificate_type", "holder").filter(token=token).first()
    )
    return certificate_refresh_status(certificate=certificate) if certificate else None


def _name_key(name: str) -> str:
    """A name as compared: case, full/half width and every space ignored (张 大伟 = 张大伟)."""
    return normalize_text(name).replace(" ", "")


def certificate_lookup(*, number: str, name: str) -> Certificate | None:
    """The certificate with exactly this number whose printed holder name matches ``name``
    (case, width and spaces ignored); None otherwise. A right number with a wrong name is
    None, the same as a wrong number: the answer reveals nothing."""
    number, name = (number or "").strip(), _name_key(name or "")
    if not number or not name or len(number) > 40:
        return None
    certificate = (
        Certificate.objects.select_related("certificate_type", "holder")
        .filter(number=number)
        .first()
    )
    if certificate is None or _name_key(certificate.holder_name) != name:
        return None
    return certificate_refresh_status(certificate=certificate)


@dataclass
class PublicView:
    """What an anonymous verifier sees: masked personal data, the printed fields, the state."""

    valid: bool
    status: str
    status_label: str
    reason: str  # the translated category, never the officer's words
    reason_category: str
    holder: str
    national_id: str
    number: str
    certificate_type: str
    category: str
    operation_item: str
    issued_on: datetime.date
    expires_on: datetime.date
    next_review_due: datetime.date | None
    issuer: str
    external: bool
    signature_holds: bool
    photo_url: str
    reviews: list[datetime.date]

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "status": self.status,
            "status_label": self.status_label,
            "reason": self.reason,
            "reason_category": self.reason_category,
            "holder": self.holder,
            "national_id": self.national_id,
            "number": self.number,
            "certificate_type": self.certificate_type,
            "category": self.category,
            "operation_item": self.operation_item,
            "issued_on": self.issued_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
            "next_review_due": self.next_review_due.isoformat() if self.next_review_due else None,
            "issuer": self.issuer,
            "external": self.external,
            "signature_holds": self.signature_holds,
            "reviews": [day.isoformat() for day in self.reviews],
        }


def public_reason_category(certificate: Certificate) -> str:
    """The category of why a suspended or revoked certificate is so ("" otherwise): what
    the public may know. One stored without a category (before categories existed) counts as
    an overdue review when the suspension was automatic, else as "other"."""
    if certificate.status not in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return ""
    if certificate.status_reason_category in StatusReasonCategory.values:
        return certificate.status_reason_category
    if certificate.status == CertificateStatus.SUSPENDED and not (
        certificate.suspended_by_decision
    ):
        return StatusReasonCategory.REVIEW_OVERDUE
    return StatusReasonCategory.OTHER


def public_view(certificate: Certificate, *, photo_url: str = "") -> PublicView:
    """The verify page's content. ``valid`` is true for valid and review-due certificates
    whose signature holds. A suspended or revoked certificate shows the category of its
    reason, translated; the officer's own words (which may name people or incidents) are
    for staff pages only."""
    status = certificate.status
    holds = signature_holds(certificate)
    category = public_reason_category(certificate)
    return PublicView(
        valid=holds and status in (CertificateStatus.VALID, CertificateStatus.REVIEW_DUE),
        status=status,
        status_label=str(CertificateStatus(status).label),
        reason=str(StatusReasonCategory(category).label) if category else "",
        reason_category=category,
        holder=mask_name(certificate.holder_name),
        national_id=mask_national_id(certificate.holder.national_id),
        number=certificate.number,
        certificate_type=str(certificate.certificate_type),
        category=certificate.certificate_type.category,
        operation_item=certificate.certificate_type.operation_item,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        next_review_due=certificate.next_review_due,
        issuer=certificate.issuing_authority
        if certificate.external
        else settings.CERTIFICATE_ISSUER,
        external=certificate.external,
        signature_holds=holds,
        photo_url=photo_url if certificate.photo else "",
        reviews=list(certificate.reviews.filter(passed=True).values_list("reviewed_on", flat=True)),
    )


def verify_url(certificate: Certificate) -> str:
    """The absolute address the QR code opens."""
    return f"{settings.SITE_URL}/verify/{certificate.token}/"


@dataclass
class DueLists:
    review_due: list[Certificate]  # review within 60 days
    overdue: list[Certificate]  # review date passed (suspended)
    expiring: list[Certificate]  # validity ends within 60 days


def certificates_due(*, today: datetime.date | None = None) -> DueLists:
    """The dashboard: certificates whose review is due soon, overdue, or whose validity ends
    soon (revoked and expired left out). Three queries."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REVIEW_DUE_DAYS)
    live = Certificate.objects.exclude(
        status__in=[CertificateStatus.REVOKED, CertificateStatus.EXPIRED]
    ).select_related("holder__department", "certificate_type")
    return DueLists(
        review_due=list(
            live.filter(next_review_due__gte=today, next_review_due__lte=horizon).order_by(
                "next_review_due"
            )
        ),
        overdue=list(live.filter(next_review_due__lt=today).order_by("next_review_due")),
        expiring=list(
            live.filter(expires_on__gte=today, expires_on__lte=horizon).order_by("expires_on")
        ),
    )
