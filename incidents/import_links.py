"""The links an import writes between records, named by public id in the native layout: the
record a merged duplicate points to (`duplicate_of`) and relations (`relations`).

A row may name a record that a later row of the file writes, so a link waits until the record
it names is stored: one that exists already is known when the row is read, one written further
down when its batch is written, without asking the database again. What is still unknown when
the whole file has been read is a problem on the row that named it.

An import adds relations and never removes one, and merges only as the admin's merge does:
into a public record that is not itself merged, never a record others are merged into. A
record whose links change gets a new version and a history entry, as an admin save gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from incidents import bulk_writes
from incidents.import_report import ImportReport, Problem
from incidents.models import Incident, IncidentRelation
from incidents.taxonomy import PUBLIC_STATUSES, Status

DUPLICATE = "duplicate of"  # the kind of link that is a merge, beside the RelationKinds
# Merged records checked for chains per query, at the end of an import.
CHAIN_CHECKS = 5000


@dataclass(frozen=True)
class Target:
    """A record that links name, as far as the rules of a merge need it."""

    pk: int
    status: str
    merged: bool  # itself a duplicate of another record


@dataclass(frozen=True)
class Link:
    row: int
    incident: int  # the record the row wrote
    kind: str  # a RelationKind, or DUPLICATE
    public_id: str  # the record it names
    unchanged: bool  # whether the row left its record as it was


class Links:
    def __init__(
        self, *, report: ImportReport, history, user, column_of: Callable[[str], str]
    ) -> None:
        self.report, self.history, self.user = report, history, user
        self.column_of = column_of  # field name → the file's column, for problems
        self.waiting: list[Link] = []  # naming records not stored yet
        self.counted: set[int] = set()  # unchanged records a link has counted as updated
        self.merged: dict[int, int] = {}  # record merged by this import → its row

    # -- reading rows -------------------------------------------------------------------

    @staticmethod
    def targets(rows: Iterable) -> dict[str, Target]:
        """The stored records that rows (ImportedIncidents) name, by public id."""
        named = set()
        for row in rows:
            named.add(row.duplicate_of)
            named.update(public_id for _, public_id in row.relations)
        named.discard("")
        if not named:
            return {}
        records = Incident.objects.filter(public_id__in=named).values_list(
            "public_id", "pk", "status", "duplicate_of"
        )
        return {
            public_id: Target(pk, status, merged_into is not None)
            for public_id, pk, status, merged_into in records
        }

    def problems(self, incident: Incident, imported, targets: dict[str, Target]) -> dict:
        """{field: messages} for the links of a row that the rules refuse, as far as they can
        tell before the records it names are stored."""
        found: dict[str, list[str]] = {}
        kept = targets.get(imported.duplicate_of)
        if imported.duplicate_of and kept is None:
            # Written further down the file: the model's own rules cannot see the link yet.
            if imported.duplicate_of == incident.public_id:
                found["duplicate_of"] = ["A record cannot duplicate itself."]
            elif incident.status != Status.RETRACTED:
                message = constraint_message(Incident, "incident_duplicate_is_retracted")
                found["duplicate_of"] = [message]
        elif kept is not None and kept.pk != incident.pk and refusal(kept, imported.duplicate_of):
            found["duplicate_of"] = [refusal(kept, imported.duplicate_of)]
        if incident.public_id and any(
            public_id == incident.public_id for _, public_id in imported.relations
        ):
            found["relations"] = [
                constraint_message(IncidentRelation, "incident_relation_not_self")
            ]
        return found

    # -- after each batch ----------------------------------------------------------------

    def written(self, rows: list, targets: dict[str, Target]) -> None:
        """Queue the links of the rows (Incident, ImportedIncident) a batch wrote, then write
        those whose records are stored: named before, or written by the batch."""
        for incident, imported in rows:
            unchanged = not incident.changed
            if imported.duplicate_of:
                self.merged[incident.pk] = imported.row
                if imported.duplicate_of not in targets:  # else written with the row
                    self.waiting.append(
                        Link(imported.row, incident.pk, DUPLICATE, imported.duplicate_of, unchanged)
                    )
            self.waiting += [
                Link(imported.row, incident.pk, kind, public_id, unchanged)
                for kind, public_id in imported.relations
            ]
        stored = dict(targets)
        stored.update(
            (
                incident.public_id,
                Target(incident.pk, incident.status, bool(incident.duplicate_of_id)),
            )
            for incident, _ in rows
        )
        ready = [link for link in self.waiting if link.public_id in stored]
        self.waiting = [link for link in self.waiting if link.public_id not in stored]
        self._write(ready, stored)

    def _write(self, links: list[Link], stored: dict[str, Target]) -> None:
        merges = {}
        for link in links:
            if link.kind != DUPLICATE:
                continue
            refused = refusal(stored[link.public_id], link.public_id)
            if refused:
                self.report.problems.append(self._problem(link, refused))
                del self.merged[link.incident]
            else:
                merges[link.incident] = stored[link.public_id].pk
        wanted = {
            (link.incident, stored[link.public_id].pk, link.kind)
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
        """Report the records no row wrote, and the merges the file made into chains."""
        for link in self.waiting:
            message = (
                f"No incident {link.public_id} exists in Tessera, nor in a row of this file "
                "that could be written."
            )
            self.report.problems.append(self._problem(link, message))
        self.waiting = []
        self._refuse_chains()

    def _refuse_chains(self) -> None:
        """A record merged into one that is itself merged, or that others are merged into,
        would send readers on from one record to the next (or round in a circle)."""
        merged = list(self.merged)
        chained = {}
        for start in range(0, len(merged), CHAIN_CHECKS):
            chunk = merged[start : start + CHAIN_CHECKS]
            into_merged = Incident.objects.filter(
                pk__in=chunk, duplicate_of__duplicate_of__isnull=False
            ).values_list("pk", "duplicate_of__public_id")
            for pk, kept in into_merged:
                chained[pk] = f"{kept} is itself merged into another record."
            merged_into = Incident.objects.filter(duplicate_of__in=chunk).values_list(
                "duplicate_of", "public_id"
            )
            for pk, duplicate in merged_into:
                chained.setdefault(pk, f"{duplicate} is merged into this record.")
        for pk, message in chained.items():
            problem = f"{message} Merge in the admin, which moves merged records along."
            self.report.problems.append(
                Problem(self.merged[pk], self.column_of("duplicate_of"), problem)
            )
        # Written without the link (when bad rows are skipped) rather than in a chain.
        Incident.objects.filter(pk__in=chained).update(duplicate_of=None)

    def _problem(self, link: Link, message: str) -> Problem:
        column = "duplicate_of" if link.kind == DUPLICATE else "relations"
        return Problem(link.row, self.column_of(column), message)


def refusal(kept: Target, public_id: str) -> str:
    """Why a record cannot be merged into `kept`, or nothing."""
    if kept.status not in PUBLIC_STATUSES:
        return (
            f"{public_id} is not public ({kept.status}): a record is merged only into a "
            "published or retracted one."
        )
    if kept.merged:
        return f"{public_id} is itself merged into another record."
    return ""


def constraint_message(model: type[Model], name: str) -> str:
    [constraint] = [c for c in model._meta.constraints if c.name == name]
    return constraint.get_violation_error_message()
