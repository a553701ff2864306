"""What a CSV preset is: one table of columns that both export and import read.

Each column says how to write its cell from an incident (`value`), how PostgreSQL writes the
same cell (`sql`, for COPY) and how to read its cell back into an incident being imported
(`read`). Export walks the table left to right for every incident (or has PostgreSQL do it);
import walks it for every row and collects, per column, what went wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from incidents.models import Incident, Source
from incidents.taxonomy import Status

if TYPE_CHECKING:
    from csvio.layouts.sql import CellQuery

# The relations exports.with_export_columns fetches, each as a list on the incident.
EXPORTED_RELATIONS = ("tags", "participants", "citations", "relations_from")
# What a layout without a status column must say it holds when asked for these statuses.
UNPUBLISHED: dict[str, str] = {Status.DRAFT: "drafts", Status.IN_REVIEW: "records in review"}


def exported(name: str) -> str:
    """The attribute that holds an incident's `name` relation as fetched for an export."""
    return f"exported_{name}"


def related(incident: Incident, name: str) -> list:
    """An incident's actors, citations or tags as fetched for the export, without building a
    QuerySet (or from the database, for an incident not fetched that way).

    Every column of a row reads them; `incident.citations.all()` would build a new QuerySet
    each time, which was most of an export's time.
    """
    fetched = getattr(incident, exported(name), None)
    if fetched is not None:
        return list(fetched)
    return list(getattr(incident, name).all())


class CellError(ValueError):
    """A cell that cannot be read; the message says why, the importer adds row and column."""


@dataclass
class PlaceSpec:
    """A place as a file describes it; the importer finds it by name and coordinates."""

    name: str
    latitude: float
    longitude: float
    country: str = ""  # ISO 3166-1 alpha-3
    admin1: str = ""  # ISO 3166-2, when known
    admin2: str = ""
    kind: str = "area"


@dataclass
class SourceSpec:
    """A source as a file describes it; found by URL, else by publisher, title and date."""

    title: str
    publisher: str
    url: str = ""
    published_at: dt.date | None = None
    source_type: str = "news"


def publisher_of(source: Source | SourceSpec) -> str:
    """The publisher's name, which a stored source holds (no query) and a spec is given."""
    return source.publisher_id if isinstance(source, Source) else source.publisher


@dataclass
class ActorSpec:
    name: str
    role: str
    attribution: str = "confirmed"
    side: str = ""
    actor_type: int | None = None  # ACLED inter code, used when the actor is created


@dataclass
class CitationSpec:
    source: SourceSpec
    quote: str
    locator: str = ""
    supports: list[str] = field(default_factory=list)
    stance: str = "supports"


@dataclass
class ImportedIncident:
    """One row of a file, read but not yet matched to the database or saved."""

    row: int = 0  # its line number in the file
    event_id: str = ""  # the dataset's own id: re-importing the file updates, not duplicates
    public_id: str = ""  # only the native layout carries Tessera's own ids
    fields: dict[str, Any] = field(default_factory=dict)  # Incident model fields
    location: PlaceSpec | None = None
    origin_location: PlaceSpec | None = None
    actors: list[ActorSpec] = field(default_factory=list)
    citations: list[CitationSpec] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dataset_fields: dict[str, str] = field(default_factory=dict)
    # created_at / updated_at, when a file carries them (a restore keeps the record's dates)
    timestamps: dict[str, dt.datetime] = field(default_factory=dict)
    # Other records this one names by public id: the record it duplicates, and its relations
    # as (kind, public id).
    duplicate_of: str = ""
    relations: list[tuple[str, str]] = field(default_factory=list)


def ignore(incident: ImportedIncident, text: str) -> None:
    """For columns that are derived from others and carry nothing new on import."""


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Incident], Any]
    read: Callable[[ImportedIncident, str], None] = ignore
    # The Incident field whose validation errors belong to this column, if any.
    field: str = ""
    # Older files of the layout may lack the column; its cells then read as empty.
    optional: bool = False
    # The SQL of the cell, written exactly as csv_cell writes `value` (csvio.layouts.sql);
    # without it, only Python writes the layout.
    sql: Callable[[CellQuery], str] | None = None
    # An SQL condition on the incident `i` for rows `sql` cannot write exactly as `value`
    # does; an export with any such row is written in Python.
    sql_unwritable: Callable[[CellQuery], str] | None = None
    # The cell names other records, which an export lists only when its reader may see them.
    links: bool = False
    # The cell may hold public ids (the row's own, or those of records it names): an import
    # numbers its new records after every one its file holds (csvio.imports.named_ids).
    ids: bool = False
    # The cell is read with the spaces around it, as a dataset wrote it (a cell's spaces are
    # otherwise trimmed): a kept text is given back byte for byte.
    keeps_spaces: bool = False
    # The import keeps nothing of the cell: Tessera writes its own value there (ACLED's
    # `timestamp` is when Tessera last wrote the record), so a row that says another value
    # changes nothing (csvio.imports.unchanged compares every other column it reads).
    rewritten: bool = False


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    columns: list[Column]
    # Written into Incident.dataset on import; rows are matched on (dataset, event id).
    dataset: str
    # What an export of this preset leaves out, in words (shown with every export).
    scope_note: str = ""
    # Narrows an export to what the dataset can hold; `include_all` lifts that.
    scope: Callable[[QuerySet[Incident]], QuerySet[Incident]] | None = None
    # How an editor knows the layout ("ACLED"); the name is what the options take.
    label: str = ""

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def copies(self) -> bool:
        """Whether PostgreSQL's COPY can write the layout: every column has its SQL."""
        return all(column.sql is not None for column in self.columns)

    @property
    def lists_links(self) -> bool:
        """Whether a row names other records (an export then asks which the reader sees)."""
        return any(column.links for column in self.columns)

    @property
    def says_status(self) -> bool:
        """Whether a row says the record's status (a dataset's layout has no such column)."""
        return "status" in self.header

    def export_queryset(
        self,
        incidents: QuerySet[Incident],
        *,
        include_all: bool = False,
        statuses: Sequence[str] = (),
    ) -> QuerySet[Incident]:
        """The incidents an export in this layout writes, of those asked for.

        A layout that cannot say a record's status holds what reads as an event in force:
        published records, or the statuses the export named (`statuses`, from its `status`
        parameter) when an editor asks for drafts or records in review by name. Retracted
        records (merged duplicates among them) are always left out: their rows would read as
        events in force, and a file imported elsewhere would bring them back.
        """
        if not self.says_status:
            named = [status for status in statuses if status != Status.RETRACTED]
            incidents = incidents.filter(status__in=named if statuses else [Status.PUBLISHED])
        if self.scope is None or include_all:
            return incidents
        return self.scope(incidents)

    def export_note(self, *, include_all: bool = False, statuses: Sequence[str] = ()) -> str:
        """What an export in this layout leaves out, and any row that reads as what it is not,
        in words (empty when nothing)."""
        notes = []
        if not self.says_status:
            unpublished = [UNPUBLISHED[status] for status in statuses if status in UNPUBLISHED]
            if unpublished:
                notes.append(
                    f"The {self.name} layout has no status column: as asked "
                    f"(status={','.join(statuses)}), this file holds {' and '.join(unpublished)}, "
                    "which read like published events in it; retracted and merged records are "
                    "left out."
                )
            elif statuses:
                notes.append(
                    f"The {self.name} layout has no status column, so retracted and merged "
                    "records are left out."
                )
            else:
                notes.append(
                    f"The {self.name} layout has no status column, so it holds published records "
                    "only: retracted and merged records, drafts and records in review are left out."
                )
        if self.scope is not None and not include_all:
            notes.append(self.scope_note)
        return " ".join(notes)

    def column_of_field(self, field_name: str) -> str:
        """The column an analyst should look at when the model refuses `field_name`."""
        for column in self.columns:
            if column.field == field_name or column.name == field_name:
                return column.name
        return field_name
