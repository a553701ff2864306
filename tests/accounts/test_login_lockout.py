"""Guessing passwords stops after LOGIN_FAILURE_LIMIT failures, on every entry point."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "pw-for-tests"
FORMS = [pytest.param("/admin/login/", id="admin"), pytest.param("/account/login/", id="site")]


def log_in(client: Client, url: str, username: str, password: str):
    return client.post(url, {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("api-token")).status_code == 200


def fail_until_locked(client: Client, url: str, username: str, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, url, username, "guess")


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORMS)
def test_the_right_password_is_refused_after_repeated_failures(url, settings):
    UserFactory(username="edith", role="editor")
    client = Client()
    fail_until_locked(client, url, "edith", settings)

    response = log_in(client, url, "edith", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORMS)
def test_another_user_elsewhere_still_logs_in(url, settings):
    UserFactory(username="edith", role="editor")
    UserFactory(username="ana", role="analyst")
    fail_until_locked(Client(), url, "edith", settings)
    colleague = Client(REMOTE_ADDR="10.0.0.2")

    assert log_in(colleague, url, "ana", PASSWORD).status_code == 302
    assert is_logged_in(colleague)


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORMS)
def test_the_same_username_is_locked_from_another_address_too(url, settings):
    UserFactory(username="edith", role="editor")
    fail_until_locked(Client(), url, "edith", settings)

    assert log_in(Client(REMOTE_ADDR="10.0.0.3"), url, "edith", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_administrator_unlocks_a_username(settings):
    UserFactory(username="edith", role="editor")
    client = Client()
    fail_until_locked(client, "/account/login/", "edith", settings)

    call_command("axes_reset_username", "edith")

    assert log_in(client, "/account/login/", "edith", PASSWORD).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_failures_below_the_limit_are_forgiven_by_a_success(settings):
    UserFactory(username="edith", role="editor")
    client = Client()
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, "/account/login/", "edith", "guess")
        assert log_in(client, "/account/login/", "edith", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_token_endpoint_refuses_the_right_password_after_failures(settings):
    settings.API_THROTTLE_RATES = {"anon": "1000/minute", "user": "1000/minute"}
    UserFactory(username="rhea", role="researcher")
    client = APIClient()
    url = "/api/v1/auth/token/"
    wrong = [
        client.post(url, {"username": "rhea", "password": "guess"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    response = client.post(url, {"username": "rhea", "password": PASSWORD})

    assert wrong == [400] * settings.AXES_FAILURE_LIMIT
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    assert "token" not in response.json()
    assert int(response.headers["Retry-After"]) > 0
    other = APIClient(REMOTE_ADDR="10.0.0.4")
    UserFactory(username="ana", role="analyst")
    assert other.post(url, {"username": "ana", "password": PASSWORD}).status_code == 200
    call_command("axes_reset_username", "rhea")
    assert client.post(url, {"username": "rhea", "password": PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_the_username_is_a_clear_error():
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "rh\x00ea", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert "username" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", FORMS)
def test_a_nul_byte_in_the_username_is_a_form_error(url):
    response = log_in(Client(), url, "rh\x00ea", "guess")

    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
