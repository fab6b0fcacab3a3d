"""Workbooks of certificates: the dashboard's due / overdue / expiring lists."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateStatus
from certificates.selectors import DueLists
from core.excel import build_xlsx

DUE_COLUMN_WIDTHS = [16, 22, 14, 14, 36, 36, 16, 14, 14, 10]


def due_header() -> list[str]:
    return [
        _("List"),
        _("Number"),
        _("Holder"),
        _("Employee number"),
        _("Department"),
        _("Type"),
        _("Next review due"),
        _("Valid until"),
        _("Status"),
        _("Days left"),
    ]


def _row(list_name: str, certificate: Certificate, due_on, today: datetime.date) -> list[Any]:
    holder = certificate.holder
    return [
        list_name,
        certificate.number,
        certificate.holder_name or holder.name,
        holder.employee_no,
        holder.department.path,
        str(certificate.certificate_type),
        certificate.next_review_due,
        certificate.expires_on,
        str(CertificateStatus(certificate.status).label),
        (due_on - today).days if due_on else None,
    ]


def due_rows(due: DueLists, *, today: datetime.date | None = None) -> Iterator[list[Any]]:
    """The rows of ``due_xlsx``: review due, then overdue, then expiring. Days left count to
    the review for the first two lists (negative when overdue) and to the end of validity for
    the third."""
    today = today or timezone.localdate()
    sections = (
        (_("Review due"), due.review_due, "next_review_due"),
        (_("Review overdue"), due.overdue, "next_review_due"),
        (_("Expiring"), due.expiring, "expires_on"),
    )
    for list_name, certificates, date_field in sections:
        for certificate in certificates:
            yield _row(list_name, certificate, getattr(certificate, date_field), today)


def due_xlsx(due: DueLists, *, today: datetime.date | None = None) -> bytes:
    """The dashboard's lists (``certificates.selectors.certificates_due``) as one sheet with a
    "List" column: review due, review overdue, expiring. A certificate whose review and
    validity both fall due appears in each list it is in. Dates are real dates; text that looks
    like a formula is written as text."""
    return build_xlsx(
        sheet_title=_("Certificates due"),
        header=due_header(),
        rows=due_rows(due, today=today),
        column_widths=DUE_COLUMN_WIDTHS,
    )
