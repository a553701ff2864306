from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Every record says when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class RoleOfChange(models.Model):
    """What every history entry records besides the account: the role the change was made in.

    The public is shown the role, never the account. The role is written with the entry (an
    app's receiver of simple_history's pre_create_historical_record fills it from the user)
    rather than looked up when read: a user's role can change later.
    """

    history_role = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        abstract = True


class AuditTrail(HistoricalRecords):
    """django-simple-history's versions of a model, indexed to find a record's versions, each
    with the role of its change (RoleOfChange).

    simple_history copies every index of the model into the history table: foreign keys,
    unique and indexed fields. Those serve queries on current records, not on versions, and
    each one costs every write: an import writes a version of every record it touches.
    The versions keep an index on the record's id (and on `indexed`, the fields whose
    versions are looked up by, such as a citation's incident) besides the history's own
    (id of the version, date, user).
    """

    def __init__(self, *args, indexed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, bases=[RoleOfChange], **kwargs)
        self.indexed = indexed

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if field.name != model._meta.pk.name and field.name not in self.indexed:
                field.db_index = False
        return fields


def check_constraint(condition: models.Q, *, name: str, message: str) -> models.CheckConstraint:
    """A named CHECK whose violation reads `message` and carries its name as error code."""
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_code=name, violation_error_message=message
    )


def choices_constraint(
    field: str, choices: type[models.Choices], *, name: str, nullable: bool = False
) -> models.CheckConstraint:
    """A CHECK that keeps `field` within its declared choices, whoever writes the row."""
    condition = models.Q(**{f"{field}__in": choices.values})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    allowed = ", ".join(str(value) for value in choices.values)
    return check_constraint(condition, name=name, message=f"{field} must be one of: {allowed}.")


class ConstraintMessagesOnFields(models.Model):
    """Show a violated CHECK constraint's message next to the field it is about.

    Django reports constraint violations as form-wide errors; `constraint_fields` names, for
    each constraint, the field an analyst has to correct, so the admin and the API put the
    message where it helps.
    """

    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(self.errors_on_fields(error, exclude or set())) from error

    def errors_on_fields(
        self, error: ValidationError, exclude: set[str]
    ) -> dict[str, list[ValidationError]]:
        """Constraint violations (`error`) by the field each is shown on."""
        by_field: dict[str, list[ValidationError]] = {}
        for field, errors in error.update_error_dict({}).items():
            for item in errors:
                target = self.constraint_fields.get(getattr(item, "code", None) or "", field)
                if target in exclude:  # a form without that field shows the message on top
                    target = field
                by_field.setdefault(target, []).append(item)
        return by_field


def field_of(model: type[models.Model], name: str) -> models.Field:
    """`model`'s field `name`, for what only a field has (a column, a max_length).

    `_meta.get_field` also answers with reverse relations; asking for one here is a mistake.
    """
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a field.")
    return model_field


def max_length(model: type[models.Model], name: str) -> int:
    """The length a text written into `model`'s field `name` is cut to."""
    length = field_of(model, name).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length.")
    return length
