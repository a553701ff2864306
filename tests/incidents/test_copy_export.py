from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from incidents import exports
from incidents.copy_export import native_copy_chunks
from incidents.exports import CHUNK_SIZE, csv_lines, export_chunks, with_export_columns
from incidents.models import Incident, Tag
from incidents.presets.native import NATIVE
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


@pytest.fixture
def copy_calls(monkeypatch):
    """What each call of native_copy_chunks from export_chunks returned (None or chunks)."""
    calls = []

    def spy(incidents):
        result = native_copy_chunks(incidents)
        calls.append(result)
        return result

    monkeypatch.setattr(exports, "native_copy_chunks", spy)
    return calls


def python_export(incidents) -> bytes:
    rows = with_export_columns(incidents).iterator(chunk_size=CHUNK_SIZE)
    return "".join(csv_lines(rows, NATIVE.columns)).encode()


def copy_export(incidents, copy_calls) -> bytes:
    text = "".join(export_chunks(incidents, NATIVE, "csv")).encode()
    assert copy_calls and copy_calls[-1] is not None, "the COPY path was not taken"
    return text


def test_seeded_demo_data_is_copied_byte_for_byte(seeded, copy_calls):
    for incidents in (
        Incident.objects.all(),
        Incident.objects.order_by("public_id"),
        Incident.objects.filter(title__icontains="a").order_by("-fatalities_best", "id"),
    ):
        expected = python_export(incidents)
        assert expected.count(b"\r\n") > 1
        assert copy_export(incidents, copy_calls) == expected


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
    expected = python_export(incidents)

    assert copy_export(incidents, copy_calls) == expected
    assert b"'=SUM(A1)" in expected and b'"\'=SUM(A1), ""quoted"", and\na new line"' in expected
    assert b",-3.7," in expected and b",40.0," in expected
    assert b"2022-03-04T05:06:07Z" in expected and b"2022-03-04T04:06:07.123000Z" in expected


def test_seeded_and_awkward_together_in_default_order(seeded, awkward, copy_calls):
    incidents = Incident.objects.all()
    assert copy_export(incidents, copy_calls) == python_export(incidents)


def test_a_filter_with_percent_signs_is_bound_into_the_copy(awkward, copy_calls):
    incidents = Incident.objects.filter(title__contains="%").order_by("id")
    IncidentFactory(title="100% sure")
    assert copy_export(incidents, copy_calls) == python_export(incidents)
    assert b"100% sure" in python_export(incidents)


def test_nested_dataset_fields_fall_back_to_python(awkward, copy_calls):
    IncidentFactory(dataset_fields={"deaths": {"side_b": 2, "side_a": 1}})
    incidents = Incident.objects.order_by("id")

    text = "".join(export_chunks(incidents, NATIVE, "csv")).encode()

    assert copy_calls == [None]
    assert text == python_export(incidents)
