"""The about pages and a record's metadata in a real browser (headless Chromium)."""

from __future__ import annotations

import json

import pytest

from tests import test_security_headers
from tests.test_explorer_in_a_browser import overflow

browser = test_security_headers.browser

PAGES = ["/about/", "/about/codebook/", "/about/methodology/", "/incidents/IRQ-2022-00003/"]


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo records, loaded before the browser starts (see admin_session)."""
    from incidents import demo

    demo.load()
    return live_server.url


def console_error(message) -> str:
    """An error the browser reports, but the favicon's absence, which no page asks for."""
    if message.type != "error" or message.location.get("url", "").endswith("/favicon.ico"):
        return ""
    return f"{message.text} {message.location}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_about_pages_fit_the_screen_without_a_console_error(demo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(console_error(message)))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}")
        if response.status >= 400
        else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective));"
    )
    for path in [*PAGES, "/incidents/?country=IRQ"]:
        response = page.goto(f"{demo}{path}", wait_until="networkidle")
        assert response is not None and response.status == 200, path
        assert overflow(page) == 0, path
    context.close()
    assert [error for error in errors if error] == []


@pytest.mark.django_db(transaction=True)
def test_the_browser_keeps_the_records_json_ld_as_data(demo, browser):
    """The JSON-LD block is data, not a script: the policy lets it stand, the page reads it."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo}/incidents/IRQ-2022-00003/", wait_until="networkidle")

    text = page.locator('script[type="application/ld+json"]').text_content()
    assert json.loads(text or "")["identifier"] == "IRQ-2022-00003"
    context.close()
