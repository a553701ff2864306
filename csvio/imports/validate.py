"""Checking rows by the models' own rules: field validation, `clean()`, CHECK constraints, and
the editorial workflow.

Model.full_clean() asks the database once per foreign key and per constraint: for every row
of a large file that would be most of an import's time. So the rules are shared between rows:

- each field's own validation (Field.clean: its validators and choices) runs once per distinct
  value, and the model's `clean()` once per record; foreign keys are left out, since the
  import itself found or created every record they point to;
- a CHECK constraint is the database's to enforce when the batch is written. Only a batch the
  database refuses, and a row refused for another reason, is checked by the constraints
  themselves (Constraint.validate(), once per distinct set of the values a constraint reads),
  so that a row's problems are all reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, Field, Model, Q

from csvio.imports.report import Problem
from csvio.imports.row import ImportRow
from csvio.layouts.base import ImportedIncident, Preset
from incidents.models import Citation, Incident
from incidents.workflow import may_set_status, refusal

# Outcomes of field validation and constraints kept, before they are forgotten to keep
# memory flat.
REMEMBERED_VALUES = 100_000
# The search fields are the search module's to write, and not even read here.
NOT_VALIDATED = {"public_id", "search_document", "search_vector"}
_EXCLUDED = object()  # a value a constraint cannot read: the check is skipped


class ModelRules:
    """A model's own validation, as full_clean() without unique checks, for many records."""

    def __init__(self, model: type[Model], *, skip: Iterable[str] = ()):
        self.model = model
        self.fields = [
            f
            for f in model._meta.fields
            if not f.is_relation and not f.generated and f.name not in skip
        ]
        self.checks = [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]
        self.read_by = {
            check.name: sorted(Q(check.condition).referenced_base_fields) for check in self.checks
        }
        self.attnames = {f.name: f.attname for f in model._meta.concrete_fields}
        self.attnames["pk"] = "pk"
        self.cleaned: dict[tuple, tuple[Any, list[str]]] = {}
        self.checked: dict[tuple, ValidationError | None] = {}

    def errors(self, record: Model, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
        """{field name or NON_FIELD_ERRORS: messages} of the fields' rules and `clean()`:
        what full_clean() reports before it checks the constraints."""
        if len(self.cleaned) + len(self.checked) > REMEMBERED_VALUES:
            self.cleaned.clear()
            self.checked.clear()
        errors: dict[str, list[str]] = {}
        for model_field in self.fields:
            if model_field.name in exclude:
                continue
            value = getattr(record, model_field.attname)
            if model_field.blank and value in model_field.empty_values:
                continue
            cleaned, messages = self._clean(model_field, value, record)
            if messages:
                errors[model_field.name] = messages
            else:
                setattr(record, model_field.attname, cleaned)
        try:
            record.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        return errors

    def _clean(self, model_field: Field, value: Any, record: Model) -> tuple[Any, list[str]]:
        key = (model_field.attname, type(value), value)
        try:
            return self.cleaned[key]
        except KeyError:
            remembered = True
        except TypeError:  # a JSON value: not hashable, checked every time
            remembered = False
        result: tuple[Any, list[str]]
        try:
            result = (model_field.clean(value, record), [])
        except ValidationError as error:
            result = (value, error.messages)
        if remembered:
            self.cleaned[key] = result
        return result

    def add_constraint_errors(
        self,
        record: Model,
        errors: dict[str, list[str]],
        exclude: Iterable[str] = (),
        *,
        reading: str = "",
    ) -> dict[str, list[str]]:
        """`errors` and the CHECK constraints `record` breaks (those `reading` a field, when
        given), on the fields the model shows them on; a constraint that reads a field with
        an error is skipped, as full_clean() skips it."""
        exclude = {*exclude, *(name for name in errors if name != NON_FIELD_ERRORS)}
        broken = [
            error
            for check in self.checks
            if not reading or reading in self.read_by[check.name]
            if (error := self._check(check, record, exclude)) is not None
        ]
        if not broken:
            return errors
        if hasattr(record, "errors_on_fields"):  # core.models.ConstraintMessagesOnFields
            by_field = record.errors_on_fields(ValidationError(broken), exclude)
        else:
            by_field = ValidationError(broken).update_error_dict({})
        for name, items in by_field.items():
            errors.setdefault(name, []).extend(ValidationError(items).messages)
        return errors

    def _check(
        self, check: CheckConstraint, record: Model, exclude: set[str]
    ) -> ValidationError | None:
        values = tuple(
            _EXCLUDED if name in exclude else getattr(record, self.attnames[name])
            for name in self.read_by[check.name]
        )
        key = (check.name, values)
        try:
            return self.checked[key]
        except KeyError:
            remembered = True
        except TypeError:  # a JSON value: not hashable, checked every time
            remembered = False
        result: ValidationError | None = None
        try:
            check.validate(self.model, record, exclude=exclude)
        except ValidationError as error:
            result = error
        if remembered:
            self.checked[key] = result
        return result


class RowChecks:
    """The rules a row of a file must follow to be written, its problems on the file's
    columns."""

    def __init__(self, preset: Preset, user) -> None:
        self.preset, self.user = preset, user
        self.incidents = ModelRules(Incident, skip=NOT_VALIDATED)
        self.citations = ModelRules(Citation)

    def problems(
        self, row: ImportRow, link_errors: dict[str, list[str]], again: list[Problem]
    ) -> list[Problem]:
        """Everything wrong with a row before it is written (`link_errors`: what Links found;
        `again`: that an earlier row matched its record, which leaves nothing else to check).

        The constraints are checked here only for a row refused anyway; the others' are the
        database's, when their batch is written (see write.Writer.save)."""
        incident = row.incident
        # A stored record whose fields the file leaves as they are has nothing to check.
        checked = not again and (row.new or bool(row.changed_fields))
        exclude = self._exclude(incident)
        errors = self.incidents.errors(incident, exclude) if checked else {}
        others = again or (self._status_problems(row) + self._place_problems(row))
        citations = self._citation_problems(row, with_constraints=False)
        links = self._problems(link_errors, row.number)
        if errors or others or citations or links:
            if checked:
                errors = self.incidents.add_constraint_errors(incident, errors, exclude)
            citations = self._citation_problems(row, with_constraints=True)
        return self._problems(errors, row.number) + others + citations + links

    def unread_problems(self, imported: ImportedIncident, problems: list[Problem]) -> list[Problem]:
        """`problems`, the cells of a row that cannot be read, and what the fields' own rules
        find wrong with its other cells: a row's problems are reported at once, not the first
        one fix after fix. (Its links and references are checked once it reads.)"""
        unread = {problem.column for problem in problems}
        incident = Incident()
        for name, value in imported.fields.items():
            setattr(incident, name, value)
        # Fields an unread cell would have set (directly or, like the event type UCDP derives
        # from type_of_violence, through another column) are not checked: the cell is the problem.
        exclude = NOT_VALIDATED | {
            f.name
            for f in Incident._meta.fields
            if self.field_column(f.name) in unread or f.name not in imported.fields
        }
        more = [
            problem
            for problem in self._problems(self.incidents.errors(incident, exclude), imported.row)
            if problem.column not in unread and problem.column != "(row)"
        ]
        return problems + more

    def refused(self, row: ImportRow) -> list[Problem]:
        """The constraints a row breaks: why the database may have refused its batch."""
        errors = self.incidents.add_constraint_errors(row.incident, {}, self._exclude(row.incident))
        return self._problems(errors, row.number) + self._citation_problems(
            row, with_constraints=True, only_constraints=True
        )

    def refused_by_database(self, row: ImportRow) -> list[Problem]:
        """full_clean(), whose checks of unique fields ask the database: why it refused a
        batch when no constraint explains it."""
        incident = row.incident
        try:
            incident.full_clean(exclude=self._exclude(incident), validate_unique=False)
            errors = {}
        except ValidationError as error:
            errors = error.message_dict
        return self._problems(errors, row.number) + self._place_problems(row)

    @staticmethod
    def _exclude(incident: Incident) -> set[str]:
        return NOT_VALIDATED | ({"location"} if incident.location is None else set())

    def _status_problems(self, row: ImportRow) -> list[Problem]:
        """A file moves an existing record only as its importer could in the admin (the
        command line without --user runs with the server's own rights)."""
        current, new = row.stored_status, row.incident.status
        if self.user is None or row.new or current == new:
            return []
        if may_set_status(self.user, current, new):
            return []
        return self._problems({"status": [refusal(self.user, current, new)]}, row.number)

    def _place_problems(self, row: ImportRow) -> list[Problem]:
        if row.incident.location is not None:
            return []
        return [
            Problem(row.number, self.preset.column_of_field("location"), "A place is required.")
        ]

    def _citation_problems(
        self, row: ImportRow, *, with_constraints: bool, only_constraints: bool = False
    ) -> list[Problem]:
        """The model's rules for each citation (a quote, known claims and stance)."""
        problems = []
        for spec in row.imported.citations:
            citation = Citation(
                quote=spec.quote, locator=spec.locator, supports=spec.supports, stance=spec.stance
            )
            errors = {} if only_constraints else self.citations.errors(citation)
            if with_constraints:
                errors = self.citations.add_constraint_errors(citation, errors)
            problems += [
                Problem(row.number, self._citation_column(name), message)
                for name, messages in errors.items()
                for message in messages
            ]
        return problems

    def _citation_column(self, name: str) -> str:
        for candidate in (name, f"{name}s", "citations", "sources"):
            column = self.preset.column_of_field(candidate)
            if column in self.preset.header:
                return column
        return name

    def _problems(self, errors: dict[str, list[str]], number: int) -> list[Problem]:
        return [
            Problem(number, self.field_column(name), message)
            for name, messages in errors.items()
            for message in messages
        ]

    def field_column(self, name: str) -> str:
        return "(row)" if name == NON_FIELD_ERRORS else self.preset.column_of_field(name)
