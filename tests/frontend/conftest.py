"""Page-test fixtures: a signed-in browser client per role."""

import pytest
from django.test import Client


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def instructor_client(instructor):
    return _client_for(instructor.user)


@pytest.fixture
def hr_client(hr):
    return _client_for(hr.user)


@pytest.fixture
def superuser_client(admin_user):
    return _client_for(admin_user)
