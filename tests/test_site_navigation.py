"""The header of every public page: explore, API docs, and logging in or out."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/incidents/", "/incidents/SYR-2022-00001/", "/account/login/", "/nowhere/"]


def header(client, path: str) -> str:
    html = client.get(path).content.decode()
    match = re.search(r'<header class="site">.*?</header>', html, re.S)
    assert match, path
    return match.group(0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_visitor_can_explore_read_the_api_docs_and_log_in(client, seeded, path):
    nav = header(client, path)

    assert 'href="/incidents/">Explore incidents</a>' in nav
    assert 'href="/api/v1/docs/">API docs</a>' in nav
    assert 'href="/account/login/">Log in</a>' in nav
    assert "Log out" not in nav and "/account/token/" not in nav and "/admin/" not in nav


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_researcher_reaches_the_token_page_and_a_logout_button(client, seeded, researcher, path):
    client.force_login(researcher)

    nav = header(client, path)

    assert 'href="/account/token/">API tokens</a>' in nav
    assert re.search(
        r'<form class="logout" method="post" action="/account/logout/">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">'
        r'<button type="submit">Log out</button></form>',
        nav,
    )
    assert "Log in" not in nav and "/admin/" not in nav


def test_staff_also_reach_the_admin(editor_client, seeded):
    assert 'href="/admin/">Admin</a>' in header(editor_client, "/")
