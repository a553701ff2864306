"""The incident desk in a real browser (headless Chromium) at 1280 px."""

from __future__ import annotations

import re

import pytest

from incidents.taxonomy import ACLED_EVENT_TYPES
from tests import test_security_headers

# The browser and the signed-in session, as the security headers' browser test makes them.
browser = test_security_headers.browser
admin_session = test_security_headers.admin_session

LONG_TITLE = (
    "Six rockets strike Baghdad International Airport, damaging a parked civilian airliner "
    "on the apron near the cargo terminal; no casualties reported"
)


@pytest.fixture
def long_titled(admin_session) -> int:
    """A demo incident with a title that wraps, saved before the browser starts."""
    from incidents.models import Incident

    incident = Incident.objects.filter(status="published").order_by("pk").first()
    assert incident is not None
    incident.title = LONG_TITLE
    incident.save()
    return incident.pk


def signed_in_page(browser, admin_session):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([admin_session])
    return context, context.new_page()


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def buttons_covering_headings(page) -> list[str]:
    headings = [box for h in page.locator("#content > h1, #content > h2").all()
                if (box := h.bounding_box())]  # fmt: skip
    covering = []
    for button in page.locator(".object-tools li").all():
        box = button.bounding_box()
        if box and any(overlaps(box, heading) for heading in headings):
            covering.append(button.inner_text())
    return covering


@pytest.mark.django_db(transaction=True)
def test_buttons_never_cover_the_heading_or_a_long_title_at_1280_px(
    long_titled,
    browser,
    live_server,
    admin_session,
):
    context, page = signed_in_page(browser, admin_session)
    page.goto(f"{live_server.url}/admin/incidents/incident/")
    assert page.locator(".object-tools li").count() >= 4  # the export buttons among them
    list_covering = buttons_covering_headings(page)

    page.goto(f"{live_server.url}/admin/incidents/incident/{long_titled}/change/")
    assert LONG_TITLE in page.locator("#content > h2").inner_text()
    assert page.get_by_text("Same event as…").count() == 1
    form_covering = buttons_covering_headings(page)
    context.close()

    assert list_covering == []
    assert form_covering == []


@pytest.mark.django_db(transaction=True)
def test_the_sub_event_list_follows_the_event_type(admin_session, browser, live_server):
    context, page = signed_in_page(browser, admin_session)
    page.goto(f"{live_server.url}/admin/incidents/incident/add/")
    offered = "#id_sub_event_type option:not([disabled]):not([value=''])"

    page.select_option("#id_event_type", "Protests")
    protests = page.locator(offered).evaluate_all("options => options.map(o => o.value)")
    page.select_option("#id_sub_event_type", "Peaceful protest")
    page.select_option("#id_event_type", "Battles")
    battles = page.locator(offered).evaluate_all("options => options.map(o => o.value)")
    left_chosen = page.locator("#id_sub_event_type").input_value()
    context.close()

    assert protests == ACLED_EVENT_TYPES["Protests"]
    assert battles == ACLED_EVENT_TYPES["Battles"]
    assert left_chosen == ""  # a protest's sub-type is not kept for a battle


def sideways_overflow(page) -> dict[str, int]:
    """How many pixels the page and the list's table reach past the window's width."""
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            const results = document.querySelector('#changelist .results');
            return {
                page: root.scrollWidth - root.clientWidth,
                results: results ? results.scrollWidth - results.clientWidth : -1,
            };
        }"""
    )


@pytest.mark.django_db(transaction=True)
def test_the_incident_list_fits_1280_px_without_scrolling_sideways(
    long_titled, browser, live_server, admin_session
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([admin_session])
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/incidents/incident/")
    headings = page.locator("#result_list thead th").all_inner_texts()
    badges = page.locator("#result_list .status-badge").count()
    rows = page.locator("#result_list tbody tr").count()
    overflow = sideways_overflow(page)
    status_box = page.locator("#result_list thead th.column-status_badge").bounding_box()
    context.close()

    assert [h.strip().upper() for h in headings if h.strip()][:3] == ["PUBLIC ID", "TITLE", "DATES"]
    assert badges == rows > 0
    assert overflow == {"page": 0, "results": 0}
    assert status_box is not None and status_box["x"] + status_box["width"] <= 1280


@pytest.fixture
def in_review(admin_session) -> tuple[str, str]:
    """A demo record waiting for review, saved before the browser starts."""
    from incidents.models import Incident

    waiting = Incident.objects.filter(status="published").order_by("pk").first()
    assert waiting is not None
    waiting.status = "in review"
    waiting.save()
    return waiting.public_id, waiting.title


@pytest.mark.django_db(transaction=True)
def test_an_editor_publishes_from_the_review_queue_after_confirming(
    in_review, admin_session, browser, live_server
):
    public_id, title = in_review
    context, page = signed_in_page(browser, admin_session)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Awaiting review").click()
    page.wait_for_url(re.compile(r"queue=awaiting_review"))
    queue = page.locator("#result_list tbody tr").all_inner_texts()
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r"/change/"))
    page.get_by_role("link", name="Publish…").click()
    page.wait_for_url(re.compile(r"/move/published/"))
    asked = page.locator("#content h1").inner_text()
    shown = page.locator(".public-preview").inner_text()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/change/"))
    told = page.locator(".messagelist").inner_text()
    status_now = page.locator(".field-status .readonly").inner_text()
    context.close()

    assert len(queue) == 1 and public_id in queue[0]
    assert asked == f"Publish: {public_id}?"
    assert title in shown
    assert told == f"{public_id}: publish done."
    assert status_now == "published"
