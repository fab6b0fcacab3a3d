"""``GET /api/v1/ping/``: the minimal authenticated call (liveness probe, autosave floor)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_url_is_api_v1_ping():
    assert reverse("api-ping") == "/api/v1/ping/"


def test_a_token_gets_ok_with_one_query(trainee):
    token = Token.objects.create(user=trainee.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    # The token's look-up (with its user) and nothing else: the floor stays a floor.
    assert len(queries) == 1


def test_a_session_gets_ok(trainee_client):
    response = trainee_client.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_anonymous_and_bad_tokens_get_401(anon_api):
    assert anon_api.get("/api/v1/ping/").status_code == 401
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = anon_api.get("/api/v1/ping/")
    assert response.status_code == 401
    assert "ok" not in response.json()


def test_an_inactive_user_gets_401(trainee):
    token = Token.objects.create(user=trainee.user)
    trainee.user.is_active = False
    trainee.user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/ping/").status_code == 401


def test_only_get(trainee_api):
    assert trainee_api.post("/api/v1/ping/", {}, format="json").status_code == 405
    assert trainee_api.delete("/api/v1/ping/").status_code == 405


def test_it_is_in_the_schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/ping/" in response.content
