"""Issue 11, finding 9: password spraying (a guess or two at each of many user names, from one
address) is limited per address, on the login page and on the API token endpoint, beside the
per-name limit; another address is not affected."""

import pytest
from rest_framework.test import APIClient

from people import login_limits
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
SPRAYER, NEIGHBOUR = "10.66.0.1", "10.66.0.2"


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 10
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    return settings


@pytest.fixture
def people(db):
    return [EmployeeFactory() for _ in range(6)]


def page_sign_in(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def token_sign_in(username, password, address):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_the_login_page_limits_many_names_from_one_address(client, limits, people):
    for person in people[:4]:
        response = page_sign_in(client, person.user.username, "Summer2026!", SPRAYER)
        assert response.status_code == 200  # a wrong password, each name once
    # The fifth name, even with its right password, is refused without a check.
    blocked = page_sign_in(client, people[4].user.username, PASSWORD, SPRAYER)
    assert blocked.status_code == 429
    assert "from your network address" in blocked.content.decode()
    assert blocked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # Another address signs in as usual.
    other = page_sign_in(client, people[4].user.username, PASSWORD, NEIGHBOUR)
    assert other.status_code == 302


def test_the_token_endpoint_limits_many_names_from_one_address(limits, people):
    for person in people[:4]:
        assert token_sign_in(person.user.username, "Summer2026!", SPRAYER).status_code == 400
    blocked = token_sign_in(people[4].user.username, PASSWORD, SPRAYER)
    assert blocked.status_code == 429
    assert "from your network address" in blocked.json()["detail"]
    assert blocked["Retry-After"] == "900"
    assert "token" not in blocked.json()
    other = token_sign_in(people[4].user.username, PASSWORD, NEIGHBOUR)
    assert other.status_code == 200 and other.json()["token"]


def test_the_page_and_the_api_share_the_count(client, limits, people):
    for person in people[:2]:
        page_sign_in(client, person.user.username, "wrong-one", SPRAYER)
    for person in people[2:4]:
        token_sign_in(person.user.username, "wrong-one", SPRAYER)
    assert login_limits.login_address_failure_count(client_ip=SPRAYER) == 4
    assert page_sign_in(client, people[5].user.username, PASSWORD, SPRAYER).status_code == 429
    assert token_sign_in(people[5].user.username, PASSWORD, SPRAYER).status_code == 429


def test_the_token_endpoint_also_limits_one_name(settings, people):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 50
    name = people[0].user.username
    for _attempt in range(3):
        assert token_sign_in(name, "wrong", SPRAYER).status_code == 400
    blocked = token_sign_in(name, PASSWORD, SPRAYER)
    assert blocked.status_code == 429 and "for this user name" in blocked.json()["detail"]
    # The same name from elsewhere, and another name from here, still work.
    assert token_sign_in(name, PASSWORD, NEIGHBOUR).status_code == 200
    assert token_sign_in(people[1].user.username, PASSWORD, SPRAYER).status_code == 200


def test_a_success_does_not_reset_the_address_count(client, limits, people):
    for person in people[:3]:
        page_sign_in(client, person.user.username, "wrong", SPRAYER)
    # The attacker's own account signs in fine, and the count stays.
    assert token_sign_in(people[5].user.username, PASSWORD, SPRAYER).status_code == 200
    assert login_limits.login_address_failure_count(client_ip=SPRAYER) == 3
    token_sign_in(people[3].user.username, "wrong", SPRAYER)
    assert token_sign_in(people[5].user.username, PASSWORD, SPRAYER).status_code == 429


def test_empty_fields_are_not_counted(client, limits, people):
    for _attempt in range(6):
        page_sign_in(client, people[0].user.username, "", SPRAYER)
        token_sign_in("", "something", SPRAYER)
    assert login_limits.login_address_failure_count(client_ip=SPRAYER) == 0
    assert token_sign_in(people[0].user.username, PASSWORD, SPRAYER).status_code == 200
