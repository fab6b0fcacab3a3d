"""Fixtures every test may use: role users, API clients per role, a fast password hasher."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from core.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory

__all__ = ["PASSWORD"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploaded materials and generated files never land in the project's media/ folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):
    # PBKDF2's million rounds would dominate the suite; the hasher is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
