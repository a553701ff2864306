from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.utils import bulk_create_with_history

from accounts.roles import role_of
from core.api import (
    BriefRelatedField,
    LinesField,
    ModelValidationMixin,
    SelfLinkField,
)
from core.json_types import JSONTypesMixin
from csvio.layouts import PRESETS
from csvio.layouts.base import Preset
from csvio.layouts.native import NATIVE
from geo.api.serializers import LocationBriefSerializer
from geo.models import Location
from incidents import citation_formats, derived
from incidents.models import (
    SEARCH_FIELDS,
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Publisher,
    Source,
    Tag,
)
from incidents.taxonomy import Claim
from incidents.version_changes import EDITORIAL_FIELDS
from incidents.workflow import sees_every_status, transition_errors


class ActorBriefSerializer(serializers.ModelSerializer):
    url = SelfLinkField(view_name="actor-detail")

    class Meta:
        model = Actor
        fields = ["id", "url", "name", "actor_type"]


class ActorSerializer(JSONTypesMixin, ModelValidationMixin, serializers.ModelSerializer):
    url = SelfLinkField(view_name="actor-detail")
    aliases = LinesField(required=False)
    # A declared field: the serializer's metaclass takes it out of the class attributes, so it
    # does not hide Field.parent (which the stubs cannot tell).
    parent = BriefRelatedField(  # type: ignore[assignment]
        ActorBriefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False
    )
    backed_by = BriefRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), many=True, required=False
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "url",
            "name",
            "aliases",
            "actor_type",
            "country",
            "parent",
            "backed_by",
            "wikidata_id",
            "ucdp_id",
            "created_at",
            "updated_at",
        ]


@extend_schema_field({"type": "string", "maxLength": 200})
class PublisherNameField(serializers.RelatedField):
    """A source's publisher by its name; a write may give an alias (Associated Press for AP),
    and a name no publisher has creates one."""

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs["queryset"] = Publisher.objects.all()
        super().__init__(**kwargs)

    def get_attribute(self, instance: Source) -> str:
        return instance.publisher_id  # the name, which the source holds: no query

    def to_representation(self, value: Any) -> str:
        return value

    def to_internal_value(self, data: Any) -> Publisher:
        if not isinstance(data, str) or not data.strip():
            raise serializers.ValidationError("Give the publisher's name.")
        name = data.strip()
        if len(name) > 200:
            raise serializers.ValidationError("A publisher's name is at most 200 characters.")
        known = Publisher.objects.named(name).first()
        return known or Publisher.objects.create(name=name)

    def use_pk_only_optimization(self) -> bool:
        return False


class SourceBriefSerializer(serializers.ModelSerializer):
    url = SelfLinkField(view_name="source-detail")
    publisher = PublisherNameField(read_only=True)

    class Meta:
        model = Source
        fields = ["id", "url", "title", "publisher", "published_at"]


class SourceSerializer(JSONTypesMixin, ModelValidationMixin, serializers.ModelSerializer):
    url = SelfLinkField(view_name="source-detail")
    # Guessed from `source_url` when left out and a publisher lists its domain.
    publisher = PublisherNameField(required=False)
    republished_from = BriefRelatedField(
        SourceBriefSerializer, queryset=Source.objects.all(), allow_null=True, required=False
    )
    originator = BriefRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), allow_null=True, required=False
    )
    # `url` is the API link of every resource; the document's own address is `source_url`.
    source_url = serializers.URLField(
        source="url", max_length=1000, required=False, allow_blank=True
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "source_url",
            "publisher",
            "author",
            "published_at",
            "language",
            "source_type",
            "republished_from",
            "originator",
            "archive_url",
            "captured_at",
            "content_sha256",
            "created_at",
            "updated_at",
        ]

    def create(self, validated_data: dict[str, Any]) -> Source:
        source = Source(**validated_data)
        # What clean() guessed on the validated copy (it refused a guess it could not make).
        source.fill_from_url()
        source.save()
        return source


class IncidentBriefSerializer(serializers.ModelSerializer):
    url = SelfLinkField(view_name="incident-detail", lookup_field="public_id")

    class Meta:
        model = Incident
        fields = ["public_id", "url", "title", "date_start", "date_end"]


class IncidentActorSerializer(JSONTypesMixin, serializers.ModelSerializer):
    actor = BriefRelatedField(ActorBriefSerializer, queryset=Actor.objects.all())

    class Meta:
        model = IncidentActor
        fields = ["actor", "role", "attribution", "side"]
        # Required although the model has a default: see Incident.JUDGEMENTS.
        extra_kwargs = {name: {"required": True} for name in IncidentActor.JUDGEMENTS}


class CitationSerializer(JSONTypesMixin, serializers.ModelSerializer):
    # Not Field.source: declared fields leave the class attributes (see ActorSerializer.parent).
    source = BriefRelatedField(SourceBriefSerializer, queryset=Source.objects.all())  # type: ignore[assignment]
    supports = serializers.ListField(
        child=serializers.ChoiceField(choices=Claim.choices), required=False
    )

    class Meta:
        model = Citation
        fields = ["id", "source", "quote", "locator", "supports", "stance"]
        read_only_fields = ["id"]


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    incident = IncidentBriefSerializer()


class TagsField(serializers.ListField):
    """Tags by name; writing a new name creates the tag."""

    child = serializers.CharField(max_length=100)

    def to_representation(self, tags) -> list[str]:
        return [tag.name for tag in tags.all()]


class IncidentSerializer(
    JSONTypesMixin, ModelValidationMixin, serializers.ModelSerializer[Incident]
):
    # For mypy the type parameter is Model, from ModelValidationMixin's base: hence the
    # instance's declared type here and the override ignores below.
    instance: Incident | None

    url = SelfLinkField(view_name="incident-detail", lookup_field="public_id")
    location = BriefRelatedField(LocationBriefSerializer, queryset=Location.objects.all())
    origin_location = BriefRelatedField(
        LocationBriefSerializer, queryset=Location.objects.all(), allow_null=True, required=False
    )
    tags = TagsField(required=False)
    actors = IncidentActorSerializer(source="participants", many=True, required=False)
    citations = CitationSerializer(many=True, required=False)
    relations = serializers.SerializerMethodField()
    duplicate_of = IncidentBriefSerializer(read_only=True, allow_null=True)
    permalink = serializers.SerializerMethodField()
    citation = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "public_id",
            "url",
            "title",
            "summary",
            "date_start",
            "date_end",
            "date_precision",
            "event_type",
            "sub_event_type",
            "violence_type",
            "weapon",
            "munition_count",
            "outcome",
            "damage",
            "location",
            "geo_precision",
            "origin_location",
            "fatalities_low",
            "fatalities_best",
            "fatalities_high",
            "injured",
            "confidence",
            "status",
            "review_note",
            "retraction_reason",
            "duplicate_of",
            "tags",
            "actors",
            "citations",
            "independent_sources",
            "relations",
            "dataset",
            "dataset_event_id",
            "permalink",
            "citation",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "public_id",
            "independent_sources",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "date_end": {"required": False},
            # Required although the model has defaults: nothing is presumed for a new record.
            **{name: {"required": True} for name in Incident.JUDGEMENTS},
        }
        model_validation_exclude = ["public_id"]

    @staticmethod
    def eager_load(queryset: QuerySet[Incident], visible: QuerySet[Incident]) -> QuerySet:
        """Everything the representation reads, in a fixed number of queries."""
        return (
            queryset.defer(*SEARCH_FIELDS)
            .select_related("location", "origin_location", "duplicate_of")
            .prefetch_related(
                "tags",
                Prefetch("participants", IncidentActor.objects.select_related("actor")),
                Prefetch("citations", Citation.objects.select_related("source")),
                # Links to records the reader may not see (drafts) are left out.
                Prefetch("relations_from", IncidentRelation.objects.to_visible(visible)),
                Prefetch("relations_to", IncidentRelation.objects.from_visible(visible)),
            )
        )

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, incident: Incident) -> list[dict[str, Any]]:
        links = [
            {"kind": link.kind, "direction": "outgoing", "incident": link.to_incident}
            for link in incident.relations_from.all()
        ] + [
            {"kind": link.kind, "direction": "incoming", "incident": link.from_incident}
            for link in incident.relations_to.all()
        ]
        # many=True makes a ListSerializer, whose data is a list; the stubs cannot tell.
        return RelationSerializer(links, many=True, context=self.context).data  # type: ignore[return-value]

    def get_permalink(self, incident: Incident) -> str:
        return citation_formats.permalink(incident)

    def get_citation(self, incident: Incident) -> str:
        """How to cite this version of the record, accessed today (or on the context's
        `accessed` date)."""
        accessed = self.context.get("accessed") or timezone.localdate()
        return citation_formats.citation_text(incident, accessed)

    def to_representation(self, incident: Incident) -> dict[str, Any]:
        data = super().to_representation(incident)
        if not sees_every_status(self.context["request"].user):
            for name in EDITORIAL_FIELDS:
                data.pop(name, None)
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The workflow first: whether the move is allowed at all matters more than its details.
        workflow = ("review_note", "retraction_reason")
        before = {name: getattr(self.instance, name, "") for name in workflow}
        after = {name: attrs.get(name, before[name]) for name in workflow}
        current = self.instance.status if self.instance else None
        errors = transition_errors(
            self.context["request"].user,
            current,
            attrs.get("status", current or Incident._meta.get_field("status").default),
            before=before,
            after=after,
        )
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)

    def validate_actors(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = set()
        for row in rows:
            key = (row["actor"].pk, row["role"])
            if key in seen:
                raise serializers.ValidationError(
                    f"{row['actor'].name} is listed twice as {row['role']}."
                )
            seen.add(key)
        return rows

    def validate_tags(self, names: list[str]) -> list[str]:
        return sorted({name.strip() for name in names if name.strip()})

    # The record and its rows are written with the derived columns' refreshes deferred, then
    # those are refreshed once: bulk_create sends no signals, and deleting rows one signal each.

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Incident:
        related = self._pop_related(validated_data)
        user = self.context["request"].user
        with derived.deferred():
            incident = Incident.objects.create(**validated_data, created_by=user, updated_by=user)
            self._write_related(incident, related, user)
        derived.refresh_incidents([incident.pk])
        return incident

    @transaction.atomic
    def update(self, incident: Incident, validated_data: dict[str, Any]) -> Incident:
        related = self._pop_related(validated_data)
        for field, value in validated_data.items():
            setattr(incident, field, value)
        incident.updated_by = self.context["request"].user
        with derived.deferred():
            incident.save()
            self._write_related(incident, related, incident.updated_by)
        derived.refresh_incidents([incident.pk])
        return incident

    @staticmethod
    def _pop_related(validated_data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: validated_data.pop(name)
            for name in ("participants", "citations", "tags")
            if name in validated_data
        }

    @staticmethod
    def _write_related(incident: Incident, related: dict[str, Any], user) -> None:
        """Replace the actors, citations and tags that the request gave, with their history."""
        # Bulk writes send no pre_create_historical_record: they name the role themselves.
        role = {"history_role": role_of(user)}
        if "participants" in related:
            incident.participants.all().delete()
            bulk_create_with_history(
                [IncidentActor(incident=incident, **row) for row in related["participants"]],
                IncidentActor,
                default_user=user,
                custom_historical_attrs=role,
            )
        if "citations" in related:
            incident.citations.all().delete()
            bulk_create_with_history(
                [Citation(incident=incident, **row) for row in related["citations"]],
                Citation,
                default_user=user,
                custom_historical_attrs=role,
            )
        if "tags" in related:
            incident.tags.set([Tag.objects.get_or_create(name=name)[0] for name in related["tags"]])


class ExportOptions(serializers.Serializer):
    """The query parameters that choose what an export writes; a bad value is refused by name
    (a misspelt `include_all` must not quietly export less)."""

    preset = serializers.ChoiceField(
        choices=sorted(PRESETS),
        default=NATIVE.name,
        error_messages={"invalid_choice": f"Use one of: {', '.join(sorted(PRESETS))}."},
    )
    include_all = serializers.BooleanField(
        default=False, error_messages={"invalid": "Use 1 or 0 (true or false)."}
    )

    @classmethod
    def of(cls, params) -> tuple[Preset, bool]:
        """(preset, include_all) named by `params`; ValidationError naming a bad one."""
        options = cls(data=params)
        options.is_valid(raise_exception=True)
        return PRESETS[options.validated_data["preset"]], options.validated_data["include_all"]
