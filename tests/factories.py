from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from geo.models import Location, LocationKind
from incidents.models import Actor, Citation, Incident, IncidentActor, Publisher, Source
from incidents.taxonomy import ActorRole, ActorType, Confidence, SourceType, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))
            user.is_staff = extracted != "researcher"
            user.save(update_fields=["is_staff"])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = LocationKind.VILLAGE
    latitude = 34.0
    longitude = 43.0
    country = "IRQ"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Armed group {n}")
    actor_type = ActorType.POLITICAL_MILITIA


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher
        django_get_or_create = ["name"]

    name = "Example Wire"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = factory.SubFactory(PublisherFactory)
    source_type = SourceType.WIRE
    published_at = dt.date(2022, 1, 6)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # SourceFactory(publisher="Reuters"): the publisher of that name.
        if isinstance(kwargs.get("publisher"), str):
            kwargs["publisher"] = PublisherFactory(name=kwargs["publisher"])
        return kwargs


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    title = factory.Sequence(lambda n: f"Rocket attack {n}")
    date_start = dt.date(2022, 1, 5)
    event_type = "Explosions/Remote violence"
    sub_event_type = "Shelling/artillery/missile attack"
    location = factory.SubFactory(LocationFactory)
    confidence = Confidence.LIKELY
    status = Status.PUBLISHED
    retraction_reason = factory.LazyAttribute(
        lambda incident: "Reported in error." if incident.status == Status.RETRACTED else ""
    )


class IncidentActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentActor

    incident = factory.SubFactory(IncidentFactory)
    actor = factory.SubFactory(ActorFactory)
    role = ActorRole.PERPETRATOR


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    incident = factory.SubFactory(IncidentFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "Rockets landed near the base."
