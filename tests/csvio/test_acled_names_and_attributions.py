"""The ACLED layout writes names as ACLED's files spell them, and keeps every attribution.

ACLED writes admin-1 areas by its own English names, in ASCII ("Baghdad", "Deir ez Zor"),
where ISO 3166-2 has "Baghdād" and "Dayr az Zawr"; and it has no column for how sure an
attribution is, which Tessera writes as tags ("suspected: <actor>") and reads back.
"""

from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.acled import ACLED
from incidents.models import Incident, Tag
from incidents.taxonomy import ActorRole, Attribution
from tests.csvio.test_acled_preset import ACLED_FILE, acled_csv
from tests.factories import ActorFactory, IncidentActorFactory, IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db


def exported(incidents=None) -> dict[str, dict[str, str]]:
    incidents = Incident.objects.all() if incidents is None else incidents
    text = "".join(export_chunks(incidents, ACLED, "csv"))
    return {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(text))}


def at(country: str, admin1: str, **place) -> Incident:
    return IncidentFactory(location=LocationFactory(country=country, admin1=admin1, **place))


# -- admin-1 and place names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code", "acled_name"),
    [
        ("IRQ", "IQ-BG", "Baghdad"),  # ISO: Baghdād
        ("IRQ", "IQ-AN", "Al Anbar"),  # ISO: Al Anbār
        ("IRQ", "IQ-SD", "Salah ad Din"),  # ISO: Şalāḩ ad Dīn
        ("SYR", "SY-DY", "Deir ez Zor"),  # ISO: Dayr az Zawr
        ("SYR", "SY-HA", "Al Hasakeh"),  # ISO: Al Ḩasakah
        ("SYR", "SY-HI", "Homs"),  # ISO: Ḩimş
        ("SYR", "SY-RD", "Rural Damascus"),  # ISO: Rīf Dimashq
        ("SYR", "SY-ID", "Idlib"),  # ISO's name is already ASCII
    ],
)
def test_admin1_is_written_in_acleds_spelling(country, code, acled_name):
    incident = at(country, code)

    assert exported()[incident.public_id]["admin1"] == acled_name


@pytest.mark.parametrize(
    ("country", "acled_name", "code"),
    [
        ("SYR", "Deir ez Zor", "SY-DY"),
        ("SYR", "Ar Raqqa", "SY-RA"),
        ("SYR", "Lattakia", "SY-LA"),
        ("SYR", "Aleppo", "SY-HL"),
        ("SYR", "Dayr az Zawr", "SY-DY"),  # ISO's own name is understood too
        ("IRQ", "Baghdad", "IQ-BG"),
        ("IRQ", "Al Anbar", "IQ-AN"),
    ],
)
def test_acleds_admin1_names_are_read_back_into_iso_areas(country, acled_name, code):
    row = dict(ACLED_FILE[0], iso="", country={"SYR": "Syria", "IRQ": "Iraq"}[country])
    row["admin1"] = acled_name

    report = import_incidents(acled_csv([row]), ACLED)

    assert report.problems == []
    incident = Incident.objects.get()
    assert incident.location.admin1 == code
    assert exported()[row["event_id_cnty"]]["admin1"] == acled_name  # the file's, byte for byte


def test_place_names_of_records_not_from_acled_are_written_in_ascii():
    incident = at("SYR", "SY-HI", name="Ḩimş, “old city”", admin2="Ţarţūs – Ħamrun Łódź")

    row = exported()[incident.public_id]

    assert (row["admin1"], row["location"]) == ("Homs", "Hims, “old city”")
    assert row["admin2"] == "Tartus – Hamrun Lodz"


def test_acleds_own_rows_give_back_the_names_their_file_gave():
    row = dict(ACLED_FILE[0], admin1="Ḩimş", admin2="Mayādīn", location="Qal‘at ar Raḩbah")

    assert import_incidents(acled_csv([row]), ACLED).problems == []

    back = exported()[row["event_id_cnty"]]
    assert [back[c] for c in ("admin1", "admin2", "location")] == [
        "Ḩimş",
        "Mayādīn",
        row["location"],
    ]
    assert Incident.objects.get().location.admin1 == "SY-HI"


# -- attributions --------------------------------------------------------------------------


def _takes_part(incident, name, role=ActorRole.PERPETRATOR, attribution=Attribution.CONFIRMED):
    actor = ActorFactory(name=name)
    IncidentActorFactory(incident=incident, actor=actor, role=role, attribution=attribution)


@pytest.fixture
def attributed() -> Incident:
    incident = IncidentFactory()
    incident.tags.add(Tag.objects.create(name="sector: education"))
    _takes_part(incident, "Islamic State (Iraq)", attribution=Attribution.SUSPECTED)
    _takes_part(incident, "Unidentified Armed Group (Iraq)", attribution=Attribution.CLAIMED)
    _takes_part(incident, "Civilians (Iraq)", ActorRole.TARGET, Attribution.ALLEGED)
    _takes_part(incident, "Police Forces of Iraq (2022-)", ActorRole.TARGET)
    return incident


def test_every_attribution_of_the_rows_actors_is_written_as_a_tag(attributed):
    row = exported()[attributed.public_id]

    assert (row["actor1"], row["assoc_actor_1"]) == (
        "Islamic State (Iraq)",
        "Unidentified Armed Group (Iraq)",
    )
    assert row["tags"] == (
        "sector: education; suspected: Islamic State (Iraq); "
        "claimed: Unidentified Armed Group (Iraq); alleged: Civilians (Iraq)"
    )


def test_attribution_tags_are_read_back_into_the_actors_attributions(attributed):
    row = exported()[attributed.public_id]
    row["event_id_cnty"] = "IRQ90009"  # an ACLED event now, not the record itself

    report = import_incidents(acled_csv([row]), ACLED)

    assert report.problems == [] and report.created == 1
    imported = Incident.objects.get(dataset="acled")
    attributions = {(p.actor.name, p.attribution) for p in imported.participants.all()}
    assert attributions == {
        ("Islamic State (Iraq)", Attribution.SUSPECTED),
        ("Unidentified Armed Group (Iraq)", Attribution.CLAIMED),
        ("Civilians (Iraq)", Attribution.ALLEGED),
        ("Police Forces of Iraq (2022-)", Attribution.CONFIRMED),
    }
    assert [tag.name for tag in imported.tags.all()] == ["sector: education"]
    assert exported(Incident.objects.filter(pk=imported.pk))["IRQ90009"]["tags"] == row["tags"]


def test_an_acled_file_with_attribution_tags_comes_back_the_same():
    row = dict(ACLED_FILE[0], tags="suspected: Unidentified Armed Group (Syria); sector: oil")

    assert import_incidents(acled_csv([row]), ACLED).problems == []

    incident = Incident.objects.get()
    suspected = incident.participants.get(actor__name="Unidentified Armed Group (Syria)")
    assert suspected.attribution == Attribution.SUSPECTED
    # Tessera writes its tags first (by name), then the attributions.
    expected = "sector: oil; suspected: Unidentified Armed Group (Syria)"
    assert exported()[row["event_id_cnty"]]["tags"] == expected
    assert import_incidents(acled_csv([row]), ACLED).unchanged == 1


def test_a_tag_naming_nobody_in_the_row_stays_a_tag():
    row = dict(ACLED_FILE[0], tags="suspected: Somebody Else; claimed:no space")

    assert import_incidents(acled_csv([row]), ACLED).problems == []

    tags = sorted(tag.name for tag in Incident.objects.get().tags.all())
    assert tags == ["claimed:no space", "suspected: Somebody Else"]
    assert {p.attribution for p in Incident.objects.get().participants.all()} == {"confirmed"}
