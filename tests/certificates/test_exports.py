import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from certificates.exports import due_xlsx
from certificates.models import Certificate
from certificates.selectors import DueLists, certificates_due
from certificates.services import certificate_issue, certificate_revoke
from tests.certificates.factories import make_holder, make_type, qualify
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _issue(name: str, **dates) -> Certificate:
    holder = make_holder(name=name, department=DepartmentFactory(name=f"Crew of {name}"))
    certificate_type = make_type(category="Electrical work", operation_item=f"Item {name}")
    theory, practical = qualify(holder, certificate_type)
    certificate = certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )
    if dates:
        Certificate.objects.filter(pk=certificate.pk).update(**dates)
        certificate.refresh_from_db()
    return certificate


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_due_xlsx_lists_review_due_overdue_and_expiring():
    today = timezone.localdate()
    soon = _issue("张伟", next_review_due=today + datetime.timedelta(days=20))
    late = _issue("李娜", next_review_due=today - datetime.timedelta(days=5))
    ending = _issue(
        "=王强",  # text that looks like a formula stays text
        next_review_due=None,
        expires_on=today + datetime.timedelta(days=45),
    )
    _issue("刘洋")  # nothing due
    revoked = _issue("陈静", next_review_due=today + datetime.timedelta(days=10))
    certificate_revoke(actor=None, certificate=revoked, reason="Forged")

    rows = _sheet(due_xlsx(certificates_due(today=today), today=today))

    assert rows[0] == (
        "List",
        "Number",
        "Holder",
        "Employee number",
        "Department",
        "Type",
        "Next review due",
        "Valid until",
        "Status",
        "Days left",
    )
    body = rows[1:]
    assert [(row[0], row[1], row[9]) for row in body] == [
        ("Review due", soon.number, 20),
        ("Review overdue", late.number, -5),
        ("Expiring", ending.number, 45),
    ]
    first = body[0]
    assert first[2] == "张伟" and first[3] == soon.holder.employee_no
    assert first[4] == "Crew of 张伟" and first[5] == "Electrical work / Item 张伟"
    assert first[6].date() == today + datetime.timedelta(days=20)
    assert first[7].date() == soon.expires_on
    assert body[2][2] == "=王强" and body[2][6] is None


def test_due_xlsx_of_empty_lists_has_only_the_header():
    rows = _sheet(due_xlsx(DueLists(review_due=[], overdue=[], expiring=[])))
    assert len(rows) == 1 and rows[0][0] == "List"
