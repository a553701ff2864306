"""Logging out: a POST from the button every page's header carries; a GET only asks."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_get_shows_a_logout_button_and_logs_no_one_out(client, researcher):
    client.force_login(researcher)

    response = client.get("/account/logout/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "You are logged in as <strong>rhea</strong>" in html
    assert html.count('<form method="post" action="/account/logout/">') == 1  # besides the header's
    assert client.get("/account/token/").status_code == 200  # still logged in


def test_get_when_logged_out_offers_to_log_in(client):
    html = client.get("/account/logout/").content.decode()

    assert "You are not logged in." in html
    assert 'href="/account/login/"' in html


def test_post_logs_out_and_returns_to_the_front_page(client, researcher):
    client.force_login(researcher)

    response = client.post("/account/logout/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account/token/").status_code == 302  # to the login page


def test_logging_out_needs_the_csrf_token(researcher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)

    assert client.post("/account/logout/").status_code == 403
    assert client.get("/account/token/").status_code == 200
