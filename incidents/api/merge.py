"""The API's merge: `POST /api/v1/incidents/<duplicate>/merge/` with `into`, and `confirm`.

A merge retracts a published record, so, like the admin's merge desk, it is done only once
confirmed: `"confirm": false` answers what it would change (incidents.merging.preview) and
writes nothing; `"confirm": true` merges. Without `confirm` the request is a 400 naming it, so
that no client merges by accident.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.request import Request

from core.api import KeyRelatedField
from core.json_types import JSONTypesMixin
from incidents.api.serializers import IncidentSerializer
from incidents.merging import MergePreview
from incidents.models import Incident

CONFIRM_REQUIRED = (
    "Say whether to merge: false answers what the merge would change and writes nothing; "
    "true merges."
)


class MergeSerializer(JSONTypesMixin, serializers.Serializer):
    into = KeyRelatedField(
        slug_field="public_id",
        queryset=Incident.objects.all(),
        help_text="The public id of the record that is kept.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Added to the duplicate's public retraction notice.",
    )
    confirm = serializers.BooleanField(
        help_text="`false`: answer what the merge would change (the differing fields "
        "included) and write nothing. `true`: merge, and answer the kept record.",
        error_messages={"required": CONFIRM_REQUIRED},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "incidents" in self.context:
            into = cast(KeyRelatedField, self.fields["into"])
            # The stubs' Manager in the attribute's type makes mypy treat it as a descriptor.
            into.queryset = self.context["incidents"]  # type: ignore[arg-type]


class ConflictSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="A field of the incident, as the API names it.")
    duplicate = serializers.JSONField(help_text="The duplicate's value, which the merge drops.")
    into = serializers.JSONField(help_text="The kept record's value, which stays.")


class MergePreviewSerializer(serializers.Serializer):
    """What a merge would change, answered to `"confirm": false`; nothing is written."""

    confirmed = serializers.BooleanField(help_text="Always false: nothing was merged.")
    duplicate = serializers.CharField(help_text="The record that would be retracted.")
    into = serializers.CharField(help_text="The record that would be kept.")
    retraction_reason = serializers.CharField(
        help_text="The duplicate's public notice once retracted."
    )
    citations_moved = serializers.IntegerField(
        help_text="The duplicate's citations that would move to the kept record."
    )
    citations_already_cited = serializers.IntegerField(
        help_text="The duplicate's citations the kept record has already (same source and "
        "quote), which would be dropped."
    )
    repointed = serializers.ListField(
        child=serializers.CharField(),
        help_text="Records merged into the duplicate earlier, which would point at the kept one.",
    )
    conflicts = ConflictSerializer(
        many=True, help_text="The fields whose values differ: the kept record's values stay."
    )
    versions = serializers.DictField(
        child=serializers.CharField(),
        help_text="The ETag of each record as compared, by public id.",
    )


MERGE_RESULT = PolymorphicProxySerializer(
    component_name="MergeResult",
    serializers=[IncidentSerializer, MergePreviewSerializer],
    resource_type_field_name=None,
)


def preview_data(preview: MergePreview, request: Request) -> dict[str, Any]:
    """The preview as the API answers it, each differing value as the incident's JSON shows it."""
    duplicate, kept = preview.duplicate, preview.kept
    shown = [
        IncidentSerializer(record, context={"request": request}).data
        for record in (duplicate, kept)
    ]
    conflicts = [
        {
            "field": name,
            "duplicate": shown[0].get(name, getattr(duplicate, name)),
            "into": shown[1].get(name, getattr(kept, name)),
        }
        for name in preview.conflicts
    ]
    return MergePreviewSerializer(
        {
            "confirmed": False,
            "duplicate": duplicate.public_id,
            "into": kept.public_id,
            "retraction_reason": preview.retraction_reason,
            "citations_moved": preview.citations_moved,
            "citations_already_cited": preview.citations_already_cited,
            "repointed": preview.repointed,
            "conflicts": conflicts,
            "versions": {duplicate.public_id: duplicate.etag, kept.public_id: kept.etag},
        }
    ).data
