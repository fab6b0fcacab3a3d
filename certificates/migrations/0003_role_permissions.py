"""Permissions on certificates for the role groups (for the admin site and any
permission-based check; the pages and the API check roles themselves).

The safety officer manages certificate types, certificates, reviews, violations and the
reminders sent, and may look at the number counters (never edit them: numbers are allocated
only by issuing). HR may look at certificates and their types.

``certificates.issue_with_override`` (issue although a rule fails, with a recorded reason) is
granted to no group: only superusers and users given the permission one by one hold it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["certificatetype", "certificate", "certificatereview", "violation", "remindersent"]
ROLE_PERMISSIONS = {
    "safety_officer": [
        *(
            f"{action}_{model}"
            for model in MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "view_numbercounter",
    ],
    "hr": ["view_certificate", "view_certificatetype"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="certificates", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(ROLE_PERMISSIONS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="certificates"))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_national_catalogue"),
        ("people", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
