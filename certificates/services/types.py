"""Writes to certificate types (the company's own permits, and the rules of national ones)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certificates.models import (
    CertificateType,
)
from core.audit import audit_record
from exams.models import ExamKind

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
