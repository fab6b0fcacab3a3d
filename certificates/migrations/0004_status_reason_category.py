from django.db import migrations, models


def categorise_existing(apps, schema_editor):
    """Certificates suspended or revoked before categories existed: an automatic suspension
    is an overdue review; a decision gets "other" (its words stay with staff)."""
    Certificate = apps.get_model("certificates", "Certificate")
    live = Certificate.objects.filter(status_reason_category="")
    live.filter(status="suspended", suspended_by_decision=False).update(
        status_reason_category="review_overdue"
    )
    live.filter(status__in=["suspended", "revoked"]).update(status_reason_category="other")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_role_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_reason_category",
            field=models.CharField(
                blank=True,
                choices=[
                    ("review_overdue", "Periodic review overdue"),
                    ("violation", "Safety violation"),
                    ("failed_review", "Review not passed"),
                    ("holder_request", "At the holder's request"),
                    ("issued_in_error", "Issued in error"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="reason category",
            ),
        ),
        migrations.RunPython(categorise_existing, migrations.RunPython.noop),
    ]
