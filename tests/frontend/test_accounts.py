"""Sign-in with the failure limit, sign-out, and password change."""

import time

import pytest
from django.urls import reverse

from people import login_limits
from people.models import Employee
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def login_limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    return settings


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="username"' in text
    assert 'name="password"' in text


def test_right_password_signs_in_and_goes_home(client, trainee):
    response = sign_in(client, trainee.user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(client)


def test_login_follows_next(client, safety_officer):
    response = client.post(
        f"{LOGIN}?next=/people/employees/",
        {"username": safety_officer.user.username, "password": PASSWORD, "next": "/audit/"},
    )
    assert response["Location"] == "/audit/"


def test_wrong_password_shows_the_form_again(client, trainee):
    response = sign_in(client, trainee.user.username, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert not signed_in(client)


def test_too_many_failures_answer_429_without_checking_the_password(client, trainee, login_limit):
    for _ in range(3):
        assert sign_in(client, trainee.user.username, "wrong").status_code == 200

    response = sign_in(client, trainee.user.username, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = response.content.decode()
    assert "Too many failed sign-in attempts" in text
    assert "15 minutes" in text
    # The form is offered again with the user name, but the right password did not sign in.
    assert f'value="{trainee.user.username}"' in text
    assert not signed_in(client)


def test_limit_is_per_user_name_and_address(client, trainee, safety_officer, login_limit):
    for _ in range(3):
        sign_in(client, trainee.user.username, "wrong")
    assert sign_in(client, trainee.user.username, "wrong").status_code == 429
    # Another user name from the same address, and the same name from elsewhere, still work.
    assert sign_in(client, safety_officer.user.username, "wrong").status_code == 200
    assert sign_in(client, trainee.user.username, PASSWORD, address="10.0.0.2").status_code == 302


def test_changing_the_case_of_the_name_does_not_reset_the_count(client, trainee, login_limit):
    name = trainee.user.username
    sign_in(client, name.lower(), "wrong")
    sign_in(client, name.upper(), "wrong")
    sign_in(client, name, "wrong")
    assert sign_in(client, name, PASSWORD).status_code == 429


def test_successful_sign_in_clears_the_count(client, trainee, login_limit):
    name = trainee.user.username
    sign_in(client, name, "wrong")
    sign_in(client, name, "wrong")
    assert sign_in(client, name, PASSWORD).status_code == 302
    assert login_limits.login_failure_count(client_ip="10.0.0.1", username=name) == 0
    client.logout()
    sign_in(client, name, "wrong")
    sign_in(client, name, "wrong")
    assert sign_in(client, name, PASSWORD).status_code == 302


def test_empty_fields_are_not_counted(client, trainee, login_limit):
    for _ in range(5):
        assert sign_in(client, trainee.user.username, "").status_code == 200
    assert sign_in(client, trainee.user.username, PASSWORD).status_code == 302


def test_the_window_ends(client, trainee, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 1
    sign_in(client, trainee.user.username, "wrong")
    assert sign_in(client, trainee.user.username, PASSWORD).status_code == 429
    time.sleep(1.2)
    assert sign_in(client, trainee.user.username, PASSWORD).status_code == 302


def test_login_limits_count_and_block(login_limit):
    pair = {"client_ip": "192.0.2.7", "username": "张伟 "}
    assert not login_limits.login_blocked(**pair)
    assert [login_limits.login_failure_record(**pair) for _ in range(3)] == [1, 2, 3]
    assert login_limits.login_blocked(**pair)
    assert login_limits.login_blocked(client_ip="192.0.2.7", username="张伟")
    login_limits.login_failures_clear(**pair)
    assert not login_limits.login_blocked(**pair)


def test_signed_in_user_is_sent_away_from_login(trainee_client):
    assert trainee_client.get(LOGIN)["Location"] == reverse("home")


def test_logout_is_post_only(trainee_client):
    assert trainee_client.get(reverse("logout")).status_code == 405
    response = trainee_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in(trainee_client)


def test_page_offers_a_logout_form(trainee_client):
    text = trainee_client.get(reverse("home")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in text


@pytest.fixture
def must_change(trainee):
    Employee.objects.filter(pk=trainee.pk).update(must_change_password=True)
    return trainee


def test_marked_user_is_sent_to_password_change_with_a_notice(trainee_client, must_change):
    response = trainee_client.get(reverse("home"))
    assert response["Location"] == f"{reverse('password_change')}?required=1"
    page = trainee_client.get(response["Location"])
    assert page.status_code == 200
    assert "Please choose your own password before you continue." in page.content.decode()


def test_password_change_clears_the_mark(trainee_client, must_change):
    response = trainee_client.post(
        f"{reverse('password_change')}?required=1",
        {
            "old_password": PASSWORD,
            "new_password1": "Blast-furnace-42",
            "new_password2": "Blast-furnace-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    must_change.refresh_from_db()
    assert must_change.must_change_password is False
    # Still signed in with the new password, and free to use the pages again.
    assert trainee_client.get(reverse("password_change_done")).status_code == 200
    assert trainee_client.get(reverse("home")).status_code == 200
    must_change.user.refresh_from_db()
    assert must_change.user.check_password("Blast-furnace-42")


def test_bad_new_password_keeps_the_mark_and_shows_errors(trainee_client, must_change):
    response = trainee_client.post(
        f"{reverse('password_change')}?required=1",
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert "Please choose your own password" in response.content.decode()
    must_change.refresh_from_db()
    assert must_change.must_change_password is True
