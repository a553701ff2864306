"""An analyst enters one wire report from an empty form, in a real browser (headless Chromium),
counting every click, fill, choice and key press: at most 30, and nothing saved that the
analyst did not say."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.taxonomy import (
    Attribution,
    Claim,
    Confidence,
    Damage,
    DatePrecision,
    GeoPrecision,
    Outcome,
    Weapon,
)
from tests import test_security_headers

browser = test_security_headers.browser

MOST_ACTIONS = 30
TITLE = "Six rockets hit Baghdad airport, damaging a parked airliner"
REPORT_URL = "https://apnews.com/article/iraq-baghdad-airport-rockets-airliner-5d1e0c9a7b3f"
QUOTE = (
    "Six rockets struck Baghdad International Airport on Friday, damaging a parked passenger "
    "plane, officials said. No one was hurt and no group claimed responsibility."
)
UNIDENTIFIED = "Unidentified Armed Group (Iraq)"


class Analyst:
    """The analyst's hands: every click, fill, choice and key press goes through here and
    is counted, in whichever window it happens."""

    def __init__(self) -> None:
        self.actions = 0

    def click(self, locator) -> None:
        self.actions += 1
        locator.click()

    def fill(self, locator, text: str) -> None:
        self.actions += 1
        locator.fill(text)

    def choose(self, locator, value: str) -> None:
        self.actions += 1
        locator.select_option(value)

    def autocomplete(self, page, field, typed: str, choice: str) -> None:
        """Open an autocomplete, type, pick the result: three actions."""
        self.click(field.locator(".select2-selection"))
        self.fill(page.locator(".select2-container--open .select2-search__field"), typed)
        self.click(page.locator(".select2-results__option", has_text=choice))


@pytest.fixture
def analyst_session(live_server, transactional_db) -> dict:
    """The demo records, an unidentified armed group, and a signed-in analyst's session.

    Made before the browser starts (see test_security_headers.admin_session).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.test import Client

    from accounts.roles import ANALYST, ROLES
    from incidents import demo
    from incidents.models import Actor
    from incidents.taxonomy import ActorType

    demo.load()
    Actor.objects.create(name=UNIDENTIFIED, actor_type=ActorType.POLITICAL_MILITIA, country="IRQ")
    # The role's group as accounts.roles defines it: an earlier transactional test may have
    # flushed the one the migration made.
    group, _ = Group.objects.get_or_create(name=ANALYST)
    for app, codename in ROLES[ANALYST]:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    analyst = get_user_model().objects.create_user("wire-analyst", is_staff=True)
    analyst.groups.add(group)
    signed_in = Client()
    signed_in.force_login(analyst)
    return {
        "name": "sessionid",
        "value": signed_in.cookies["sessionid"].value,
        "url": live_server.url,
    }


def enter_the_wire_report(hands: Analyst, page) -> None:
    form = page.locator("#incident_form")
    hands.fill(form.locator("#id_title"), TITLE)
    hands.fill(form.locator("#id_date_start"), "2023-03-10")
    hands.choose(form.locator("#id_date_precision"), DatePrecision.DAY)

    hands.choose(form.locator("#id_event_type"), "Explosions/Remote violence")
    hands.choose(form.locator("#id_sub_event_type"), "Shelling/artillery/missile attack")
    hands.choose(form.locator("#id_weapon"), Weapon.ROCKET)
    hands.fill(form.locator("#id_munition_count"), "6")
    hands.choose(form.locator("#id_damage"), Damage.MAJOR)

    hands.autocomplete(page, form.locator(".field-location"), "Baghdad", demo_airport())
    hands.choose(form.locator("#id_geo_precision"), str(GeoPrecision.EXACT.value))
    hands.fill(form.locator("#id_fatalities_best"), "0")
    hands.choose(form.locator("#id_confidence"), Confidence.SINGLE_SOURCE)

    actor_row = form.locator("#participants-0")
    hands.autocomplete(page, actor_row.locator(".field-actor"), "Unidentified Armed", UNIDENTIFIED)
    hands.choose(actor_row.locator("select[name$='-role']"), "perpetrator")
    hands.choose(actor_row.locator("select[name$='-attribution']"), Attribution.UNCLAIMED)

    citation = form.locator("#citations-0")
    with page.expect_popup() as opened:
        hands.click(citation.locator("a.add-related"))
    popup = opened.value
    hands.fill(popup.locator("#id_url"), REPORT_URL)
    with popup.expect_event("close"):
        hands.click(popup.locator("input[name=_save]"))
    hands.fill(citation.locator("textarea[name$='-quote']"), QUOTE)

    with page.expect_navigation():
        hands.click(page.locator("input[name=_save]"))


def demo_airport() -> str:
    from incidents.demo import BAGHDAD_AIRPORT

    return BAGHDAD_AIRPORT


@pytest.mark.django_db(transaction=True)
def test_an_analyst_enters_a_wire_report_in_at_most_30_actions(
    analyst_session, browser, live_server, monkeypatch
):
    from incidents.models import Incident

    # The saved record is read in this thread's own connection, while Playwright's loop runs.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([analyst_session])
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/incidents/incident/add/")
    hands = Analyst()
    enter_the_wire_report(hands, page)
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    context.close()

    assert errors == []
    assert hands.actions <= MOST_ACTIONS, f"{hands.actions} actions"
    print(f"The wire report took {hands.actions} actions.")
    saved = Incident.objects.get(title=TITLE)
    assert (saved.date_start, saved.date_end) == (dt.date(2023, 3, 10), dt.date(2023, 3, 10))
    assert saved.location.name == demo_airport()
    # Only what the analyst chose: no precision, confidence or attribution presumed.
    assert saved.date_precision == DatePrecision.DAY
    assert saved.geo_precision == GeoPrecision.EXACT
    assert saved.confidence == Confidence.SINGLE_SOURCE
    assert [(p.actor.name, p.role, p.attribution) for p in saved.participants.all()] == [
        (UNIDENTIFIED, "perpetrator", Attribution.UNCLAIMED)
    ]
    assert (saved.fatalities_best, saved.fatalities_low, saved.fatalities_high) == (0, None, None)
    assert (saved.weapon, saved.munition_count, saved.damage) == (Weapon.ROCKET, 6, Damage.MAJOR)
    assert (saved.outcome, saved.violence_type, saved.origin_location) == (
        Outcome.UNKNOWN,
        None,
        None,
    )
    # One citation of a new AP source, made from its URL alone.
    [citation] = saved.citations.select_related("source")
    assert citation.quote == QUOTE
    assert (citation.source.url, citation.source.title) == (REPORT_URL, "")
    assert citation.source.publisher_id == "AP"
    assert citation.source.label == "apnews.com › iraq baghdad airport rockets airliner"
    # It supports what the record states, and nothing it leaves unknown (the outcome).
    assert set(citation.supports) == {
        Claim.DATE,
        Claim.PLACE,
        Claim.ACTORS,
        Claim.CASUALTIES,
        Claim.MUNITIONS,
        Claim.DAMAGE,
    }
