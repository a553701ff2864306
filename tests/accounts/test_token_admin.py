"""Administrators see whose tokens exist and revoke them, and never read a secret."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/accounts/apitoken/"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def works(secret: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/incidents/").status_code == 200


def test_the_admin_shows_prefixes_but_neither_secret_nor_digest(admin_client, researcher):
    token, secret = issue(researcher, name="nightly sync")

    pages = [
        admin_client.get(LIST).content.decode(),
        admin_client.get(f"{LIST}{token.pk}/change/").content.decode(),
    ]

    for page in pages:
        assert token.prefix in page
        assert secret not in page
        assert token.digest not in page
    assert admin_client.get(f"{LIST}add/").status_code == 403


def test_an_administrator_revokes_every_token_of_a_user(admin_client, researcher):
    secrets = [issue(researcher, name=name)[1] for name in ("laptop", "script")]
    _, colleagues = issue(UserFactory(username="colleague"))
    selected = ApiToken.objects.filter(user=researcher).values_list("pk", flat=True)

    response = admin_client.post(
        f"{LIST}?q=rhea", {"action": "revoke", "_selected_action": list(selected)}, follow=True
    )

    assert "2 token(s) revoked." in response.content.decode()
    assert not any(works(secret) for secret in secrets)
    assert works(colleagues)


def test_the_state_filter_finds_usable_expired_and_revoked_tokens(admin_client, researcher):
    for name in ("usable", "expired", "revoked"):
        issue(researcher, name=name, days=1)
    ApiToken.objects.filter(name="expired").update(expires="2020-01-01T00:00Z")
    ApiToken.objects.get(name="revoked").revoke()

    for state in ("usable", "expired", "revoked"):
        page = admin_client.get(f"{LIST}?state={state}").content.decode()
        assert f"… ({state})" in page
        assert "1 API token" in page


def test_the_command_revokes_every_token_of_the_named_users(researcher):
    secrets = [issue(researcher)[1] for _ in range(2)]
    out = StringIO()

    call_command("revoke_api_tokens", "rhea", stdout=out)

    assert out.getvalue().strip() == "2 token(s) revoked."
    assert not any(works(secret) for secret in secrets)


def test_the_command_names_an_unknown_user_and_revokes_nothing(researcher):
    _, secret = issue(researcher)

    with pytest.raises(CommandError, match="No such user: nobody"):
        call_command("revoke_api_tokens", "rhea", "nobody")

    assert works(secret)
