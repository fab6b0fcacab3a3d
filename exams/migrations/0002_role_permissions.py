"""Permissions on the question bank and papers for the role groups (for the admin site and any
permission-based check; the pages and the API check roles themselves)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["questioncategory", "question", "questionversion", "questionoption", "paper", "paperitem", "paperrule"]
ROLE_PERMISSIONS = {
    "safety_officer": [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")],
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
            *Permission.objects.filter(content_type__app_label="exams", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(ROLE_PERMISSIONS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="exams"))


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
