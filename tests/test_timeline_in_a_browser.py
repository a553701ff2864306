"""The explorer's timeline in a real browser (headless Chromium): a bar, or a range dragged
across bars, narrows the list to the incidents that began then."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import test_explorer_in_a_browser, test_security_headers

browser = test_security_headers.browser
demo = test_explorer_in_a_browser.demo
overflow = test_explorer_in_a_browser.overflow


def open_iraq(browser, demo, width: int):
    """The explorer of the Iraqi demo incidents, recording console errors, failed responses
    (but the favicon the browser asks for on its own) and any request that leaves the server."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: message.type == "error"
        and not message.text.startswith("Failed to load resource")
        and problems.append(message.text),
    )
    page.on(
        "response",
        lambda response: response.status >= 400
        and not response.url.endswith("/favicon.ico")
        and problems.append(f"{response.status} {response.url}"),
    )
    page.on(
        "request",
        lambda request: urlsplit(request.url).hostname != "localhost"
        and urlsplit(request.url).hostname != "127.0.0.1"
        and problems.append(request.url),
    )
    page.goto(f"{demo}/incidents/?country=IRQ", wait_until="networkidle")
    return context, page, problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_clicks_a_bar_and_lands_on_its_incidents(demo, browser, width):
    context, page, problems = open_iraq(browser, demo, width)
    bars = page.locator(".timeline-chart a.bar")
    # The three Iraqi demo incidents began on three days in a row.
    assert bars.count() == 3
    assert page.locator("#timeline-heading").is_visible()
    assert overflow(page) == 0

    bars.nth(2).click()
    page.wait_for_url("**/incidents/?country=IRQ&start_after=2022-01-05&date_before=2022-01-05")
    assert page.locator("h2#results-heading").inner_text() == "1 incident"
    assert page.locator("ol.incident-list li").count() == 1
    assert overflow(page) == 0
    assert problems == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_drags_across_bars_to_choose_a_range(demo, browser):
    context, page, problems = open_iraq(browser, demo, 1280)
    bars = page.locator(".timeline-chart a.bar")
    first, last = bars.nth(0).bounding_box(), bars.nth(1).bounding_box()

    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] - 5)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] - 5, steps=5)
    assert page.locator(".timeline-range").inner_text() == "2022-01-03 to 2022-01-04: 2 incidents"
    page.mouse.up()

    page.wait_for_url("**/incidents/?country=IRQ&start_after=2022-01-03&date_before=2022-01-04")
    assert page.locator("h2#results-heading").inner_text() == "2 incidents"
    assert problems == []
    context.close()
