"""The stored counts of public incidents (incidents.PublicCount) stay equal to counting the
incidents afresh after every kind of write: edits of the date, type or place, publishing,
retracting, taking back to draft, deleting, merging, imports and the generator."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from csvio.export import export_chunks
from csvio.imports import import_incidents
from csvio.layouts.native import NATIVE
from incidents import derived, merging
from incidents.derived.public_counts import GROUP, PER_GROUP
from incidents.filters import ORDERINGS
from incidents.models import CountedIncident, Incident, PublicCount
from incidents.taxonomy import Status
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

BATTLE = {"event_type": "Battles", "sub_event_type": "Armed clash"}
FIELDS = (*GROUP, *PER_GROUP)


def stored() -> Counter:
    return Counter(PublicCount.objects.values_list(*FIELDS))


def afresh() -> Counter:
    """The groups counted from the public incidents now."""
    groups = Incident.objects.public().order_by().values(*GROUP).annotate(**PER_GROUP)
    return Counter(tuple(group[name] for name in FIELDS) for group in groups)


def assert_counts_right() -> None:
    assert stored() == afresh()
    counted = set(CountedIncident.objects.values_list("incident_id", "version", "date_start"))
    assert counted == set(Incident.objects.public().values_list("pk", "version", "date_start"))


def anonymous_count(**params: str) -> int:
    return APIClient().get("/api/v1/incidents/count/", params).json()["count"]


@pytest.fixture
def incidents():
    iraq, syria = LocationFactory(country="IRQ"), LocationFactory(country="SYR")
    made = {
        "first": IncidentFactory(location=iraq, date_start=dt.date(2022, 1, 5)),
        "second": IncidentFactory(location=iraq, date_start=dt.date(2022, 1, 5)),
        "battle": IncidentFactory(location=syria, date_start=dt.date(2022, 2, 1), **BATTLE),
        "draft": IncidentFactory(location=syria, status=Status.DRAFT),
    }
    assert_counts_right()
    return made


def test_drafts_are_never_counted(incidents):
    assert sum(count for *_, count, _, _ in stored()) == 3
    assert anonymous_count() == 3
    assert not CountedIncident.objects.filter(incident_id=incidents["draft"].pk).exists()


def test_two_incidents_of_one_day_place_and_type_are_one_group(incidents):
    group = PublicCount.objects.get(date_start=dt.date(2022, 1, 5))
    assert group.count == 2
    assert group.first_public_id == min(incidents["first"].public_id, incidents["second"].public_id)


@pytest.mark.parametrize(
    "change",
    [
        {"date_start": dt.date(2023, 6, 1), "date_end": dt.date(2023, 6, 3)},
        BATTLE,
        {"title": "A title that sorts first: AAA"},
    ],
    ids=["date", "type", "title"],
)
def test_an_edit_moves_the_incident_between_groups(incidents, change):
    edited = incidents["first"]
    for name, value in change.items():
        setattr(edited, name, value)
    edited.save()
    assert_counts_right()


def test_moving_an_incident_to_another_place_or_editing_the_place(incidents):
    edited = incidents["first"]
    edited.location = incidents["battle"].location
    edited.save()
    assert_counts_right()
    assert anonymous_count(country="SYR") == 2

    place = incidents["battle"].location
    place.country = "JOR"
    place.save()
    assert anonymous_count(country="JOR") == 2
    assert anonymous_count(country="SYR") == 0


def test_publishing_retracting_and_back_to_draft(incidents):
    draft = incidents["draft"]
    draft.status = Status.PUBLISHED
    draft.save()
    assert_counts_right()
    assert anonymous_count() == 4

    draft.status = Status.RETRACTED
    draft.retraction_reason = "Reported in error."
    draft.save()
    assert_counts_right()
    assert anonymous_count() == 3
    assert anonymous_count(status="published,retracted") == 4

    draft.status = Status.DRAFT
    draft.retraction_reason = ""
    draft.save()
    assert_counts_right()
    assert anonymous_count(status="published,retracted") == 3


def test_deleting_an_incident(incidents):
    incidents["battle"].delete()
    assert_counts_right()
    assert not PublicCount.objects.filter(date_start=dt.date(2022, 2, 1)).exists()

    Incident.objects.filter(pk=incidents["first"].pk).delete()
    assert_counts_right()
    assert anonymous_count() == 1


def test_merging_a_duplicate(incidents, editor):
    merging.merge(incidents["second"], incidents["first"], user=editor)
    assert_counts_right()
    assert anonymous_count() == 2
    assert anonymous_count(status="published,retracted") == 3


def test_writes_without_signals_are_caught_up_by_the_stale_refresh(incidents):
    Incident.objects.filter(pk=incidents["first"].pk).update(
        date_start=dt.date(2021, 3, 3), date_end=dt.date(2021, 3, 3)
    )
    Incident.objects.filter(pk=incidents["battle"].pk).update(status=Status.DRAFT, version=9)
    assert stored() != afresh()

    derived.refresh_stale_public_records()
    assert_counts_right()


def test_the_command_rebuilds_every_group(incidents):
    PublicCount.objects.all().delete()
    CountedIncident.objects.all().delete()

    call_command("refresh_public_records", "--all", stdout=io.StringIO())
    assert_counts_right()


def native_rows() -> list[dict[str, str]]:
    incidents = Incident.objects.order_by(*ORDERINGS["date"])
    text = "".join(export_chunks(incidents, NATIVE, "csv", links_to=Incident.objects.all()))
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_an_import_that_moves_and_adds_incidents(seeded):
    assert_counts_right()
    rows = native_rows()
    moved = dict(rows[0], date_start="2019-05-05", date_end="2019-05-06")
    added = [
        dict(rows[1], public_id="", dataset="", dataset_event_id="", title=f"Imported {number}")
        for number in range(3)
    ]

    report = import_incidents(io.StringIO(as_csv([moved, *rows[1:], *added])), NATIVE)

    assert report.written and not report.problems
    assert_counts_right()
    assert anonymous_count(date_before="2019-12-31") == (moved["status"] == Status.PUBLISHED)


def test_the_generator_counts_what_it_writes(db):
    call_command("generate_incidents", "--count", "40", "--seed", "5", stdout=io.StringIO())
    assert_counts_right()
    assert sum(count for *_, count, _, _ in stored()) == Incident.objects.public().count() > 0


@pytest.mark.django_db(transaction=True)
def test_two_writers_recounting_one_day_at_once_leave_one_set_of_groups():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    place = LocationFactory()
    first, second = IncidentFactory.create_batch(2, location=place)
    first_saved = threading.Event()

    def edit(incident, title: str, *, wait: bool) -> None:
        try:
            if wait:
                first_saved.wait(timeout=10)
            with transaction.atomic():
                incident.title = title
                incident.save()
                if not wait:
                    first_saved.set()
                    time.sleep(0.5)  # the other writer recounts the same day meanwhile
        finally:
            connection.close()

    writers = [
        threading.Thread(target=edit, args=(first, "A first title"), kwargs={"wait": False}),
        threading.Thread(target=edit, args=(second, "B second title"), kwargs={"wait": True}),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=20)

    assert PublicCount.objects.count() == 1
    assert_counts_right()
