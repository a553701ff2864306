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


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= locator.page.viewport_size["height"]


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_filters_start_closed_below_a_summary_of_them(demo, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{demo}/incidents/?country=IRQ")

    filters = page.locator("details.more-filters")
    assert filters.get_attribute("open") is None
    assert page.locator("#id_country").is_hidden()
    assert page.locator("details.more-filters summary").inner_text() == "Filters (1 set)"
    assert in_first_screen(page.locator("h2#results-heading"))
    assert in_first_screen(page.locator(".timeline svg"))

    page.get_by_text("Filters (1 set)").click()
    assert page.locator("#id_country").input_value() == "IRQ"
    page.fill("#id_admin1", "IQ-BG")
    page.get_by_role("button", name="Search").click()
    assert page.locator("h2#results-heading").inner_text() == "1 incident"
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_desktop_or_without_javascript_the_filters_are_open(demo, browser, javascript):
    width = 1280 if javascript else 390
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{demo}/incidents/")

    assert page.locator("details.more-filters").get_attribute("open") is not None
    assert page.locator("#id_country").is_visible()
    context.close()
