"""Certificate test data: a type, and a holder who passed its theory and practical exams."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from certificates.models import CertificateType
from exams.models import ExamKind, ExamResult
from exams.services.exams import ExamSpec, exam_create
from exams.services.grading import practical_scores_set
from tests.exams.factories import make_exam
from tests.factories import EmployeeFactory

_codes = itertools.count(1)


def make_type(**fields) -> CertificateType:
    number = next(_codes)
    defaults = {
        "code": f"T{number:02d}",
        "category": "Electrical work",
        "operation_item": f"Low-voltage electrician {number}",
    }
    return CertificateType.objects.create(**{**defaults, **fields})


def make_holder(**fields):
    fields.setdefault("birth_date", datetime.date(1990, 5, 1))
    return EmployeeFactory(**fields)


def practical_exam(candidates, **fields):
    now = timezone.now()
    spec = ExamSpec(
        title=fields.pop("title", "Practical exam"),
        kind=ExamKind.PRACTICAL,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        duration_minutes=60,
        people=list(candidates),
        pass_score=Decimal(80),
        **fields,
    )
    return exam_create(actor=None, spec=spec)


def qualify(holder, certificate_type, *, theory=Decimal(90), practical=Decimal(85), when=None):
    """Give ``holder`` a theory result (of 100) and a practical score in exams that qualify for
    ``certificate_type``; returns (theory_exam, practical_exam)."""
    when = when or timezone.now() - datetime.timedelta(days=2)
    theory_exam = make_exam(candidates=[holder], title="Theory exam")
    ExamResult.objects.create(
        exam=theory_exam,
        employee=holder,
        department=holder.department,
        score=theory,
        passed=theory >= certificate_type.pass_score,
        duration_seconds=1800,
        submitted_at=when,
    )
    practical_one = practical_exam([holder])
    practical_scores_set(actor=None, exam=practical_one, scores=[(holder, practical)])
    certificate_type.theory_exams.add(theory_exam)
    certificate_type.practical_exams.add(practical_one)
    return theory_exam, practical_one
