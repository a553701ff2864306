from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_token_exchange_and_use(researcher):
    client = APIClient()

    response = client.post(
        "/api/v1/auth/token/", {"username": "rhea", "password": "pw-for-tests"}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/incidents/").status_code == 200


def test_wrong_password_gets_no_token(researcher):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "rhea", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_of_analyst_shows_drafts():
    from tests.factories import UserFactory

    analyst = UserFactory(username="token-analyst", role="analyst")
    draft = IncidentFactory(status="draft")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")

    assert client.get(f"/api/v1/incidents/{draft.public_id}/").status_code == 200


def test_invalid_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/v1/incidents/").status_code == 401


def test_user_sees_and_rotates_their_token(researcher):
    client = Client()
    client.force_login(researcher)

    page = client.get(reverse("api-token")).content.decode()
    old = Token.objects.get(user=researcher).key
    assert old in page

    client.post(reverse("api-token"))

    new = Token.objects.get(user=researcher).key
    assert new != old
    assert new in client.get(reverse("api-token")).content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/incidents/").status_code == 401


def test_token_page_needs_login(client):
    response = client.get(reverse("api-token"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_researcher_logs_in_to_reach_the_token_page(client, researcher):
    response = client.post(
        reverse("login"), {"username": "rhea", "password": "pw-for-tests"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("api-token")


def test_admin_links_to_the_token_page(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("api-token")}"' in page


def test_throttling_answers_429_past_the_anonymous_rate(settings):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": "1000/minute"}
    client = APIClient()

    codes = [client.get("/api/v1/incidents/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
