"""The API token page: make tokens (each secret shown once), see them by prefix, revoke them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/token/"


def create(client: Client, name: str = "laptop", expires_in: int = 90) -> str:
    """Make a token on the page; return the secret the answer shows."""
    response = client.post(PAGE, {"name": name, "expires_in": expires_in})
    assert response.status_code == 200
    shown = re.search(r'<code id="token">([^<]+)</code>', response.content.decode())
    assert shown is not None
    return shown.group(1)


def api_status(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/incidents/").status_code


def test_the_secret_is_shown_once_and_then_only_its_prefix(researcher):
    client = Client()
    client.force_login(researcher)

    secret = create(client, name="nightly sync")
    later = client.get(PAGE).content.decode()

    assert api_status(secret) == 200
    assert secret not in later
    token = researcher.api_tokens.get()
    assert f"{token.prefix}…" in later and "nightly sync" in later
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 4


def test_the_answer_showing_a_secret_is_never_cached(researcher):
    client = Client()
    client.force_login(researcher)

    response = client.post(PAGE, {"name": "", "expires_in": 30})

    assert "no-store" in response["Cache-Control"]


def test_the_chosen_expiry_is_kept(researcher):
    client = Client()
    client.force_login(researcher)

    create(client, name="short", expires_in=30)
    create(client, name="forever", expires_in=0)

    short, forever = (
        researcher.api_tokens.get(name="short"),
        researcher.api_tokens.get(name="forever"),
    )
    assert short.expires is not None
    assert (short.expires - short.created).days == 30
    assert forever.expires is None
    assert "never" in client.get(PAGE).content.decode()


def test_an_unknown_expiry_is_a_form_error_and_makes_nothing(researcher):
    client = Client()
    client.force_login(researcher)

    response = client.post(PAGE, {"name": "x", "expires_in": 7})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not researcher.api_tokens.exists()


def test_a_user_holds_several_tokens_and_revokes_one_at_once(researcher):
    client = Client()
    client.force_login(researcher)
    kept, revoked = create(client, name="script"), create(client, name="laptop")
    token = researcher.api_tokens.get(name="laptop")

    response = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)

    assert api_status(revoked) == 401
    assert api_status(kept) == 200
    page = response.content.decode()
    assert f"Token {token.prefix}… (laptop) revoked: it no longer works." in page
    assert f"{token.prefix}…" not in page.split("no longer works.</li></ul>", 1)[1]


def test_nobody_revokes_another_users_token(researcher):
    _, secret = issue(UserFactory(username="someone-else"))
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(researcher)

    response = client.post(reverse("api-token-revoke", args=[token.pk]))

    assert response.status_code == 404
    assert api_status(secret) == 200


def test_revoking_needs_a_post_with_the_csrf_token(researcher):
    _, secret = issue(researcher)
    token = researcher.api_tokens.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)
    url = reverse("api-token-revoke", args=[token.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert client.post(PAGE, {"name": "x", "expires_in": 30}).status_code == 403
    assert api_status(secret) == 200
    assert researcher.api_tokens.count() == 1


def test_expired_and_revoked_tokens_are_not_listed(researcher):
    for name in ("expired", "revoked", "usable"):
        issue(researcher, name=name, days=1)
    researcher.api_tokens.filter(name="expired").update(expires="2020-01-01T00:00Z")
    researcher.api_tokens.get(name="revoked").revoke()
    client = Client()
    client.force_login(researcher)

    page = client.get(PAGE).content.decode()

    assert "usable" in page
    assert "expired</td>" not in page and "revoked</td>" not in page


def test_the_page_has_no_inline_script_or_style(researcher):
    client = Client()
    client.force_login(researcher)
    issue(researcher, name="listed")

    for response in (client.get(PAGE), client.post(PAGE, {"name": "new", "expires_in": 30})):
        page = response.content.decode()
        assert "<script" not in page
        assert "<style" not in page and "style=" not in page
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
