from __future__ import annotations

import csv
import io

import pytest

from csvio.export import export_chunks
from csvio.imports import Problem, import_incidents
from csvio.layouts.acled import ACLED
from geo.models import Location
from incidents import demo
from incidents.models import Actor, Incident, Source
from incidents.taxonomy import ActorRole, ActorType, DatePrecision, GeoPrecision
from tests.factories import LocationFactory

HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)
US_FORCES = "Military Forces of the United States (2021-)"

# Three events as ACLED writes them: a clash of inter codes 3 and 8 with an associated actor
# and an admin-1 name pycountry spells differently; a disrupted attack dated the way older
# files do; an attack on civilians with two sources and tags.
ACLED_FILE = [
    {
        "event_id_cnty": "SYR90001",
        "event_date": "2022-01-05",
        "year": "2022",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Unidentified Armed Group (Syria)",
        "assoc_actor_1": "",
        "inter1": "3",
        "actor2": US_FORCES,
        "assoc_actor_2": "SDF: Syrian Democratic Forces",
        "inter2": "8",
        "interaction": "38",
        "civilian_targeting": "",
        "iso": "760",
        "region": "Middle East",
        "country": "Syria",
        "admin1": "Deir ez Zor",
        "admin2": "Al Mayadin",
        "admin3": "Thiban",
        "location": "Al Omar Oil Field",
        "latitude": "35.07",
        "longitude": "40.55",
        "geo_precision": "1",
        "source": "Track Persia",
        "source_scale": "International",
        "notes": "On 5 January 2022, eight rounds of indirect fire hit the base. No casualties.",
        "fatalities": "0",
        "tags": "",
        "timestamp": "1642000000",
    },
    {
        "event_id_cnty": "IRQ90002",
        "event_date": "04 January 2022",
        "year": "2022",
        "time_precision": "2",
        "disorder_type": "Strategic developments",
        "event_type": "Strategic developments",
        "sub_event_type": "Disrupted weapons use",
        "actor1": US_FORCES,
        "assoc_actor_1": "",
        "inter1": "8",
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "0",
        "interaction": "80",
        "civilian_targeting": "",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Al Anbar",
        "admin2": "Hit",
        "admin3": "",
        "location": "Ain al-Asad Air Base",
        "latitude": "33.7856",
        "longitude": "42.4411",
        "geo_precision": "2",
        "source": "Track Persia",
        "source_scale": "",
        "notes": "",
        "fatalities": "",
        "tags": "",
        "timestamp": "1642000000",
    },
    {
        "event_id_cnty": "IRQ90003",
        "event_date": "05-January-2022",
        "year": "2022",
        "time_precision": "3",
        "disorder_type": "Political violence",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Iraq)",
        "assoc_actor_1": "",
        "inter1": "3",
        "actor2": "Civilians (Iraq)",
        "assoc_actor_2": "",
        "inter2": "7",
        "interaction": "37",
        "civilian_targeting": "Civilian targeting",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Baghdad",
        "admin2": "",
        "admin3": "",
        "location": "Baghdad",
        "latitude": "33.3406",
        "longitude": "44.4009",
        "geo_precision": "3",
        "source": "Shafaq News; Rudaw; Shafaq News",
        "source_scale": "National-International",
        "notes": "On 5 January 2022, gunmen killed two civilians in Baghdad.",
        "fatalities": "2",
        "tags": "sector: education; women targeted: girls",
        "timestamp": "1642000000",
    },
]


OLDER_DATES = {"04 January 2022": "2022-01-04", "05-January-2022": "2022-01-05"}


def acled_csv(rows: list[dict[str, str]]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER.split(","))
    writer.writeheader()
    writer.writerows(rows)
    out.seek(0)
    return out


def export_text(incidents) -> str:
    return "".join(export_chunks(incidents, ACLED, "csv"))


def export_rows(incidents) -> tuple[str, dict[str, dict[str, str]]]:
    text = export_text(incidents)
    rows = list(csv.DictReader(io.StringIO(text)))
    return text.splitlines()[0], {row["event_id_cnty"]: row for row in rows}


# -- export --------------------------------------------------------------------------------


@pytest.fixture
def seed_export(seeded):
    header, rows = export_rows(Incident.objects.all())
    return header, {key: rows[incident.public_id] for key, incident in seeded.items()}


def test_export_has_acleds_exact_header_and_a_row_per_seed_event(seeded):
    text = export_text(Incident.objects.all())
    rows = list(csv.reader(io.StringIO(text)))

    assert ",".join(rows[0]) == HEADER
    assert sorted(row[0] for row in rows[1:]) == sorted(i.public_id for i in seeded.values())


def test_export_codes_the_seed_events_in_acleds_terms(seed_export):
    _, rows = seed_export
    assert {key: row["sub_event_type"] for key, row in rows.items()} == {
        "1": "Shelling/artillery/missile attack",
        "2": "Shelling/artillery/missile attack",
        "3": "Shelling/artillery/missile attack",
        "4": "Disrupted weapons use",
        "5": "Disrupted weapons use",
    }
    # militia (3) against the coalition (8), and the coalition's response the other way
    # round; the drones' interceptor alone (8) when nobody is known to have sent them.
    assert {key: row["interaction"] for key, row in rows.items()} == {
        "1": "38",
        "2": "38",
        "3": "38",
        "4": "80",
        "5": "80",
    }
    assert all(row["civilian_targeting"] == "" for row in rows.values())
    assert all(row["source"] == "Track Persia" for row in rows.values())
    # Counts the report gives as none are 0; counts it does not mention stay unknown.
    assert {key: row["fatalities"] for key, row in rows.items()} == {
        "1": "0",
        "2": "",
        "3": "0",
        "4": "",
        "5": "",
    }


def test_export_puts_the_first_perpetrator_first_and_the_other_targets_alongside(seed_export):
    _, rows = seed_export
    green_village = rows["1"]
    assert (green_village["actor1"], green_village["inter1"]) == (demo.MILITIA, "3")
    assert (green_village["actor2"], green_village["inter2"]) == (demo.COALITION, "8")
    assert green_village["assoc_actor_2"] == demo.SDF
    response = rows["2"]
    assert (response["actor1"], response["actor2"]) == (demo.COALITION, demo.MILITIA)
    drones = rows["4"]
    assert (drones["actor1"], drones["inter1"], drones["actor2"]) == (demo.COALITION, "8", "")


def test_export_gives_acleds_place_date_and_precision_codes(seed_export):
    _, rows = seed_export
    green_village = rows["1"]
    assert green_village["event_date"] == "2022-01-05"
    assert (green_village["year"], green_village["time_precision"]) == ("2022", "1")
    assert green_village["disorder_type"] == "Political violence"
    assert (green_village["iso"], green_village["region"]) == ("760", "Middle East")
    assert (green_village["country"], green_village["admin1"]) == ("Syria", "Deir ez Zor")
    assert (green_village["latitude"], green_village["longitude"]) == ("35.07", "40.55")
    assert green_village["geo_precision"] == "2"  # near
    assert rows["4"]["geo_precision"] == "1"  # exact
    assert rows["4"]["disorder_type"] == "Strategic developments"
    assert (rows["3"]["iso"], rows["3"]["country"]) == ("368", "Iraq")
    # The militia is only alleged to have fired: ACLED has no column for it, so a tag says so.
    assert rows["1"]["tags"] == f"{demo.TAG}; alleged: {demo.MILITIA}"
    assert rows["1"]["notes"] == demo.INCIDENTS[0]["summary"]
    assert rows["1"]["event_id_cnty"].startswith("SYR-2022-")


def test_python_writer_runs_a_fixed_number_of_queries(seeded, django_assert_num_queries):
    # GeoJSON is always written in Python (CSV too, but on PostgreSQL, where COPY writes it):
    # incidents with their places; tags; actors in incidents with the actors; citations with
    # their sources
    with django_assert_num_queries(4):
        "".join(export_chunks(Incident.objects.all(), ACLED, "geojson"))


# -- import --------------------------------------------------------------------------------


@pytest.fixture
def imported(db):
    report = import_incidents(acled_csv(ACLED_FILE), ACLED)
    assert report.ok, report.lines()
    return report


def test_import_then_export_gives_the_file_back(imported):
    _, exported = export_rows(Incident.objects.filter(dataset="acled"))
    assert set(exported) == {row["event_id_cnty"] for row in ACLED_FILE}
    for original in ACLED_FILE:
        row = exported[original["event_id_cnty"]]
        expected = dict(original, timestamp=row["timestamp"])
        # Dates come back in ACLED's current form; inter 0 (no second actor) as empty.
        expected["event_date"] = OLDER_DATES.get(original["event_date"], original["event_date"])
        expected["inter2"] = "" if original["inter2"] == "0" else original["inter2"]
        # A source named twice is one source.
        expected["source"] = "; ".join(dict.fromkeys(original["source"].split("; ")))
        assert row == expected


def test_a_place_that_exists_keeps_its_admin2_and_the_export_gives_the_files_back(db):
    row = ACLED_FILE[0]
    place = LocationFactory(
        name=row["location"],
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        country="SYR",
        admin2="Mayadin district",
    )

    report = import_incidents(acled_csv([row]), ACLED)

    assert report.problems == [] and report.created_places == []
    assert Incident.objects.get().location == place
    place.refresh_from_db()
    assert place.admin2 == "Mayadin district"
    _, exported = export_rows(Incident.objects.all())
    assert exported[row["event_id_cnty"]]["admin2"] == row["admin2"]
    assert import_incidents(acled_csv([row]), ACLED).unchanged == 1


def test_import_reads_acleds_codes_into_tessera_fields(imported):
    clash = Incident.objects.get(dataset="acled", dataset_event_id="SYR90001")
    assert clash.title == "Shelling/artillery/missile attack in Al Omar Oil Field"
    assert (clash.fatalities_low, clash.fatalities_best, clash.fatalities_high) == (0, 0, 0)
    assert clash.location.admin1 == "SY-DY"  # ISO 3166-2's “Dayr az Zawr”, in ACLED's spelling
    assert clash.dataset_fields == {
        "admin1": "Deir ez Zor",
        "admin2": "Al Mayadin",
        "admin3": "Thiban",
        "source_scale": "International",
    }
    roles = {(row.actor.name, row.role, row.attribution) for row in clash.participants.all()}
    assert roles == {
        ("Unidentified Armed Group (Syria)", ActorRole.PERPETRATOR, "confirmed"),
        (US_FORCES, ActorRole.TARGET, "confirmed"),
        ("SDF: Syrian Democratic Forces", ActorRole.TARGET, "confirmed"),
    }
    assert Actor.objects.get(name=US_FORCES).actor_type == ActorType.EXTERNAL_FORCES
    assert Actor.objects.get(name="Civilians (Iraq)").actor_type == ActorType.CIVILIANS

    drones = Incident.objects.get(dataset_event_id="IRQ90002")
    assert (drones.date_start, drones.date_precision) == (
        drones.date_end,
        DatePrecision.WEEK,
    )
    assert drones.fatalities_best is None
    assert drones.location.admin1 == "IQ-AN"
    assert [row.role for row in drones.participants.all()] == [ActorRole.INTERCEPTOR]
    # No notes: the citation rests on the event's own description.
    assert drones.citations.get().quote == (
        "ACLED event IRQ90002: Disrupted weapons use in Ain al-Asad Air Base"
    )

    attack = Incident.objects.get(dataset_event_id="IRQ90003")
    assert attack.geo_precision == GeoPrecision.ADMIN1
    assert attack.confidence == "likely"
    assert [c.source.title for c in attack.citations.all()] == [
        "ACLED source: Shafaq News",
        "ACLED source: Rudaw",
    ]
    assert {c.quote for c in attack.citations.all()} == {attack.summary}
    assert sorted(tag.name for tag in attack.tags.all()) == [
        "sector: education",
        "women targeted: girls",
    ]


def test_reimporting_the_file_updates_instead_of_duplicating(imported):
    counts = (Incident.objects.count(), Actor.objects.count(), Source.objects.count())
    changed = [dict(ACLED_FILE[0], fatalities="3"), *ACLED_FILE[1:]]
    report = import_incidents(acled_csv(changed), ACLED)
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert (Incident.objects.count(), Actor.objects.count(), Source.objects.count()) == counts
    assert Incident.objects.get(dataset_event_id="SYR90001").fatalities_best == 3


def test_new_events_take_the_next_public_ids_of_their_country_and_year(seeded):
    from incidents.models import PublicIdCounter

    report = import_incidents(acled_csv(ACLED_FILE), ACLED)

    assert report.ok, report.lines()
    new = Incident.objects.filter(dataset="acled").order_by("public_id")
    # The seed holds IRQ-2022-00001…3 and SYR-2022-00001…2.
    assert list(new.values_list("public_id", flat=True)) == [
        "IRQ-2022-00004",
        "IRQ-2022-00005",
        "SYR-2022-00003",
    ]
    assert PublicIdCounter.reserve("IRQ-2022", 1) == ["IRQ-2022-00006"]
    assert PublicIdCounter.reserve("SYR-2022", 1) == ["SYR-2022-00004"]


# -- bad rows ------------------------------------------------------------------------------

BAD_ROWS = [
    ACLED_FILE[0],
    dict(ACLED_FILE[1], sub_event_type="Drone sighting"),
    dict(ACLED_FILE[2], latitude="123"),
]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(db):
    report = import_incidents(acled_csv(BAD_ROWS), ACLED)
    assert not report.written
    assert {(problem.row, problem.column) for problem in report.problems} == {
        (3, "sub_event_type"),
        (4, "latitude"),
    }
    assert Problem(4, "latitude", "Latitude must be between -90 and 90 degrees.") in (
        report.problems
    )
    assert [problem.row for problem in report.problems] == [3, 4]  # in the file's order
    assert report.summary() == (
        "Read in the ACLED layout (as chosen). Nothing was written: fix the rows below, or "
        "skip bad rows. Had it been written, its 3 rows would have made 1 new incident, "
        "0 updated, 0 unchanged, 2 rows with problems (2 problems)."
    )
    assert not Incident.objects.exists()
    assert not Actor.objects.exists()
    assert not Location.objects.exists()


def test_skipping_bad_rows_writes_the_good_ones(db):
    report = import_incidents(acled_csv(BAD_ROWS), ACLED, skip_bad_rows=True)
    assert report.written
    assert (report.created, report.rows_with_problems) == (1, 2)
    assert "1 new incident, 0 updated, 0 unchanged, 2 rows skipped (2 problems)" in (
        report.summary()
    )
    assert list(Incident.objects.values_list("dataset_event_id", flat=True)) == ["SYR90001"]


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("event_date", "5/1/2022", "“5/1/2022” is not a date (YYYY-MM-DD or 05 January 2022)."),
        ("inter1", "9", "“9” is not an ACLED inter code (1–8) or actor type name."),
        ("geo_precision", "4", "“4” is not an ACLED geo precision (1, 2 or 3)."),
        ("iso", "999", "“999” is not a numeric ISO 3166-1 country code."),
        ("fatalities", "-1", "“-1” is not a whole number of 0 or more."),
        ("event_id_cnty", "", "An event id is required: importing the file again updates by it."),
    ],
)
def test_a_bad_cell_is_reported_with_its_column(db, column, text, message):
    report = import_incidents(acled_csv([dict(ACLED_FILE[0], **{column: text})]), ACLED)
    assert report.problems == [Problem(2, column, message)]


def test_actor_type_names_of_newer_files_are_read_as_inter_codes(db):
    row = dict(ACLED_FILE[0], inter1="Political militia", inter2="External/Other forces")
    assert import_incidents(acled_csv([row]), ACLED).ok
    assert Actor.objects.get(name="Unidentified Armed Group (Syria)").actor_type == 3
