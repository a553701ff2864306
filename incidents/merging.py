"""Merging duplicates: two records of the same event become one, and nothing cited is lost.

The duplicate is not deleted. It is retracted with a pointer to the record that is kept
(`duplicate_of`), so its public id still resolves: its permalink and API detail redirect to
the kept record. Its citations move to the kept record, and the two are linked as
"same event as".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone

from incidents.models import DERIVED_FIELDS, Citation, Incident, IncidentRelation
from incidents.taxonomy import RelationKind, Status
from incidents.workflow import is_editor


def merge_problems(duplicate: Incident, kept: Incident) -> str:
    """Why `duplicate` cannot be merged into `kept`; empty when it can."""
    if duplicate.pk == kept.pk:
        return "A record cannot be merged into itself."
    if duplicate.status != Status.PUBLISHED:
        # A draft was never public: retracting it would publish it as a tombstone. Move its
        # sources to the kept record and delete it instead.
        return f"{duplicate.public_id} is {duplicate.status}; only a published record is merged."
    if (merged_into := duplicate.duplicate_of) is not None:
        return f"{duplicate.public_id} is already merged into {merged_into.public_id}."
    return kept_problems(kept)


def kept_problems(kept: Incident) -> str:
    """Why no record can be merged into `kept`; empty when one can.

    The admin's and the API's merge ask it, and so does an import that writes a merge.
    """
    if (merged_into := kept.duplicate_of) is not None:
        return (
            f"{kept.public_id} is itself merged into {merged_into.public_id}; "
            "merge into that record."
        )
    if kept.status == Status.RETRACTED:
        return f"{kept.public_id} is retracted; merge into a published record."
    if kept.status != Status.PUBLISHED:
        return f"{kept.public_id} is not public ({kept.status}); merge into a published record."
    return ""


# Fields that say what happened, where and how sure: the ones worth comparing before a merge.
# The workflow's own texts and the bookkeeping differ between any two records.
NOT_COMPARED = {"id", *DERIVED_FIELDS, "review_note", "retraction_reason", "duplicate_of"}


def compared_fields() -> list[Field]:
    return [
        field
        for field in Incident._meta.concrete_fields
        if field.editable and field.name not in NOT_COMPARED
    ]


@dataclass(frozen=True)
class MergePreview:
    """What merging `duplicate` into `kept` would do, written nowhere."""

    duplicate: Incident
    kept: Incident
    retraction_reason: str
    citations_moved: int
    citations_already_cited: int
    # Records merged into the duplicate earlier, which would point at the kept record.
    repointed: list[str]
    # The compared fields whose values differ: the kept record's stay, the duplicate's go.
    conflicts: list[str]


def preview(duplicate: Incident, kept: Incident, *, note: str = "") -> MergePreview:
    """What `merge` would do; ValidationError when it would refuse."""
    if problem := merge_problems(duplicate, kept):
        raise ValidationError(problem)
    already_cited = _already_cited(kept)
    cited = list(duplicate.citations.values_list("source_id", "quote"))
    shared = sum(1 for pair in cited if pair in already_cited)
    return MergePreview(
        duplicate=duplicate,
        kept=kept,
        retraction_reason=retraction_reason(kept, note),
        citations_moved=len(cited) - shared,
        citations_already_cited=shared,
        repointed=sorted(
            Incident.objects.filter(duplicate_of=duplicate).values_list("public_id", flat=True)
        ),
        conflicts=[
            field.name
            for field in compared_fields()
            if field.value_from_object(duplicate) != field.value_from_object(kept)
        ],
    )


def retraction_reason(kept: Incident, note: str = "") -> str:
    """The public notice of a duplicate merged into `kept`."""
    return f"Same event as {kept.public_id}. {note.strip()}".strip()


@transaction.atomic
def merge(duplicate: Incident, kept: Incident, *, user, note: str = "") -> Incident:
    """Retract `duplicate` as the same event as `kept`, moving its citations to `kept`."""
    if not is_editor(user):
        raise PermissionError("Only editors can merge incidents.")
    locked = Incident.objects.select_for_update().in_bulk([duplicate.pk, kept.pk])
    duplicate, kept = locked[duplicate.pk], locked[kept.pk]
    problem = merge_problems(duplicate, kept)
    if problem:
        raise ValidationError(problem)

    # Every history entry of the merge says the same moment: the rows it moves belong to the
    # records' versions it makes (incidents.versions).
    now = timezone.now()
    already_cited = _already_cited(kept)
    for citation in Citation.objects.filter(incident=duplicate):
        _recorded(citation, user, now)
        if (citation.source_id, citation.quote) in already_cited:
            citation.delete()
        else:
            citation.incident = kept
            citation.save()
    link = {"from_incident": duplicate, "to_incident": kept, "kind": RelationKind.SAME_EVENT_AS}
    if not IncidentRelation.objects.filter(**link).exists():
        relation = IncidentRelation(**link)
        _recorded(relation, user, now)
        relation.save()
    # Records merged into the duplicate earlier now point at the record that is kept.
    for earlier in Incident.objects.filter(duplicate_of=duplicate):
        earlier.duplicate_of = kept
        earlier.updated_by = user
        _recorded(earlier, user, now)
        earlier.save()

    duplicate.status = Status.RETRACTED
    duplicate.retraction_reason = retraction_reason(kept, note)
    duplicate.duplicate_of = kept
    duplicate.updated_by = user
    _recorded(duplicate, user, now, f"Merged into {kept.public_id}")
    duplicate.save()

    # The kept record changed too (it gained citations): a new version that sync clients see.
    kept.updated_by = user
    _recorded(kept, user, now, f"{duplicate.public_id} merged into this record")
    kept.save()
    return kept


def _recorded(record: Model, user, date: dt.datetime, reason: str = "") -> None:
    """Who makes `record`'s next save (or deletion), when, and why, as its history entry
    (simple_history) says."""
    record.__dict__["_history_user"] = user
    record.__dict__["_history_date"] = date
    if reason:
        record.__dict__["_change_reason"] = reason


def _already_cited(kept: Incident) -> set[tuple[int, str]]:
    """The (source, quote) pairs the kept record cites: a duplicate's citation of one of them
    is dropped by a merge rather than moved (the preview counts it so)."""
    return set(kept.citations.values_list("source_id", "quote"))
