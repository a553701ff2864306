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
    page.fill(".select2-search__field", "Baghdad airport")
    page.click(".select2-results__option >> text=Baghdad International Airport")

    panel.get_by_text(DRONES).wait_for()
    assert "2022-01-03" in panel.inner_text()
    assert (
        panel.get_by_role("link", name="Same event: add this source there").get_attribute("href")
        == f"/admin/incidents/incident/{drones}/change/"
    )
    # By keyboard: in headless Chromium the first mouse press after the place's autocomplete
    # scrolls the page (the admin's focusable <main>), and the press and release land apart.
    panel.get_by_role("button", name="Not the same event").focus()
    page.keyboard.press("Enter")

    panel.wait_for(state="hidden")
    assert page.input_value("#id_not_duplicates") == str(drones)
    context.close()
