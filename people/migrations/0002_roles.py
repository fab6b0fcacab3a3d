"""The four roles as groups, with the permissions each holds on people and the audit log.

Later apps' migrations add their own permissions to these groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "trainee": [],
    "instructor": ["people.view_employee", "people.view_department"],
    "safety_officer": [
        "people.add_department",
        "people.change_department",
        "people.delete_department",
        "people.view_department",
        "people.add_employee",
        "people.change_employee",
        "people.delete_employee",
        "people.view_employee",
        "core.view_auditentry",
    ],
    "hr": ["people.view_employee", "people.view_department"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now so they can be
    # granted here.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
