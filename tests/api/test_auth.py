from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.tokens import issue
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


def test_an_overlong_username_is_a_400_naming_it():
    # Longer than any username; the failed login could not be recorded (a 500 on PostgreSQL).
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "a" * 300, "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_token_of_analyst_shows_drafts():
    from tests.factories import UserFactory

    analyst = UserFactory(username="token-analyst", role="analyst")
    draft = IncidentFactory(status="draft")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(analyst)[1]}")

    assert client.get(f"/api/v1/incidents/{draft.public_id}/").status_code == 200


def test_invalid_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert client.get("/api/v1/incidents/").status_code == 401


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


def exchange(client: APIClient, **extra) -> dict:
    body = {"username": "rhea", "password": "pw-for-tests", **extra}
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_exchange_makes_a_new_token_and_earlier_ones_keep_working(researcher):
    first, second = exchange(APIClient())["token"], exchange(APIClient())["token"]

    assert first != second
    for secret in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert client.get("/api/v1/incidents/").status_code == 200


def test_an_exchanged_token_expires_after_the_default_days(researcher, settings):
    settings.API_TOKEN_DEFAULT_DAYS = 30

    expires = parse_datetime(exchange(APIClient())["expires"])

    assert expires is not None
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)


def test_a_client_chooses_its_tokens_name_and_expiry(researcher):
    answer = exchange(APIClient(), name="nightly sync", expires_in_days=0)

    assert answer["expires"] is None
    token = researcher.api_tokens.get()
    assert (token.name, token.expires) == ("nightly sync", None)
    assert answer["token"].startswith(token.prefix)


def test_a_bad_expiry_is_a_400_naming_it(researcher):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "rhea", "password": "pw-for-tests", "expires_in_days": -1},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["expires_in_days"]
    assert not researcher.api_tokens.exists()


def test_a_revoked_token_sent_along_does_not_stop_the_exchange(researcher):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")

    assert exchange(client)["token"]
