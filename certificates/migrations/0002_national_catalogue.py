"""The national catalogue of special operations (``certificates.catalogue``) as certificate
types with the national defaults: valid 6 years, reviewed every 3, pass score 80 of 100 for
theory and practical, 8 refresher hours before a review.

Forward is idempotent: a type is created only when no type has its code (or its category and
operation item) yet, so a row someone has since edited (its exams, an inactive flag) is left as
it is. Backward deletes the catalogue's national types that no certificate uses; types with
certificates stay.
"""

from decimal import Decimal

from django.db import migrations

from certificates.catalogue import (
    NATIONAL_CATALOGUE,
    PASS_SCORE,
    REFRESHER_HOURS,
    REVIEW_INTERVAL_YEARS,
    VALIDITY_YEARS,
)


def create_catalogue(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    codes = set(CertificateType.objects.values_list("code", flat=True))
    names = set(CertificateType.objects.values_list("category", "operation_item"))
    missing = [
        item
        for item in NATIONAL_CATALOGUE
        if item.code not in codes and (item.category, item.operation_item) not in names
    ]
    CertificateType.objects.bulk_create(
        [
            CertificateType(
                code=item.code,
                category=item.category,
                operation_item=item.operation_item,
                national=True,
                validity_years=VALIDITY_YEARS,
                review_interval_years=REVIEW_INTERVAL_YEARS,
                pass_score=Decimal(PASS_SCORE),
                refresher_hours=Decimal(REFRESHER_HOURS),
            )
            for item in missing
        ]
    )


def delete_catalogue(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    CertificateType.objects.filter(
        national=True,
        code__in=[item.code for item in NATIONAL_CATALOGUE],
        certificates__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_catalogue, delete_catalogue)]
