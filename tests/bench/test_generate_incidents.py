from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench import generator
from geo.models import Location
from incidents.models import Actor, Citation, Incident, IncidentActor, PublicIdCounter
from incidents.taxonomy import ACLED_EVENT_TYPES, ActorType, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_pools")]

PUBLIC_ID = re.compile(r"^(?P<country>[A-Z]{3})-(?P<year>\d{4})-\d{5,}$")


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_incidents", *args, stdout=out)
    return out.getvalue()


def synthetic() -> list[Incident]:
    return list(
        Incident.objects.filter(dataset="synthetic")
        .select_related("location")
        .prefetch_related("participants__actor", "citations__source", "tags")
        .order_by("date_start", "title", "location__name")
    )


def fingerprint(incident: Incident) -> tuple:
    """Everything a seed decides; the public id and primary keys depend on the database."""
    return (
        incident.title,
        incident.summary,
        incident.date_start,
        incident.date_end,
        incident.event_type,
        incident.sub_event_type,
        incident.location.name,
        incident.location.country,
        (incident.fatalities_low, incident.fatalities_best, incident.fatalities_high),
        incident.status,
        incident.updated_at,
        sorted((p.actor.name, p.role, p.attribution) for p in incident.participants.all()),
        sorted((c.source.url, c.quote) for c in incident.citations.all()),
        sorted(tag.name for tag in incident.tags.all()),
    )


def test_generates_exactly_the_requested_number_of_valid_incidents():
    output = generate("--count", "50", "--seed", "3", "--batch-size", "20")

    incidents = synthetic()
    assert len(incidents) == 50
    assert "Created 50 incidents" in output
    assert output.count(" incidents  (") == 3  # one progress line per batch
    for incident in incidents[::5]:
        incident.full_clean()
        incident.location.full_clean()
        for row in [*incident.participants.all(), *incident.citations.all()]:
            row.full_clean()


def test_every_incident_has_actors_citations_and_a_public_id_of_its_country_and_year():
    generate("--count", "50", "--seed", "3")

    for incident in synthetic():
        assert 1 <= incident.participants.count() <= 4
        assert 1 <= incident.citations.count() <= 3
        assert all(citation.quote for citation in incident.citations.all())
        match = PUBLIC_ID.match(incident.public_id)
        assert match, incident.public_id
        assert match["country"] == incident.location.country
        assert int(match["year"]) == incident.date_start.year
        assert incident.sub_event_type in ACLED_EVENT_TYPES[incident.event_type]


def test_public_ids_continue_the_counter_and_are_never_reused():
    PublicIdCounter.reserve("SYR-2024", 7)

    generate("--count", "300", "--seed", "1", "--batch-size", "64")

    public_ids = [incident.public_id for incident in synthetic()]
    assert len(set(public_ids)) == 300
    syrian_2024 = sorted(pid for pid in public_ids if pid.startswith("SYR-2024-"))
    assert syrian_2024[0] == "SYR-2024-00008"
    assert PublicIdCounter.objects.get(prefix="SYR-2024").last == 7 + len(syrian_2024)
    # Each prefix's ids follow one another, without gaps.
    numbers: dict[str, list[int]] = {}
    for public_id in public_ids:
        prefix, number = public_id.rsplit("-", 1)
        numbers.setdefault(prefix, []).append(int(number))
    for prefix, taken in numbers.items():
        first = 8 if prefix == "SYR-2024" else 1
        assert sorted(taken) == list(range(first, first + len(taken))), prefix


def test_same_seed_gives_the_same_incidents():
    generate("--count", "40", "--seed", "11")
    first = [fingerprint(incident) for incident in synthetic()]

    generate("--delete", "--count", "40", "--seed", "11")
    again = [fingerprint(incident) for incident in synthetic()]
    generate("--delete", "--count", "40", "--seed", "12")
    other = [fingerprint(incident) for incident in synthetic()]

    assert again == first
    assert other != first


def test_places_actors_and_sources_are_reused_not_duplicated():
    generate("--count", "200", "--seed", "5")
    places, participants = Location.objects.count(), IncidentActor.objects.count()

    generate("--count", "200", "--seed", "6")

    assert Location.objects.count() == places
    assert Incident.objects.filter(dataset="synthetic").count() == 400
    most_used = Counter(IncidentActor.objects.values_list("actor_id", flat=True)).most_common(1)
    assert most_used[0][1] > participants / 100  # a few actors take part in many incidents


def test_a_state_force_that_fights_abroad_stays_its_countrys_state_force():
    generate("--count", "5", "--seed", "1")

    russia = Actor.objects.get(name="Military Forces of Russia")
    assert (russia.actor_type, russia.country) == (ActorType.STATE_FORCES, "RUS")


def test_data_has_a_realistic_mix():
    generate("--count", "500", "--seed", "2")
    incidents = Incident.objects.filter(dataset="synthetic")

    statuses = Counter(incidents.values_list("status", flat=True))
    assert statuses[Status.PUBLISHED] > 400
    assert set(statuses) == set(Status.values)
    best = list(incidents.values_list("fatalities_best", flat=True))
    assert None in best and 0 in best and any(count and count > 0 for count in best)
    countries = Counter(incidents.values_list("location__country", flat=True))
    assert countries.most_common(1)[0][0] in {"SYR", "UKR"}
    assert len(countries) > 20  # the long tail
    years = Counter(incident.date_start.year for incident in incidents)
    assert years[2025] > years[2006]


def test_search_documents_are_written():
    generate("--count", "20", "--seed", "4")

    for incident in synthetic():
        assert incident.title in incident.search_document
        assert incident.location.name in incident.search_document


def test_delete_removes_only_synthetic_incidents(seeded):
    generate("--count", "30", "--seed", "1")

    output = generate("--delete")

    assert "Deleted 30 synthetic incidents" in output
    assert Incident.objects.count() == len(seeded)
    assert Citation.objects.filter(incident__dataset="synthetic").count() == 0


def test_count_is_required_unless_deleting():
    with pytest.raises(CommandError, match="--count"):
        generate()
    with pytest.raises(CommandError, match="at least 1"):
        generate("--count", "0")


def test_generation_is_the_same_through_the_module():
    report = generator.generate(10, seed=9, batch_size=4)

    assert (report.incidents, report.participants > 0, report.citations > 0) == (10, True, True)
