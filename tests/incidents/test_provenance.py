"""Independent sources per incident, and the captured copies of sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from bench import generator
from incidents import demo
from incidents.captures import verify_capture
from incidents.derived import independence_key, refresh_incidents, refresh_sources
from incidents.models import Citation, Incident, Source
from incidents.taxonomy import Stance
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentFactory,
    PublisherFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CAPTURE = b"%PDF-1.4\nCoalition forces were targeted this morning by eight rounds.\n"


def count(incident: Incident) -> int:
    incident.refresh_from_db(fields=["independent_sources"])
    return incident.independent_sources


def cite(incident: Incident, source: Source, **fields) -> Citation:
    return CitationFactory(incident=incident, source=source, **fields)


# -- Counting ---------------------------------------------------------------------------------


def test_the_seed_incidents_each_count_one_independent_source(seeded):
    """All five rest on one report, read in its republication: one source, not two."""
    counts = {key: count(incident) for key, incident in seeded.items()}

    assert counts == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}
    keys = set(Source.objects.values_list("independence_key", flat=True))
    coalition = Source.objects.get(publisher="Al Arabiya").originator
    assert keys == {f"actor:{coalition.pk}"}


def test_seeding_again_keeps_the_count(seeded):
    demo.load()

    assert {count(incident) for incident in seeded.values()} == {1}


def test_a_second_unrelated_source_raises_the_count_to_two(seeded):
    green_village = seeded["1"]

    cite(green_village, SourceFactory(publisher="Reuters"))

    assert count(green_village) == 2
    assert count(seeded["2"]) == 1


def test_a_contradicting_citation_does_not_count(seeded):
    green_village = seeded["1"]

    citation = cite(green_village, SourceFactory(), stance=Stance.CONTRADICTS)
    assert count(green_village) == 1
    refresh_incidents([green_village.pk], fields=["independent_sources"])
    assert count(green_village) == 1

    citation.stance = Stance.SUPPORTS
    citation.save()
    assert count(green_village) == 2


def test_a_republication_of_a_republication_counts_once():
    incident = IncidentFactory()
    original = SourceFactory(publisher="Al Arabiya")
    copy = SourceFactory(publisher="Track Persia", republished_from=original)
    copy_of_copy = SourceFactory(publisher="Aggregator", republished_from=copy)

    for source in (original, copy, copy_of_copy):
        cite(incident, source)

    assert count(incident) == 1
    assert Source.objects.get(pk=copy_of_copy.pk).independence_key == f"source:{original.pk}"


def test_two_outlets_quoting_one_statement_count_once():
    incident = IncidentFactory()
    coalition = ActorFactory(name="US-led Coalition")

    cite(incident, SourceFactory(publisher="Al Arabiya", originator=coalition))
    cite(incident, SourceFactory(publisher="Rudaw", originator=coalition))

    assert count(incident) == 1


def test_changing_a_sources_chain_recounts_incidents_citing_it_and_its_republications():
    standalone = SourceFactory(publisher="Reuters")
    original = SourceFactory(publisher="Al Arabiya")
    copy = SourceFactory(publisher="Track Persia", republished_from=original)
    citing_original = IncidentFactory()
    cite(citing_original, original)
    cite(citing_original, standalone)
    citing_copy = IncidentFactory()
    cite(citing_copy, copy)
    cite(citing_copy, standalone)
    assert (count(citing_original), count(citing_copy)) == (2, 2)

    # Al Arabiya turns out to republish Reuters: so does Track Persia, through it.
    original.republished_from = standalone
    original.save()
    assert (count(citing_original), count(citing_copy)) == (1, 1)

    # Track Persia reports a claim of its own: independent again.
    copy.originator = ActorFactory()
    copy.save()
    assert (count(citing_original), count(citing_copy)) == (1, 2)


def test_deleting_a_citation_lowers_the_count(seeded):
    green_village = seeded["1"]
    first = cite(green_village, SourceFactory())
    cite(green_village, SourceFactory())
    assert count(green_village) == 3

    first.delete()
    assert count(green_village) == 2

    Citation.objects.filter(incident=green_village, source__publisher="Example Wire").delete()
    assert count(green_village) == 1


def test_deleting_the_source_a_republication_copies_makes_the_copy_independent():
    original = SourceFactory(publisher="Al Arabiya")
    copy = SourceFactory(publisher="Track Persia", republished_from=original)
    incident = IncidentFactory()
    cite(incident, copy)
    cite(incident, SourceFactory(publisher="Track Persia", republished_from=copy))
    assert count(incident) == 1

    original.delete()

    assert Source.objects.get(pk=copy.pk).independence_key == f"source:{copy.pk}"
    assert count(incident) == 1


def test_bulk_writes_are_counted_on_request():
    incident = IncidentFactory()
    original = SourceFactory()
    copies = Source.objects.bulk_create(
        [
            Source(title=f"Copy {n}", publisher=PublisherFactory(name="Mirror"), source_type="news")
            for n in range(2)
        ]
    )
    Citation.objects.bulk_create(
        [Citation(incident=incident, source=source, quote="q") for source in (original, *copies)]
    )
    # Unwritten keys count each source as its own origin.
    refresh_incidents([incident.pk], fields=["independent_sources"])
    assert count(incident) == 3

    Source.objects.filter(pk__in=[copy.pk for copy in copies]).update(republished_from=original)
    changed = refresh_sources([original.pk])

    assert sorted(changed) == sorted(copy.pk for copy in copies)
    assert count(incident) == 1


def test_generated_incidents_count_their_independent_sources(monkeypatch):
    monkeypatch.setattr(generator, "SOURCE_POOL_SIZE", 50)
    generator.generate(200, seed=3, batch_size=80)

    supporting = Citation.objects.filter(stance=Stance.SUPPORTS)
    sources = dict(
        supporting.values("incident").annotate(n=Count("source")).values_list("incident", "n")
    )
    counts = dict(Incident.objects.values_list("pk", "independent_sources"))
    assert counts == {pk: sources.get(pk, 0) for pk in counts}
    assert max(counts.values()) > 1
    assert not Source.objects.filter(independence_key="").exists()


def test_a_loop_of_republications_has_one_key():
    links = {1: (2, None), 2: (3, None), 3: (2, None), 4: (None, None)}

    assert {independence_key(pk, links) for pk in (1, 2, 3)} == {"source:2"}
    assert independence_key(4, links) == "source:4"
    assert independence_key(1, {**links, 3: (2, 9)}) == "actor:9"


# -- The API filter ---------------------------------------------------------------------------

URL = "/api/v1/incidents/"


def test_independent_sources_min_keeps_only_incidents_with_that_many(client, seeded):
    cite(seeded["3"], SourceFactory(publisher="Reuters"))

    response = client.get(URL, {"independent_sources_min": 2})

    assert response.status_code == 200, response.content
    assert [row["public_id"] for row in response.json()["results"]] == [seeded["3"].public_id]
    everything = client.get(URL, {"independent_sources_min": 1}).json()["results"]
    assert len(everything) == 5


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "99999"])
def test_a_bad_independent_sources_min_is_a_400_naming_it(client, value):
    response = client.get(URL, {"independent_sources_min": value})

    assert response.status_code == 400
    assert "independent_sources_min" in response.json()


def test_independent_sources_min_is_documented_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]
    }

    assert parameters["independent_sources_min"]["schema"]["type"] == "integer"
    assert "independent" in parameters["independent_sources_min"]["description"]


# -- Captured copies --------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def captured(media) -> Source:
    source = SourceFactory(publisher="Al Arabiya", title="Attacks on coalition bases")
    source.capture.save("al-arabiya.pdf", ContentFile(CAPTURE))
    return source


def change_form(source: Source, **fields) -> dict:
    return {
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "author": source.author,
        "published_at": source.published_at.isoformat() if source.published_at else "",
        "language": source.language,
        "source_type": source.source_type,
        "republished_from": "",
        "originator": "",
        "archive_url": "",
        "captured_at_0": "",
        "captured_at_1": "",
        **fields,
    }


def test_uploading_a_capture_in_the_admin_stores_it_with_its_sha256(editor_client, media):
    source = SourceFactory(publisher="Al Arabiya")
    url = reverse("admin:incidents_source_change", args=[source.pk])

    upload = SimpleUploadedFile("report.pdf", CAPTURE, content_type="application/pdf")
    response = editor_client.post(url, change_form(source, capture=upload))

    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.capture.name.startswith("captures/")
    assert (media / source.capture.name).read_bytes() == CAPTURE
    assert source.content_sha256 == hashlib.sha256(CAPTURE).hexdigest()

    page = editor_client.get(url).content.decode()
    assert source.content_sha256 in page
    assert reverse("admin:incidents_source_capture", args=[source.pk]) in page


def test_clearing_the_capture_clears_its_hash(editor_client, captured):
    url = reverse("admin:incidents_source_change", args=[captured.pk])

    response = editor_client.post(url, change_form(captured, **{"capture-clear": "on"}))

    assert response.status_code == 302
    captured.refresh_from_db()
    assert (captured.capture.name, captured.content_sha256) == ("", "")


def verify(client, *sources: Source) -> list[tuple[str, str]]:
    """The messages the verify action shows, as (level, text)."""
    response = client.post(
        reverse("admin:incidents_source_changelist"),
        {"action": "verify_captures", "_selected_action": [source.pk for source in sources]},
        follow=True,
    )
    assert response.redirect_chain
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def test_verifying_reports_a_match_then_a_mismatch_after_tampering(editor_client, captured):
    assert verify(editor_client, captured) == [
        ("success", f"Unchanged since upload (SHA-256 matches): {captured}.")
    ]

    Path(captured.capture.path).write_bytes(CAPTURE.replace(b"eight", b"seven"))

    assert verify_capture(captured) is False
    [(level, message)] = verify(editor_client, captured)
    assert level == "error"
    assert str(captured) in message
    assert "does not match" in message


def test_verifying_says_which_sources_have_no_copy_or_lost_it(editor_client, captured):
    without = SourceFactory(publisher="Rudaw")
    Path(captured.capture.path).unlink()

    messages = verify(editor_client, captured, without)

    assert verify_capture(captured) is None
    assert ("error", f"The captured copy of “{captured}” ({captured.capture.name}) is missing "
            "from storage.") in messages  # fmt: skip
    assert ("warning", f"No captured copy to verify: {without}.") in messages


def test_staff_download_the_capture(editor_client, captured):
    response = editor_client.get(reverse("admin:incidents_source_capture", args=[captured.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CAPTURE
    assert response["Content-Disposition"].startswith("attachment")


def test_the_capture_download_is_refused_to_anonymous_users(client, captured):
    url = reverse("admin:incidents_source_capture", args=[captured.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(f"/media/{captured.capture.name}").status_code == 404


def test_a_captured_copy_over_the_size_limit_is_refused_with_a_message(
    editor_client, media, settings
):
    settings.CAPTURE_MAX_UPLOAD_MB = 1
    source = SourceFactory(publisher="Al Arabiya")
    url = reverse("admin:incidents_source_change", args=[source.pk])
    upload = SimpleUploadedFile("video.mp4", b"\0" * (1024 * 1024 + 1))

    response = editor_client.post(url, change_form(source, capture=upload))

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["capture"]
    assert "at most 1 MB" in error and "CAPTURE_MAX_UPLOAD_MB" in error
    source.refresh_from_db()
    assert not source.capture
    assert list(media.glob("captures/**/*.mp4")) == []
