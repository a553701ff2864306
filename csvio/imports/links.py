"""The links an import writes between records, named by public id in the native layout: the
record a merged duplicate points to (`duplicate_of`) and relations (`relations`).

A row may name a record that a later row of the file writes, so a link waits until the record
it names is stored: one that exists already is known when the row is read, one written further
down when its batch is written, without asking the database again.

An import adds relations and never removes one, and merges only into a record the admin's
merge would take (incidents.merging.kept_problems: a published record not itself merged),
never a record others are merged into. Those rules are checked once the whole file is
written, against what it wrote, so that the order of its rows does not matter. A row they
refuse, like a link to a record named nowhere, has been written by then, so the import writes
nothing: skipping bad rows cannot leave such a row out. A record whose links change gets a
new version and a history entry, as an admin save gives it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from core import bulk_writes
from core.history_writes import BulkHistory
from csvio.imports.report import ImportReport, Problem
from csvio.imports.row import ImportRow
from csvio.imports.validate import ModelRules
from incidents.merging import kept_problems
from incidents.models import Incident, IncidentRelation
from incidents.taxonomy import PUBLIC_STATUSES

DUPLICATE = "duplicate of"  # the kind of link that is a merge, beside the RelationKinds
# Merges checked per query, at the end of an import.
MERGE_CHECKS = 5000
# What a merged record's duplicate_of holds while the rules judge it: any record, since they
# ask only whether it is merged (the record it names may not be written yet).
SOME_RECORD = -1


@dataclass(frozen=True)
class Link:
    row: int
    incident: int  # the record the row wrote
    kind: str  # a RelationKind, or DUPLICATE
    public_id: str  # the record it names
    unchanged: bool  # whether the row left its record as it was


class Links:
    def __init__(
        self,
        *,
        report: ImportReport,
        history: BulkHistory,
        user,
        column_of: Callable[[str], str],
        rules: ModelRules,
    ) -> None:
        self.report, self.history, self.user = report, history, user
        self.rules = rules  # the Incident model's
        self.column_of = column_of  # field name → the file's column, for problems
        self.waiting: list[Link] = []  # naming records not stored yet
        self.counted: set[int] = set()  # unchanged records a link has counted as updated
        self.merged: dict[int, int] = {}  # record this import merges → its row
        self.unpublished: dict[int, int] = {}  # public record this import hides → its row
        self.refused_late = False  # a problem found after its row was written

    # -- reading rows -------------------------------------------------------------------

    @staticmethod
    def targets(rows: Iterable) -> dict[str, int]:
        """{public id: id} of the stored records that rows (ImportedIncidents) name."""
        named = set()
        for row in rows:
            named.add(row.duplicate_of)
            named.update(public_id for _, public_id in row.relations)
        named.discard("")
        if not named:
            return {}
        return dict(Incident.objects.filter(public_id__in=named).values_list("public_id", "pk"))

    def problems(self, row: ImportRow, targets: dict[str, int]) -> dict:
        """{field: messages} for the links of a row that the rules refuse, as far as the row
        itself tells (the merge is written after the row, where the model cannot see it)."""
        found: dict[str, list[str]] = {}
        incident, imported, stored = row.incident, row.imported, row.stored_duplicate_of
        if imported.duplicate_of == incident.public_id and imported.duplicate_of:
            found["duplicate_of"] = ["A record cannot duplicate itself."]
        elif imported.duplicate_of and (broken := self._broken_when_merged(incident)):
            found["duplicate_of"] = broken
        elif imported.duplicate_of and stored and stored != targets.get(imported.duplicate_of):
            found["duplicate_of"] = [
                "Already merged into another record: an import does not move a merge "
                "(retract and merge again in the admin)."
            ]
        if incident.public_id and any(
            public_id == incident.public_id for _, public_id in imported.relations
        ):
            found["relations"] = [
                constraint_message(IncidentRelation, "incident_relation_not_self")
            ]
        return found

    def _broken_when_merged(self, incident: Incident) -> list[str]:
        """The model's constraints on a merged record that `incident` would break."""
        merged = copy.copy(incident)
        merged.duplicate_of_id = SOME_RECORD
        errors = self.rules.add_constraint_errors(merged, {}, reading="duplicate_of")
        return [message for messages in errors.values() for message in messages]

    # -- after each batch ----------------------------------------------------------------

    def written(self, rows: list[ImportRow], targets: dict[str, int]) -> None:
        """Queue the links of the rows a batch wrote, then write those whose records are
        stored: named before, or written by the batch."""
        for row in rows:
            incident, imported, unchanged = row.incident, row.imported, not row.changed
            if row.stored_status in PUBLIC_STATUSES and incident.status not in PUBLIC_STATUSES:
                self.unpublished[incident.pk] = imported.row
            # A row that restates a stored merge leaves it to the rules it was made by.
            restated = row.stored_duplicate_of is not None and (
                row.stored_duplicate_of == targets.get(imported.duplicate_of)
            )
            if imported.duplicate_of and not restated:
                self.merged[incident.pk] = imported.row
                self.waiting.append(
                    Link(imported.row, incident.pk, DUPLICATE, imported.duplicate_of, unchanged)
                )
            self.waiting += [
                Link(imported.row, incident.pk, kind, public_id, unchanged)
                for kind, public_id in imported.relations
            ]
        stored = dict(targets)
        stored.update((row.incident.public_id, row.incident.pk) for row in rows)
        ready = [link for link in self.waiting if link.public_id in stored]
        self.waiting = [link for link in self.waiting if link.public_id not in stored]
        self._write(ready, stored)

    def _write(self, links: list[Link], stored: dict[str, int]) -> None:
        # A new record may name the public id it was just given.
        for link in [link for link in links if stored[link.public_id] == link.incident]:
            if link.kind == DUPLICATE:
                self._refuse(link.row, "duplicate_of", "A record cannot duplicate itself.")
                del self.merged[link.incident]
            else:
                message = constraint_message(IncidentRelation, "incident_relation_not_self")
                self._refuse(link.row, "relations", message)
            links.remove(link)
        merges = {link.incident: stored[link.public_id] for link in links if link.kind == DUPLICATE}
        wanted = {
            (link.incident, stored[link.public_id], link.kind)
            for link in links
            if link.kind != DUPLICATE
        }
        there = IncidentRelation.objects.filter(from_incident__in={key[0] for key in wanted})
        new = sorted(wanted - set(there.values_list("from_incident", "to_incident", "kind")))
        relations = [
            IncidentRelation(from_incident_id=source, to_incident_id=target, kind=kind)
            for source, target, kind in new
        ]
        bulk_writes.insert(relations)
        self.history.created(IncidentRelation, [relation.pk for relation in relations])
        linked = set(merges) | {source for source, _, _ in new}
        newly_counted = {
            link.incident
            for link in links
            if link.unchanged and link.incident in linked and link.incident not in self.counted
        }
        self._changed(set(merges) | newly_counted, merges, newly_counted)

    def _changed(self, ids: set[int], merges: dict[int, int], newly_counted: set[int]) -> None:
        """A new version and history entry for the records whose links changed (a merge, or
        new relations of a record the file otherwise left as it was, which now counts as
        updated)."""
        if not ids:
            return
        records = list(
            Incident.objects.filter(pk__in=ids).only(
                "version", "duplicate_of", "updated_at", "updated_by"
            )
        )
        now = timezone.now()
        for record in records:
            record.version += 1
            record.duplicate_of_id = merges.get(record.pk, record.duplicate_of_id)
            if record.pk in newly_counted:
                record.updated_at, record.updated_by = now, self.user
        bulk_writes.update(records, ["version", "duplicate_of", "updated_at", "updated_by"])
        self.history.changed(Incident, [record.pk for record in records])
        self.counted |= newly_counted
        self.report.updated += len(newly_counted)
        self.report.unchanged -= len(newly_counted)

    # -- at the end ----------------------------------------------------------------------

    def finish(self) -> None:
        """Report the records no row wrote, and the merges the rules refuse now that the
        whole file is written."""
        for link in self.waiting:
            message = (
                f"No incident {link.public_id} exists in Tessera, nor in a row of this file "
                "that could be written."
            )
            self._refuse(link.row, "duplicate_of" if link.kind == DUPLICATE else "relations",
                         message)  # fmt: skip
        self.waiting = []
        self._check_merges()

    def _check_merges(self) -> None:
        """A record is merged only into one the admin's merge would take (readers are sent on
        to it), and not while others are merged into it (they would be sent on again)."""
        merged = list(self.merged)
        for start in range(0, len(merged), MERGE_CHECKS):
            chunk = merged[start : start + MERGE_CHECKS]
            records = (
                Incident.objects.filter(pk__in=chunk, duplicate_of__isnull=False)
                .select_related("duplicate_of__duplicate_of")
                .only(
                    "duplicate_of__public_id",
                    "duplicate_of__status",
                    "duplicate_of__duplicate_of__public_id",
                )
            )
            for record in records:
                kept = record.duplicate_of
                if kept is not None and (problem := kept_problems(kept)):
                    self._refuse(self.merged[record.pk], "duplicate_of", problem)
            for pk, duplicate in _merged_into(chunk):
                message = (
                    f"{duplicate} is merged into this record: merge it in the admin, which "
                    "moves such records along."
                )
                self._refuse(self.merged[pk], "duplicate_of", message)
        for pk, duplicate in _merged_into(list(self.unpublished)):
            message = f"{duplicate} is merged into this record, which must stay public."
            self._refuse(self.unpublished[pk], "status", message)

    def _refuse(self, row: int, field: str, message: str) -> None:
        """A problem found after its row was written: nothing can be written."""
        self.refused_late = True
        self.report.problems.append(Problem(row, self.column_of(field), message))


def constraint_message(model: type[Model], name: str) -> str:
    [constraint] = [c for c in model._meta.constraints if c.name == name]
    return str(constraint.get_violation_error_message())


def _merged_into(ids: list[int]) -> Iterator[tuple[int, str]]:
    """(id of a record among `ids`, public id of a record merged into it)."""
    rows = Incident.objects.filter(duplicate_of__in=ids).values_list("duplicate_of", "public_id")
    return ((kept, public_id) for kept, public_id in rows if kept is not None)
