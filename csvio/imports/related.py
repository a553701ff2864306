"""A batch's actor rows, citations and tags: compared with the stored ones, then written.

An incident whose rows differ from the file's has them all replaced, in the file's order,
and counts as changed; one whose rows are the same keeps them, and writes nothing.
Citations are compared in order (every layout writes them in the order they were written);
actor rows and tags as sets, since the native layout lists actors by role and name, not in the
order they were entered.

Rows are compared and kept as tuples of PARTICIPANT_FIELDS or CITATION_FIELDS (lists as
tuples); a model instance is built only for a row that is written.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Model

from core import bulk_writes
from core.history_writes import BulkHistory
from csvio.imports.match import References
from csvio.imports.row import ImportRow
from csvio.layouts.base import ImportedIncident
from incidents.models import Citation, Incident, IncidentActor

PARTICIPANT_FIELDS = ("actor_id", "role", "attribution", "side")
CITATION_FIELDS = ("source_id", "quote", "locator", "supports", "stance")
KINDS = ("participants", "citations", "tags")
BATCH_SIZE = 5000


class Related:
    def __init__(self, rows: list[ImportRow], references: References, history: BulkHistory):
        self.references, self.history = references, history
        self.incidents = [row.incident for row in rows]
        self.wanted: dict[str, dict[int, list]] = {
            "participants": {id(row.incident): self._participants(row.imported) for row in rows},
            "citations": {id(row.incident): self._citations(row.imported) for row in rows},
            "tags": {
                id(row.incident): [
                    references.tag(name).pk for name in dict.fromkeys(row.imported.tags)
                ]
                for row in rows
            },
        }
        stored_ids = [incident.pk for incident in self.incidents if incident.pk]
        self.stored: dict[str, dict[int, list]] = {
            "participants": _stored(IncidentActor, PARTICIPANT_FIELDS, stored_ids),
            "citations": _stored(Citation, CITATION_FIELDS, stored_ids),
            "tags": {},
        }
        tagged = Incident.tags.through.objects.filter(
            bulk_writes.among("incident_id", stored_ids)
        ).order_by("pk")
        for incident_id, tag_id in tagged.values_list("incident_id", "tag_id"):
            self.stored["tags"].setdefault(incident_id, []).append(tag_id)
        self.replaced = {
            kind: [incident for incident in self.incidents if self._differs(incident, kind)]
            for kind in KINDS
        }
        self.replaced_ids = {
            kind: {id(incident) for incident in incidents}
            for kind, incidents in self.replaced.items()
        }

    def _participants(self, imported: ImportedIncident) -> list[tuple]:
        participants, seen = [], set()
        for spec in imported.actors:
            actor_id = self.references.actor(spec).pk
            if (actor_id, spec.role) in seen:
                continue
            seen.add((actor_id, spec.role))
            participants.append((actor_id, spec.role, spec.attribution, spec.side))
        return participants

    def _citations(self, imported: ImportedIncident) -> list[tuple]:
        return [
            (
                self.references.source(spec.source).pk,
                spec.quote,
                spec.locator,
                tuple(spec.supports) if isinstance(spec.supports, list) else spec.supports,
                spec.stance,
            )
            for spec in imported.citations
        ]

    def _differs(self, incident: Incident, kind: str) -> bool:
        if incident.pk is None:
            return True
        wanted = self.wanted[kind][id(incident)]
        stored_rows = self.stored[kind].get(incident.pk, [])
        if kind == "tags":
            return set(wanted) != set(stored_rows)
        stored_content = [content for _, content in stored_rows]
        if kind == "participants":
            return Counter(wanted) != Counter(stored_content)
        return wanted != stored_content

    def changes(self, incident: Incident) -> bool:
        """Whether the file changes the actor rows, citations or tags of `incident`."""
        return any(id(incident) in self.replaced_ids[kind] for kind in KINDS)

    def rows_of(self, incident: Incident, kind: str) -> list[tuple]:
        """The actor rows or citations `incident` will have once written, in their order."""
        if incident.pk is None or id(incident) in self.replaced_ids[kind]:
            return self.wanted[kind][id(incident)]
        return [content for _, content in self.stored[kind].get(incident.pk, [])]

    def write(self) -> None:
        """Replace the rows that differ; called once the new incidents have their ids."""
        for kind, model, fields in (
            ("participants", IncidentActor, PARTICIPANT_FIELDS),
            ("citations", Citation, CITATION_FIELDS),
        ):
            incidents = self.replaced[kind]
            deleted = [
                pk for incident in incidents for pk, _ in self.stored[kind].get(incident.pk, [])
            ]
            if deleted:
                self.history.deleted(model, deleted)
                # Not the ORM's delete, which writes each row's history with a query of its own.
                bulk_writes.delete(model, deleted)
            created = [
                (
                    incident.pk,
                    *(list(value) if isinstance(value, tuple) else value for value in content),
                )
                for incident in incidents
                for content in self.wanted[kind][id(incident)]
            ]
            bulk_writes.insert_values(model, ("incident_id", *fields), created)
            # The incidents' rows are all new: each was replaced whole.
            self.history.created(model, [incident.pk for incident in incidents], by="incident_id")
        through = Incident.tags.through
        incidents = self.replaced["tags"]
        stale = [incident.pk for incident in incidents if incident.pk in self.stored["tags"]]
        through.objects.filter(incident__in=stale).delete()
        through.objects.bulk_create(
            [
                through(incident_id=incident.pk, tag_id=tag_id)
                for incident in incidents
                for tag_id in self.wanted["tags"][id(incident)]
            ],
            batch_size=BATCH_SIZE,
        )


def _stored(
    model: type[Model], fields: tuple[str, ...], incident_ids: list[int]
) -> dict[int, list[tuple[int, tuple]]]:
    """(id, `fields`) of the stored rows of `model` for each incident, in the order they were
    written."""
    stored: dict[int, list] = {}
    rows = model._default_manager.filter(bulk_writes.among("incident_id", incident_ids))
    rows = rows.order_by("pk")
    for pk, incident_id, *values in rows.values_list("pk", "incident_id", *fields):
        content = tuple(tuple(value) if isinstance(value, list) else value for value in values)
        stored.setdefault(incident_id, []).append((pk, content))
    return stored
