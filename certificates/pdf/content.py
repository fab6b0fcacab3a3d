"""What a printed certificate shows, gathered once from a Certificate so that every layout
(A4, wallet card, sheets) draws the same facts."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.utils import ImageReader

from certificates.models import Certificate, CertificateStatus, add_years
from certificates.pdf.images import image_source, seal_image
from certificates.selectors import verify_url
from people.identity import mask_national_id

# The title as issued in China, printed whatever the reader's language.
TITLE_ZH = {True: "特种作业操作证", False: "作业许可证"}


@dataclass(frozen=True)
class ReviewSlot:
    """One box of the review record: the review that falls due, and when it was done."""

    due: datetime.date | None
    reviewed_on: datetime.date | None


@dataclass
class PrintedCertificate:
    title_zh: str
    title: str  # in the active language; left out when it is the Chinese title
    holder_name: str
    national_id: str  # masked; empty when the holder has none
    category: str
    operation_item: str
    number: str
    issued_on: datetime.date
    expires_on: datetime.date
    reviews: list[ReviewSlot]
    issuer: str
    external: bool
    verify_url: str
    verify_at: str  # where a person types the number and name
    watermark: str  # the status, when it is not one a holder may work under
    photo: str | ImageReader | None
    seal: str | None  # prepared seal; never ours on a certificate another authority issued


def review_slots(certificate: Certificate) -> list[ReviewSlot]:
    """One slot per review over the validity: the passed reviews (with the review they
    satisfied), then the reviews still to come, every interval from the next one due until
    the end of validity."""
    slots = [
        ReviewSlot(due=review.previous_due, reviewed_on=review.reviewed_on)
        for review in sorted(_passed_reviews(certificate), key=lambda review: review.reviewed_on)
    ]
    due = certificate.next_review_due
    interval = max(1, certificate.review_interval_years or 1)
    while due is not None and due < certificate.expires_on:
        slots.append(ReviewSlot(due=due, reviewed_on=None))
        due = add_years(due, interval)
    return slots


def _passed_reviews(certificate: Certificate) -> list:
    if certificate.pk is None:  # not saved (a preview): no reviews yet
        return []
    # .all() so that a prefetch_related("reviews") on a batch is used.
    return [review for review in certificate.reviews.all() if review.passed]


def printed_certificate(certificate: Certificate) -> PrintedCertificate:
    """The facts to print. Revoked, suspended and expired certificates print with their
    status across them (the verify page shows the same at once)."""
    certificate_type = certificate.certificate_type
    national = bool(certificate_type.national)
    title = str(_("Special Operation Certificate") if national else _("Operation Permit"))
    holder = getattr(certificate, "holder", None)  # None on an unsaved preview without one
    watermark = ""
    if certificate.status in (
        CertificateStatus.REVOKED,
        CertificateStatus.SUSPENDED,
        CertificateStatus.EXPIRED,
    ):
        watermark = str(CertificateStatus(certificate.status).label)
    return PrintedCertificate(
        title_zh=TITLE_ZH[national],
        title="" if title == TITLE_ZH[national] else title,
        holder_name=certificate.holder_name,
        national_id=mask_national_id(holder.national_id) if holder is not None else "",
        category=certificate_type.category,
        operation_item=certificate_type.operation_item,
        number=certificate.number,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        reviews=review_slots(certificate),
        issuer=(certificate.issuing_authority if certificate.external else "")
        or settings.CERTIFICATE_ISSUER,
        external=certificate.external,
        verify_url=verify_url(certificate),
        verify_at=f"{settings.SITE_URL}/verify/",
        watermark=watermark,
        photo=image_source(certificate.photo),
        seal=None if certificate.external else seal_image(),
    )
