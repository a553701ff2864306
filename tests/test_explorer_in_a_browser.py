"""The explorer in a real browser (headless Chromium): on a phone and on a desktop."""

from __future__ import annotations

import pytest

from tests import test_security_headers

# The browser, as the security headers' browser test starts it.
browser = test_security_headers.browser


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo records, loaded before the browser starts (see admin_session)."""
    from incidents import demo

    demo.load()
    return live_server.url


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_explorer_and_the_front_page_fit_the_screen(demo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ["/", "/incidents/?country=IRQ", "/incidents/?contry=IRQ"]:
        page.goto(f"{demo}{path}")
        assert overflow(page) == 0, path
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_searches_narrows_by_a_facet_and_reaches_the_quote(demo, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{demo}/")

    page.get_by_role("link", name="Explore incidents").click()
    page.fill("#id_q", "drones")
    page.get_by_role("button", name="Search").click()
    assert page.locator("ol.incident-list li").count() == 2
    page.locator(".facet-admin1").get_by_role("link", name="Baghdād").click()
    assert page.url.endswith("/incidents/?q=drones&admin1=IQ-BG")
    assert page.locator("h2#results-heading").inner_text() == "1 incident"

    page.locator("ol.incident-list a.title").click()
    assert page.url.endswith("/incidents/IRQ-2022-00003/")
    assert page.locator("blockquote").count() > 0
    context.close()
