"""The records the sweep plants: drafts and records in review, with actors, sources, places
and tags that only they name, all carrying one secret word; and public records that point at
them (a published incident linked to a draft, whose first draft had the secret in its title
and whose editor's comment has it; a public actor and place with a draft-only parent). No
reader may ever see the secret.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction

from geo.models import Location, LocationKind
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Publisher,
    Source,
    Tag,
)
from incidents.taxonomy import (
    ActorRole,
    ActorType,
    Confidence,
    RelationKind,
    SourceType,
    Status,
)

DAY = dt.date(2021, 6, 1)  # the planted incidents' date (the demo data is of January 2022)


@dataclass
class Planted:
    secret: str  # a word only draft-only records and the drafts' versions contain
    hidden_incidents: list[str]  # public ids of the draft and the record in review
    hidden_actors: list[int]
    hidden_sources: list[int]
    hidden_places: list[int]
    hidden_tag: str
    hidden_publisher: str
    published: str  # public id of the published incident that points at the drafts
    public_actor: int  # an actor of the published incident with a draft-only parent and backer
    public_place: int  # the published incident's place, with a draft-only parent
    public_source: int

    @property
    def leak_markers(self) -> list[str]:
        """What no reader's answer may contain."""
        return [self.secret.lower(), *(public_id.lower() for public_id in self.hidden_incidents)]


def _place(name: str, parent: Location | None = None) -> Location:
    return Location.objects.create(
        name=name,
        kind=LocationKind.VILLAGE,
        latitude=36.3,
        longitude=43.1,
        country="IRQ",
        parent=parent,
    )


def _incident(title: str, status: str, place: Location, **fields) -> Incident:
    return Incident.objects.create(
        title=title,
        summary=f"{title}, as first reported.",
        date_start=DAY,
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        location=place,
        confidence=Confidence.LIKELY,
        status=status,
        **fields,
    )


@transaction.atomic
def plant() -> Planted:
    secret = f"zq{secrets.token_hex(5)}"
    village, launch_site, region = (
        _place(f"{secret} village"),
        _place(f"{secret} launch site"),
        _place(f"{secret} region"),
    )
    brigade = Actor.objects.create(
        name=f"{secret} brigade", aliases=f"{secret} fighters", actor_type=ActorType.REBEL_GROUP
    )
    backer = Actor.objects.create(name=f"{secret} backer", actor_type=ActorType.STATE_FORCES)
    report = Source.objects.create(
        title=f"{secret} report",
        url=f"https://{secret}.invalid/report",
        publisher=Publisher.objects.create(name=f"{secret} Wire"),
        source_type=SourceType.WIRE,
    )
    tag = Tag.objects.create(name=f"{secret} campaign")
    draft = _incident(
        f"{secret} shelling",
        Status.DRAFT,
        village,
        origin_location=launch_site,
        review_note=f"check {secret}",
    )
    in_review = _incident(f"{secret} drone strike", Status.IN_REVIEW, village)
    IncidentActor.objects.create(incident=draft, actor=brigade, role=ActorRole.PERPETRATOR)
    IncidentActor.objects.create(incident=in_review, actor=backer, role=ActorRole.TARGET)
    Citation.objects.create(incident=draft, source=report, quote=f"{secret} said so")
    draft.tags.add(tag)
    in_review.tags.add(tag)

    town = _place("Acceptance town", parent=region)
    group = Actor.objects.create(
        name="Acceptance group", parent=brigade, actor_type=ActorType.POLITICAL_MILITIA
    )
    group.backed_by.add(backer)
    wire = Source.objects.create(
        title="Acceptance wire report",
        publisher=Publisher.objects.get_or_create(name="Acceptance Wire")[0],
        source_type=SourceType.WIRE,
    )
    published = _incident(
        f"{secret} first title", Status.DRAFT, town, review_note=f"{secret} to verify"
    )
    published.title, published.summary = "Acceptance sweep shelling", "Shells hit the town."
    # An editor's comment stays on the record: readers see none of it (EDITORIAL_FIELDS).
    published.status, published.review_note = Status.PUBLISHED, f"{secret} sent back once"
    published.save()
    IncidentActor.objects.create(incident=published, actor=group, role=ActorRole.PERPETRATOR)
    Citation.objects.create(incident=published, source=wire, quote="Shells hit the town.")
    IncidentRelation.objects.create(
        from_incident=published, to_incident=draft, kind=RelationKind.RESPONSE_TO
    )
    IncidentRelation.objects.create(
        from_incident=in_review, to_incident=published, kind=RelationKind.PART_OF_SERIES
    )
    return Planted(
        secret=secret,
        hidden_incidents=[draft.public_id, in_review.public_id],
        hidden_actors=[brigade.pk, backer.pk],
        hidden_sources=[report.pk],
        hidden_places=[village.pk, launch_site.pk, region.pk],
        hidden_tag=tag.name,
        hidden_publisher=report.publisher_id,
        published=published.public_id,
        public_actor=group.pk,
        public_place=town.pk,
        public_source=wire.pk,
    )


@transaction.atomic
def remove(planted: Planted) -> None:
    """Delete what `plant` made (their history entries stay, as for any deleted record)."""
    Incident.objects.filter(public_id__in=[*planted.hidden_incidents, planted.published]).delete()
    Actor.objects.filter(pk__in=[planted.public_actor]).delete()
    Actor.objects.filter(pk__in=planted.hidden_actors).delete()
    Source.objects.filter(pk__in=[*planted.hidden_sources, planted.public_source]).delete()
    Location.objects.filter(pk=planted.public_place).delete()
    Location.objects.filter(pk__in=planted.hidden_places).delete()
    Tag.objects.filter(name=planted.hidden_tag).delete()
