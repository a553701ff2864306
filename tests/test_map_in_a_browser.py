"""The explorer's map in a real browser (headless Chromium), on a phone's screen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

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


def on_the_map(page) -> int:
    clusters = page.locator(".incident-cluster").all_inner_texts()
    return sum(int(text) for text in clusters) + page.locator("path.incident-point").count()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_the_airport_drones_on_the_map(demo, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    # The site has no icon; the browser's request for one is not the page's.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{demo}/incidents/?country=IRQ")
    page.locator("path.incident-point").wait_for()
    # Baghdad airport alone; two incidents at Ain al-Asad air base, and one in Syria, not shown.
    assert on_the_map(page) == 3
    assert page.locator(".map-status").inner_text() == "3 on the map"
    assert page.get_by_text("The map needs JavaScript").is_hidden()

    # Zoomed out, the Iraqi incidents make one cluster; clicking it zooms in to them.
    for _ in range(4):
        page.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(400)
    page.locator(".incident-cluster", has_text="3").wait_for()
    assert page.locator("path.incident-point").count() == 0
    page.locator(".incident-cluster", has_text="3").click()
    page.locator("path.incident-point").wait_for()
    assert page.locator(".incident-cluster", has_text="3").count() == 0
    assert on_the_map(page) == 3

    # A single incident opens a popup with its title, date and link.
    page.locator("path.incident-point").click()
    popup = page.locator(".leaflet-popup-content")
    assert "2022-01-03" in popup.inner_text()
    link = popup.get_by_role("link")
    assert link.inner_text().startswith("Two armed drones shot down targeting coalition compound")
    assert link.get_attribute("href") == f"{demo}/incidents/IRQ-2022-00003/"

    # Two incidents at one place: no zoom parts them, so the cluster lists them (bbox).
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".incident-cluster", has_text="2").click()
    page.get_by_role("link", name="List the 2 incidents at this place").click()
    page.wait_for_url("**bbox=*")
    assert page.locator("h2#results-heading").inner_text() == "2 incidents"
    assert "country=IRQ" in page.url
    page.locator(".incident-cluster", has_text="2").wait_for()
    assert page.get_by_role("link", name="Remove the area").count() == 1

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
    assert errors == []
    # Nothing but the test server, on the loopback interface: no tile, font or script elsewhere.
    assert requests and {urlsplit(url).netloc for url in requests} == {urlsplit(demo).netloc}
    context.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_map_stays_hidden_and_the_list_answers(demo, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{demo}/incidents/?country=IRQ")

    assert page.locator("#incident-map").is_hidden()
    assert page.locator(".map-tools").is_hidden()
    assert page.get_by_text("The map needs JavaScript").is_visible()
    assert page.locator("ol.incident-list li").count() == 3
    context.close()


def marker_boxes(page) -> list[dict]:
    """Where the map's clusters and single incidents are on the screen, west to east."""
    markers = page.locator(".incident-cluster, path.incident-point").all()
    return sorted((marker.bounding_box() for marker in markers), key=lambda box: box["x"])


@pytest.mark.django_db(transaction=True)
def test_a_visitor_draws_a_box_over_iraq_and_removes_it(demo, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo}/incidents/")
    page.locator("path.incident-point").wait_for()
    assert page.locator(".map-status").inner_text() == "5 on the map"

    draw = page.get_by_role("button", name="Draw a box")
    draw.click()
    assert draw.get_attribute("aria-pressed") == "true"
    page.keyboard.press("Escape")  # changed its mind: the map pans again
    assert draw.get_attribute("aria-pressed") == "false"
    draw.focus()
    page.keyboard.press("Enter")
    assert draw.get_attribute("aria-pressed") == "true"

    # The Syrian incidents lie west of the Iraqi ones: the box holds every marker but the first.
    syria, *iraq = marker_boxes(page)
    west = min(box["x"] for box in iraq) - 15
    north = min(box["y"] for box in iraq) - 15
    east = max(box["x"] + box["width"] for box in iraq) + 15
    south = max(box["y"] + box["height"] for box in iraq) + 15
    assert west > syria["x"] + syria["width"]
    page.mouse.move(west, north)
    page.mouse.down()
    page.mouse.move((west + east) / 2, (north + south) / 2)
    page.mouse.move(east, south)
    page.mouse.up()

    page.wait_for_url("**bbox=*")
    bbox = parse_qs(urlsplit(page.url).query)["bbox"][0]
    min_lon, min_lat, max_lon, max_lat = map(float, bbox.split(","))
    assert 40.55 < min_lon < 42.44 and 44.24 < max_lon < 49
    assert min_lat < 33.26 and max_lat > 33.79
    assert page.locator("h2#results-heading").inner_text() == "3 incidents"
    ids = page.locator("ol.incident-list li code").all_inner_texts()
    assert ids and all(text.startswith("IRQ-") for text in ids)
    assert page.locator("path.page-area").count() == 1
    assert page.get_by_text("outlined on the map").is_visible()

    page.get_by_role("link", name="Remove the area").click()
    assert "bbox" not in page.url
    assert page.locator("h2#results-heading").inner_text() == "5 incidents"
    assert page.locator("path.page-area").count() == 0
    assert errors == []
    context.close()
