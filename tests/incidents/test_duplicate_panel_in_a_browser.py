"""The duplicate panel in a real browser (headless Chromium): it appears as soon as date,
place and event type are filled, and "Not the same event" puts the candidate away."""

from __future__ import annotations

import pytest

from tests import test_security_headers

browser = test_security_headers.browser
admin_session = test_security_headers.admin_session

DRONES = "Two armed drones shot down targeting coalition compound at Baghdad airport"


@pytest.fixture
def drones(admin_session) -> int:
    """The seed's Baghdad airport drones, read before the browser starts."""
    from incidents.models import Incident

    return Incident.objects.get(title=DRONES).pk


@pytest.mark.django_db(transaction=True)
def test_the_panel_shows_the_baghdad_drones_and_puts_them_away(
    drones, admin_session, browser, live_server
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([admin_session])
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/incidents/incident/add/")
    panel = page.locator("#duplicate-panel")

    page.fill("#id_date_start", "2022-01-04")
    page.select_option("#id_event_type", "Strategic developments")
    assert panel.is_hidden()  # no place yet
    page.click(".field-location .select2-selection")
    # The place's own search box, in its dropdown: the form's first `.select2-search__field`
    # is the Tags field's inline one, and typing there opens the Tags list, which the next
    # mouse press closes by focusing that field again, scrolling the page up to it.
    page.fill(".select2-dropdown .select2-search__field", "Baghdad airport")
    page.click(".select2-results__option >> text=Baghdad International Airport")

    panel.get_by_text(DRONES).wait_for()
    assert "2022-01-03" in panel.inner_text()
    assert (
        panel.get_by_role("link", name="Same event: add this source there").get_attribute("href")
        == f"/admin/incidents/incident/{drones}/change/"
    )
    assert page.locator(".select2-container--open").count() == 0  # no list left open
    panel.get_by_role("button", name="Not the same event").click()

    panel.wait_for(state="hidden")
    assert page.input_value("#id_not_duplicates") == str(drones)
    context.close()


@pytest.fixture
def second_report(admin_session) -> int:
    """A saved draft of the drones, as a second analyst entered them: the panel offers the
    seed's record as its duplicate."""
    from incidents.models import Incident
    from tests.factories import IncidentFactory

    drones = Incident.objects.get(title=DRONES)
    return IncidentFactory(
        title="Drones over Baghdad airport",
        status="draft",
        date_start=drones.date_start,
        location=drones.location,
        event_type=drones.event_type,
        sub_event_type=drones.sub_event_type,
    ).pk


@pytest.mark.django_db(transaction=True)
def test_on_a_saved_record_not_the_same_event_is_recorded_at_the_click(
    second_report, admin_session, browser, live_server
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([admin_session])
    page = context.new_page()
    change_url = f"{live_server.url}/admin/incidents/incident/{second_report}/change/"
    page.goto(change_url)
    panel = page.locator("#duplicate-panel")
    panel.get_by_text(DRONES).wait_for()
    assert "recorded at once" in panel.inner_text()
    page.fill("#id_title", "Drones shot down over Baghdad airport")  # not saved

    with page.expect_response(lambda r: r.url.endswith("/not-duplicate/")) as decided:
        panel.get_by_role("button", name="Not the same event").click()

    assert decided.value.status == 200
    panel.wait_for(state="hidden")
    assert page.url == change_url
    assert page.input_value("#id_title") == "Drones shot down over Baghdad airport"
    # Opened again, the form no longer offers the drones: the decision was saved.
    again = context.new_page()
    with again.expect_response(lambda r: "/candidates/?" in r.url) as asked:
        again.goto(change_url)
    assert asked.value.json() == {"candidates": []}
    assert again.locator("#duplicate-panel").is_hidden()
    context.close()
