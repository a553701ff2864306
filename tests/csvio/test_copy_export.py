from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import connection

from csvio import export as exports
from csvio.copy import copy_chunks, copy_statement
from csvio.export import CHUNK_SIZE, csv_lines, export_chunks, with_export_columns
from csvio.imports import import_incidents
from csvio.layouts.acled import ACLED, DISRUPTED, REGION_OF
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import DATASET as GED
from csvio.layouts.ucdp import NO_HEADLINE, UCDP
from incidents.merging import merge
from incidents.models import Incident, IncidentRelation, Source, Tag
from incidents.taxonomy import ActorRole, ActorType, Confidence, DatePrecision, GeoPrecision
from tests.csvio.test_ucdp_preset import as_csv
from tests.csvio.test_ucdp_source_cells import two_sources
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite writes in Python"
    ),
]
COPIED = [NATIVE, ACLED, UCDP]


@pytest.fixture
def copy_calls(monkeypatch):
    """What each call of copy_chunks from export_chunks returned (None or chunks)."""
    calls = []

    def spy(incidents, preset, **options):
        result = copy_chunks(incidents, preset, **options)
        calls.append(result)
        return result

    monkeypatch.setattr(exports, "copy_chunks", spy)
    return calls


def python_export(incidents, preset, links_to=None) -> bytes:
    if preset.lists_links:  # as export_chunks does
        links_to = Incident.objects.public() if links_to is None else links_to
    rows = with_export_columns(incidents, links_to).iterator(chunk_size=CHUNK_SIZE)
    return "".join(csv_lines(rows, preset.columns)).encode()


def copy_export(incidents, preset, copy_calls, links_to=None) -> bytes:
    copy_calls.clear()
    text = "".join(export_chunks(incidents, preset, "csv", links_to=links_to)).encode()
    assert copy_calls and copy_calls[-1] is not None, "the COPY path was not taken"
    return text


@pytest.mark.parametrize("preset", COPIED, ids=lambda preset: preset.name)
def test_seeded_demo_data_is_copied_byte_for_byte(seeded, copy_calls, preset):
    for incidents in (
        Incident.objects.all(),
        Incident.objects.order_by("public_id"),
        Incident.objects.filter(title__icontains="a").order_by("-fatalities_best", "id"),
    ):
        expected = python_export(incidents, preset)
        assert expected.count(b"\r\n") > 1
        assert copy_export(incidents, preset, copy_calls) == expected


def test_links_are_copied_byte_for_byte_for_each_reader(seeded, editor, copy_calls):
    duplicate, kept, answer = seeded["4"], seeded["3"], seeded["1"]
    merge(duplicate, kept, user=editor)
    draft = IncidentFactory(status="draft")
    for kind in ("response to", "part of series"):
        IncidentRelation.objects.create(from_incident=answer, to_incident=draft, kind=kind)
    IncidentRelation.objects.create(from_incident=answer, to_incident=kept, kind="part of series")

    for links_to in (None, Incident.objects.all(), Incident.objects.filter(pk=kept.pk)):
        expected = python_export(Incident.objects.all(), NATIVE, links_to)
        linked = f"response to {draft.public_id}".encode() in expected
        assert linked == (links_to is not None and draft in links_to)
        assert copy_export(Incident.objects.all(), NATIVE, copy_calls, links_to) == expected
    assert f"same event as {kept.public_id}".encode() in expected


@pytest.fixture
def awkward():
    place = LocationFactory(name='Río, "Norte"', longitude=-3.7, latitude=40.0, admin1="")
    origin = LocationFactory(name="=Origin", longitude=0.0001, latitude=-0.00001, country="")
    incident = IncidentFactory(
        title='=SUM(A1), "quoted", and\na new line',
        summary="back\\slash and \\n literally, and\r\nreal line ends\n",
        location=place,
        origin_location=origin,
        munition_count=0,
        fatalities_best=3,
        injured=None,
        status="retracted",
        retraction_reason="=Misdated;\nsee the 4 January report",
        dataset="ucdp",
        dataset_event_id="-42",
        dataset_fields={
            "zeta": 'say "hi"',
            "Ärger": "Ölpreis – ☃",
            "a": "tab\there",
            "n": 1.0,
            "m": 2.5,
            "k": 7,
            "b": True,
            "z": None,
            "É": "",
        },
    )
    incident.tags.add(Tag.objects.create(name="-minus"), Tag.objects.create(name="line\nbreak"))
    for index, locator in enumerate(["para 1", "", 'p. 3, "end"']):
        CitationFactory(
            incident=incident,
            source=SourceFactory(
                publisher=f"Wire {index}",
                url="" if index == 1 else f"https://example.org/{index}",
                published_at=None if index == 2 else dt.date(2022, 1, index + 1),
            ),
            quote="Back\\slash\nline" if index == 0 else "=1+1",
            locator=locator,
            supports=["date", "place"] if index == 0 else [],
        )
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Zulu"), role="target")
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="Alpha"), side="A")
    IncidentActorFactory(incident=incident, actor=ActorFactory(name="@Bravo"), side="")
    plus_three = dt.timezone(dt.timedelta(hours=3))
    plain = IncidentFactory(title="", summary="", location=LocationFactory(latitude=-90.0))
    Incident.objects.filter(pk=plain.pk).update(
        created_at=dt.datetime(2022, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
        updated_at=dt.datetime(2022, 3, 4, 7, 6, 7, 123000, tzinfo=plus_three),
    )
    return incident


def test_awkward_values_are_copied_byte_for_byte(awkward, copy_calls):
    incidents = Incident.objects.order_by("id")
    expected = python_export(incidents, NATIVE)

    assert copy_export(incidents, NATIVE, copy_calls) == expected
    assert b"'=SUM(A1)" in expected and b'"\'=SUM(A1), ""quoted"", and\na new line"' in expected
    assert b",-3.7," in expected and b",40.0," in expected
    assert b"2022-03-04T05:06:07Z" in expected and b"2022-03-04T04:06:07.123000Z" in expected


def test_seeded_and_awkward_together_in_default_order(seeded, awkward, copy_calls):
    incidents = Incident.objects.all()
    for preset in COPIED:
        assert copy_export(incidents, preset, copy_calls) == python_export(incidents, preset)


def test_a_filter_with_percent_signs_is_bound_into_the_copy(awkward, copy_calls):
    incidents = Incident.objects.filter(title__contains="%").order_by("id")
    IncidentFactory(title="100% sure")
    for preset in COPIED:
        assert copy_export(incidents, preset, copy_calls) == python_export(incidents, preset)
    assert b"100% sure" in python_export(incidents, NATIVE)


def test_nested_dataset_fields_fall_back_to_python(awkward, copy_calls):
    IncidentFactory(dataset_fields={"deaths": {"side_b": 2, "side_a": 1}})
    incidents = Incident.objects.order_by("id")

    text = "".join(export_chunks(incidents, NATIVE, "csv")).encode()

    assert copy_calls == [None]
    assert text == python_export(incidents, NATIVE)
    # The limit is the dataset_fields column's: a layout without it is copied.
    smaller = without(NATIVE, "dataset_fields")
    assert copy_export(incidents, smaller, copy_calls) == python_export(incidents, smaller)


def without(layout, *names):
    return dataclasses.replace(
        layout, columns=[column for column in layout.columns if column.name not in names]
    )


@pytest.mark.parametrize("preset", COPIED, ids=lambda preset: preset.name)
def test_a_column_deleted_from_a_layout_is_gone_from_the_copy(seeded, awkward, copy_calls, preset):
    incidents = Incident.objects.order_by("id")
    for index, column in enumerate(preset.columns):
        smaller = without(preset, column.name)

        copied = copy_export(incidents, smaller, copy_calls)

        assert copied.split(b"\r\n")[0].decode().split(",") == smaller.header
        if index % 4 == 0 or column.sql_unwritable:  # byte for byte: a sample, for time's sake
            assert copied == python_export(incidents, smaller), column.name


# -- the ACLED layout ----------------------------------------------------------------------


def _incident(**fields) -> Incident:
    return IncidentFactory(**{"fatalities_best": None, **fields})


def _actor(incident, name, actor_type, role=ActorRole.PERPETRATOR, side="", **participant):
    actor = ActorFactory(name=name, actor_type=actor_type)
    return IncidentActorFactory(incident=incident, actor=actor, role=role, side=side, **participant)


@pytest.fixture
def acled_awkward():
    """Incidents that take every branch of the ACLED columns; returns what each is for."""
    cases = {}
    # Sides: two perpetrators (actor1 and an associated actor, in the order entered, not by
    # name), a target of lower inter code (interaction lowest first), a civilian target, and
    # a responder that fills no side; attributions other than confirmed become tags, in the
    # sides' order (the responder's, in no side, does not).
    clash = _incident(
        title='-Clash, "quoted"\nand a line break',
        summary="=notes; with\r\nline ends and “unicode” ☃",
        location=LocationFactory(
            name="+Place, with comma", latitude=-33.9, longitude=-70.6, admin1="IQ-BG"
        ),
        fatalities_best=0,
        geo_precision=GeoPrecision.EXACT,
    )
    _actor(clash, "Zulu Brigade", ActorType.EXTERNAL_FORCES, attribution="suspected")
    _actor(clash, "=Alpha, Militia", ActorType.REBEL_GROUP, attribution="claimed")
    _actor(clash, '@Police "Special"\nUnit', ActorType.STATE_FORCES, ActorRole.TARGET)
    _actor(clash, "Villagers", ActorType.CIVILIANS, ActorRole.TARGET, attribution="alleged")
    _actor(clash, "Red Crescent", ActorType.PROTESTERS, ActorRole.RESPONDER, attribution="alleged")
    cases["clash"] = clash
    # Parties stand in for perpetrator and target: side A (or no side) is actor1, B actor2.
    parties = _incident(sub_event_type="Armed clash", event_type="Battles")
    _actor(parties, "Party B", ActorType.STATE_FORCES, ActorRole.PARTY, "B")
    _actor(parties, "Party A", ActorType.IDENTITY_MILITIA, ActorRole.PARTY, "A")
    _actor(parties, "Party none", ActorType.RIOTERS, ActorRole.PARTY, "")
    # A perpetrator takes side 1 before any party; a lone actor: interaction code then 0.
    _actor(_incident(), "Lone wolf", ActorType.POLITICAL_MILITIA)
    lone_party = _incident()
    _actor(lone_party, "Perpetrator first", ActorType.RIOTERS)
    _actor(lone_party, "Party later", ActorType.STATE_FORCES, ActorRole.PARTY, "A")
    # Disrupted attacks: the interceptor is actor1, else the target.
    disrupted = {"event_type": "Strategic developments", "sub_event_type": DISRUPTED}
    intercepted = _incident(**disrupted)
    _actor(intercepted, "Attacker", ActorType.REBEL_GROUP)
    _actor(intercepted, "Interceptor", ActorType.EXTERNAL_FORCES, ActorRole.INTERCEPTOR)
    _actor(intercepted, "Base", ActorType.STATE_FORCES, ActorRole.TARGET)
    defused = _incident(**disrupted)
    _actor(defused, "Bomber", ActorType.REBEL_GROUP)
    _actor(defused, "Target", ActorType.CIVILIANS, ActorRole.TARGET)
    _incident(**disrupted)  # nobody at all
    # Disorder types.
    _incident(event_type="Protests", sub_event_type="Peaceful protest")
    _incident(event_type="Protests", sub_event_type="Excessive force against protesters")
    _incident(event_type="Riots", sub_event_type="Mob violence")
    # Dates over several days in each precision, and every geo precision.
    for index, precision in enumerate(DatePrecision):
        _incident(
            date_start=dt.date(2021, 12, 20 + index),
            date_end=dt.date(2022, 1, 30),
            date_precision=precision,
            geo_precision=list(GeoPrecision)[index],
        )
    for precision in list(GeoPrecision)[len(DatePrecision) :]:
        _incident(geo_precision=precision)
    # Sources: publishers joined once each, in the order first cited; tags by name.
    sourced = _incident(fatalities_best=12)
    _actor(sourced, "Suspect", ActorType.REBEL_GROUP, attribution="suspected")
    for publisher in ("Wire B", "=Wire A", "Wire B", 'Wire, "C"\nnewline', "=Wire A"):
        CitationFactory(incident=sourced, source=SourceFactory(publisher=publisher))
    sourced.tags.add(
        Tag.objects.create(name="zeta"),
        Tag.objects.create(name="-alpha"),
        Tag.objects.create(name="Ärger"),
    )
    # Places: a country ACLED names its own way, one without an ACLED region, one with no
    # country at all, an admin-1 code pycountry does not know.
    for country, admin1 in (("CIV", "CI-AB"), ("ATF", ""), ("", ""), ("IRQ", "IQ-ZZ")):
        _incident(location=LocationFactory(country=country, admin1=admin1, longitude=-0.5))
    # Names ACLED writes in its own spelling, or in ASCII: an admin-1 area of its table, and a
    # place whose names are not ASCII (written as they are in ACLED's own rows).
    homs = LocationFactory(name="Ḩimş, “old”", admin2="=Ţarţūs Łódź", country="SYR", admin1="SY-HI")
    _incident(location=homs)
    _incident(dataset="acled", dataset_event_id="SYR90003", location=homs)
    # ACLED's own rows: their event id and kept columns; elsewhere the kept columns are not
    # ACLED's and stay empty.
    kept = {"admin1": "=Deir ez Zor", "admin3": 'Thiban, "north"', "source_scale": "National"}
    cases["acled"] = _incident(
        dataset="acled",
        dataset_event_id="SYR90001",
        dataset_fields={**kept, "admin2": "-Al Mayadin"},
        location=LocationFactory(country="SYR", admin1="", admin2="Mayadin district"),
    )
    # An admin-2 name kept empty: the place's own is written.
    _incident(
        dataset="acled",
        dataset_event_id="SYR90002",
        dataset_fields={"admin2": ""},
        location=LocationFactory(country="SYR", admin2="Mayadin district"),
    )
    _incident(dataset="acled", dataset_event_id="", dataset_fields={"admin3": None})
    _incident(dataset="ucdp", dataset_event_id="77", dataset_fields=kept)
    # timestamp is int(updated_at.timestamp()): whole seconds, towards zero before 1970.
    stamps = {
        _incident(): dt.datetime(2022, 3, 4, 5, 6, 7, 999999, tzinfo=dt.UTC),
        _incident(): dt.datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=dt.UTC),
    }
    for incident, stamp in stamps.items():
        Incident.objects.filter(pk=incident.pk).update(updated_at=stamp)
    return cases


def test_awkward_acled_values_are_copied_byte_for_byte(acled_awkward, copy_calls):
    incidents = Incident.objects.order_by("id")
    expected = python_export(incidents, ACLED)

    assert copy_export(incidents, ACLED, copy_calls) == expected
    assert "ATF" not in REGION_OF  # a country without an ACLED region
    for written in (
        # actor1 (entered first), associated actor, inter1, actor2, associated, inter2,
        # interaction (lowest code first), civilian targeting
        'Zulu Brigade,"\'=Alpha, Militia",8,"\'@Police ""Special""\nUnit",Villagers,1,18,'
        "Civilian targeting",
        "Interceptor,,8,Attacker,,2,28,",
        "Target,,7,Bomber,,2,27,Civilian targeting",
        "Party A,Party none,4,Party B,,1,14,",
        "Lone wolf,,3,,,,30,",
        "Perpetrator first,,5,,,,50,",
        "Strategic developments,Strategic developments,Disrupted weapons use,,,,,,,,,368",
        "Political violence; Demonstrations,Protests",
        "2021-12-21,2021,2,",
        "2021-12-23,2021,3,",
        "384,Western Africa,Ivory Coast,Abidjan,",
        "260,,French Southern Territories,,",
        'Baghdad,,,"\'+Place, with comma",-33.9,-70.6,1,',
        'Syria,Homs,\'=Tartus Lodz,,"Hims, “old”",',
        'Syria,Homs,\'=Ţarţūs Łódź,,"Ḩimş, “old”",',
        "SYR90001,",
        '760,Middle East,Syria,\'=Deir ez Zor,\'-Al Mayadin,"Thiban, ""north""",Place',
        "760,Middle East,Syria,,Mayadin district,,Place",
        ",1,,National,,,,",
        '"Wire B; =Wire A; Wire, ""C""\nnewline",,,12,\'-alpha; zeta; Ärger; suspected: Suspect,',
        'line ends and “unicode” ☃",0,'
        '"suspected: Zulu Brigade; claimed: =Alpha, Militia; alleged: Villagers",',
        ",1646370367\r\n",
        ",-1\r\n",
    ):
        assert written.encode() in expected, written


def test_acled_rows_with_kept_columns_not_text_fall_back_to_python(acled_awkward, copy_calls):
    IncidentFactory(dataset="acled", dataset_event_id="X1", dataset_fields={"admin3": 3})
    incidents = Incident.objects.order_by("id")

    text = "".join(export_chunks(incidents, ACLED, "csv")).encode()

    assert copy_calls == [None]
    assert text == python_export(incidents, ACLED)


# -- the UCDP layout -----------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ucdp-ged-syria-2016-sample.csv"


def test_the_imported_ged_sample_is_copied_byte_for_byte(copy_calls):
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        assert import_incidents(file, UCDP).problems == []
    everything = Incident.objects.all()
    assert everything.filter(dataset=GED).count() == 617

    for incidents in (
        everything,
        UCDP.export_queryset(everything),
        UCDP.export_queryset(everything.order_by("-fatalities_best", "id")),
    ):
        expected = python_export(incidents, UCDP)
        assert expected.count(b"\r\n") > 600
        assert copy_export(incidents, UCDP, copy_calls) == expected


def _ged(fields: dict, **incident) -> Incident:
    return IncidentFactory(dataset=GED, dataset_fields=fields, **incident)


@pytest.fixture
def ucdp_awkward():
    """Incidents that take every branch of the UCDP columns, from GED and entered in Tessera."""
    # GED's own text for a side while it names the same actors, whatever the order and the
    # spaces Python strips (a tab, a no-break space); another order of names is not the same.
    kept = {
        "year": "2016",
        "conflict_name": "=Syria: Government",
        "dyad_name": 'Government of Syria - "IS", and\nothers',
        "side_a": "\tZulu,\u00a0=Alpha , ",
        "side_b": "Bravo, Charlie",
        "number_of_sources": "-3",
        "source_article": '"Wire,2016-01-01,Head; line"',
        "geom_wkt": "POINT (43 34)",
        "priogrid_gid": "",
        "country": "Iraq",
        "adm_1": "Baghdad governorate",
        "event_clarity": "2",
        "deaths_a": "+1",
        "deaths_b": None,
        "region": "Middle East",
    }
    clash = _ged(kept, dataset_event_id="=123", fatalities_best=4)
    _actor(clash, "=Alpha", ActorType.STATE_FORCES, ActorRole.PARTY, "A")
    zulu = _actor(clash, "Zulu", ActorType.REBEL_GROUP, ActorRole.PARTY, "A").actor
    IncidentActorFactory(incident=clash, actor=zulu, role=ActorRole.TARGET, side="A")
    _actor(clash, "Bravo", ActorType.REBEL_GROUP, ActorRole.PARTY, "B")
    for title, published_at in (("One", dt.date(2016, 1, 2)), (NO_HEADLINE, None)):
        CitationFactory(
            incident=clash, source=SourceFactory(title=title, published_at=published_at)
        )
    # A country and an adm_1 that no longer match the place are written from the place.
    moved = {"country": "Syria", "adm_1": "Homs", "side_a": "", "side_b": ""}
    _ged(moved, dataset_event_id="", location=LocationFactory(country="IRQ", admin1="IQ-BG"))
    # The file's estimates (best outside low..high) while Tessera's fitted ones stand, and
    # once somebody has changed them.
    given = {"low": "5", "best": "16", "high": "2", "side_a": "", "side_b": ""}
    _ged(given, fatalities_low=5, fatalities_best=16, fatalities_high=16)
    _ged(given, fatalities_low=5, fatalities_best=16, fatalities_high=20)
    _ged({"low": "", "best": "3.0", "side_a": "x", "side_b": ""}, fatalities_best=3)
    # Entered in Tessera: sides from perpetrators and targets, once each, in their order.
    entered = IncidentFactory(
        fatalities_best=2,
        confidence=Confidence.DISCOUNTED,
        date_precision=DatePrecision.WEEK,
        violence_type=None,
        location=LocationFactory(name="-Edge", latitude=90.0, longitude=180.0, admin1="IQ-BG"),
    )
    _actor(entered, "Zed", ActorType.REBEL_GROUP)
    abe = _actor(entered, "Abe", ActorType.REBEL_GROUP).actor
    IncidentActorFactory(incident=entered, actor=abe, role=ActorRole.TARGET)
    _actor(entered, "Helper", ActorType.REBEL_GROUP, ActorRole.RESPONDER)
    for publisher, title, published_at in (
        ("=Wire", 'Head, "quoted"', None),
        ("", NO_HEADLINE, dt.date(2016, 3, 4)),
        ("Wire;B", "Line\nbreak", None),
    ):
        source = SourceFactory(publisher=publisher, title=title, published_at=published_at)
        CitationFactory(incident=entered, source=source)
    # Coordinates as repr() and PostgreSQL write them, and the PRIO-GRID cells at the edges.
    for latitude, longitude in ((-90.0, -180.0), (0.0001, -0.00001), (0.0, 40.5), (33.3, 1e-05)):
        IncidentFactory(location=LocationFactory(latitude=latitude, longitude=longitude))
    for precision in DatePrecision:
        IncidentFactory(date_precision=precision, date_end=dt.date(2022, 2, 1))
    IncidentFactory(location=LocationFactory(country="", admin1=""), dataset_fields={"n": 1})
    return clash


def test_awkward_ucdp_values_are_copied_byte_for_byte(ucdp_awkward, copy_calls):
    incidents = Incident.objects.order_by("id")
    expected = python_export(incidents, UCDP)

    assert copy_export(incidents, UCDP, copy_calls) == expected
    for written in (
        '\'=123,2016,,,,\'=Syria: Government,,"Government of Syria - ""IS"", and\nothers",,',
        '"\'\tZulu,\u00a0=Alpha , ",,,Bravo,\'-3,"""Wire,2016-01-01,Head; line"""',
        "2016-01-02;,One;,",
        "POINT (43 34),,Iraq,,Middle East,2,",
        ",'+1,,,,,4,\r\n",
        ",Homs,,34.0,",
        ",5,16,2\r\n",
        ",5,16,20\r\n",
        ",,3.0,\r\n",
        "Abe; Zed,,,Abe,3,",
        '\'=Wire;;Wire;B,;2016-03-04;,"Head, ""quoted"";;Line\nbreak"',
        "POINT (180 90),259200,",
        "POINT (-180 -90),1,",
        "POINT (-1e-05 0.0001),",
        "POINT (40.5 0),",
        "POINT (1e-05 33.3),",
        ",2,3,",
    ):
        assert written.encode() in expected, written


@pytest.mark.parametrize(
    "fields",
    [
        {"deaths_a": 3},
        {"side_a": None},
        {"country": ["Syria"]},
        {"region": {"name": "Asia"}},
        {"source_office": 1},
    ],
)
def test_ged_rows_with_kept_columns_not_text_fall_back_to_python(ucdp_awkward, copy_calls, fields):
    _ged({"side_a": "", "side_b": "", **fields}, fatalities_best=1)
    incidents = Incident.objects.order_by("id")

    assert copy_statement(incidents, UCDP) is None


def test_ged_rows_keeping_their_source_cells_are_copied_byte_for_byte(ucdp_awkward, copy_calls):
    rows = [
        two_sources(id="900001"),
        two_sources(id="900002", source_office=" =SOHR ; Reuters", source_date=";"),
        two_sources(id="900003", source_headline="Shelling killed 3 persons ;57 killed ; later"),
        two_sources(id="900004", source_date="2016-01-01 00:00:00.000;2016-01-02"),
    ]
    assert import_incidents(io.StringIO(as_csv(rows), newline=""), UCDP).problems == []
    Source.objects.filter(title="57 killed in Aleppo").update(title="57 killed in Idlib")
    # Kept cells that no longer read (an edit): the citations' cells are written.
    _ged({"side_a": "", "side_b": "", "source_date": "someday"}, fatalities_best=1)
    incidents = Incident.objects.order_by("id")
    expected = python_export(incidents, UCDP)

    assert copy_export(incidents, UCDP, copy_calls) == expected
    for written in (
        # the headlines changed since (a source's title): they are the sources' now
        " =SOHR ; Reuters,;,Shelling killed 3 persons;57 killed in Idlib",
        "2016-01-01 00:00:00.000;2016-01-02,",
        "SOHR;Reuters,2016-01-01;2016-01-02,Shelling killed 3 persons ;57 killed ; later",
    ):
        assert written.encode() in expected, written


def test_estimates_python_cannot_read_fall_back_to_python(ucdp_awkward):
    _ged({"side_a": "", "side_b": "", "best": "many"}, fatalities_best=1)

    assert copy_statement(Incident.objects.all(), UCDP) is None


def test_dataset_fields_not_an_object_fall_back_to_python(ucdp_awkward):
    IncidentFactory(dataset_fields=["not", "an", "object"])

    assert copy_statement(Incident.objects.all(), UCDP) is None
