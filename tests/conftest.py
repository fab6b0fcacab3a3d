"""Fixtures every test may use: role users, API clients per role, a fast password hasher."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import Q
from django.test import Client
from rest_framework.test import APIClient

from core.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory

__all__ = ["PASSWORD"]


def restore_migration_data() -> None:
    """Put back what data migrations create (role groups with their permissions, the default
    questionnaire template, the national catalogue of certificate types): a transactional test
    flushes the database when it ends, so the next one would find none."""
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    grants: dict[str, list[tuple[str, str]]] = {}
    people_roles = importlib.import_module("people.migrations.0002_roles").ROLE_PERMISSIONS
    for role, dotted in people_roles.items():
        grants.setdefault(role, []).extend(tuple(d.split(".")) for d in dotted)
    course_roles = importlib.import_module("courses.migrations.0004_role_permissions")
    for role, codenames in course_roles.ROLE_PERMISSIONS.items():
        grants.setdefault(role, []).extend(("courses", c) for c in codenames)
    exam_roles = importlib.import_module("exams.migrations.0002_role_permissions")
    for role, codenames in exam_roles.ROLE_PERMISSIONS.items():
        grants.setdefault(role, []).extend(("exams", c) for c in codenames)
    certificate_roles = importlib.import_module("certificates.migrations.0003_role_permissions")
    for role, codenames in certificate_roles.ROLE_PERMISSIONS.items():
        grants.setdefault(role, []).extend(("certificates", c) for c in codenames)
    for role, pairs in grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for app_label, codename in pairs:
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(query))
    template = importlib.import_module("courses.migrations.0002_default_questionnaire")
    template.create_default_template(django_apps, None)  # idempotent
    catalogue = importlib.import_module("certificates.migrations.0002_national_catalogue")
    catalogue.create_catalogue(django_apps, None)  # idempotent


@pytest.fixture(autouse=True)
def _data_from_migrations(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_migration_data()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploaded materials and generated files never land in the project's media/ folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    # PBKDF2's million rounds would dominate the suite; the hasher is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A per-process cache: clearing a Redis cache is FLUSHDB, which would also wipe the
    # channel layer's groups (same Redis database) under live tests running at the same time.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Quality and Safety Department")


@pytest.fixture
def trainee(db):
    return EmployeeFactory(roles=[Role.TRAINEE], name="李明")


@pytest.fixture
def instructor(db):
    return EmployeeFactory(roles=[Role.INSTRUCTOR], name="王老师", position="Instructor")


@pytest.fixture
def safety_officer(db):
    return EmployeeFactory(roles=[Role.SAFETY_OFFICER], name="赵安全", position="Safety manager")


@pytest.fixture
def hr(db):
    return EmployeeFactory(roles=[Role.HR], name="钱人事", position="HR specialist")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def _api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def trainee_api(trainee):
    return _api_client_for(trainee.user)


@pytest.fixture
def instructor_api(instructor):
    return _api_client_for(instructor.user)


@pytest.fixture
def officer_api(safety_officer):
    return _api_client_for(safety_officer.user)


@pytest.fixture
def hr_api(hr):
    return _api_client_for(hr.user)


@pytest.fixture
def admin_api(admin_user):
    return _api_client_for(admin_user)


def _page_client_for(user) -> Client:
    # A client of its own, so one test can hold several signed-in users and the anonymous
    # ``client`` side by side.
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(safety_officer):
    return _page_client_for(safety_officer.user)


@pytest.fixture
def trainee_client(trainee):
    return _page_client_for(trainee.user)
