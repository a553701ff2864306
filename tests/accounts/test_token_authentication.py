"""API tokens: only a digest is stored; expired and revoked tokens are refused with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import digest_of, issue
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"


def client_with(secret: str, keyword: str = "Token") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
    return client


def test_the_database_never_holds_the_secret(researcher):
    token, secret = issue(researcher, name="script", days=30)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]

    assert stored
    assert not [value for value in stored if secret in value]
    assert token.digest == digest_of(secret) != secret
    assert client_with(secret).get(URL).status_code == 200


def test_bearer_is_accepted_as_well(researcher):
    _, secret = issue(researcher)

    assert client_with(secret, keyword="Bearer").get(URL).status_code == 200


def test_an_expired_token_is_refused_with_its_expiry(researcher):
    token, secret = issue(researcher, days=1)
    token.expires = timezone.now() - timedelta(seconds=1)
    token.save()

    response = client_with(secret).get(URL)

    assert response.status_code == 401
    assert response.json()["detail"] == (
        f"Token {token.prefix}… expired on {token.expires:%Y-%m-%d %H:%M} UTC. Make a new one."
    )
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_stops_working_at_once(researcher):
    token, secret = issue(researcher)
    client = client_with(secret)
    assert client.get(URL).status_code == 200

    token.revoke()

    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(f"Token {token.prefix}… was revoked on ")


def test_an_unknown_token_is_refused(researcher):
    issue(researcher)

    response = client_with("not-a-token").get(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_token_of_a_deactivated_user_is_refused(researcher):
    _, secret = issue(researcher)
    researcher.is_active = False
    researcher.save()

    assert client_with(secret).get(URL).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(researcher, django_capture_on_commit_callbacks):
    token, secret = issue(researcher)
    client = client_with(secret)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)
    token.refresh_from_db()
    first_use = token.last_used
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(URL)
    token.refresh_from_db()

    assert first_use is not None
    assert token.last_used == first_use
    assert callbacks == []


def test_authenticating_by_token_costs_one_query(researcher):
    incident = IncidentFactory(status="published")
    url = f"{URL}{incident.public_id}/"
    _, secret = issue(researcher)
    ApiToken.objects.update(last_used=timezone.now())
    by_token, forced = client_with(secret), APIClient()
    forced.force_authenticate(researcher)
    by_token.get(url), forced.get(url)  # warm caches (content types, permissions)

    with CaptureQueriesContext(connection) as with_token:
        assert by_token.get(url).status_code == 200
    with CaptureQueriesContext(connection) as without:
        assert forced.get(url).status_code == 200

    # Beyond what the same request costs for an already-loaded user: the token by its digest,
    # joined with its user (one query), then the user's own and group permissions (which every
    # freshly loaded user costs, as with a session).
    assert len(with_token) == len(without) + 3
    token_queries = [q["sql"] for q in with_token if "accounts_apitoken" in q["sql"]]
    assert len(token_queries) == 1 and "JOIN" in token_queries[0]


def test_a_keyword_without_a_token_is_refused_with_how_to_send_one():
    response = client_with("").get(URL)

    assert response.status_code == 401
    assert "Authorization: Token <token>" in response.json()["detail"]
