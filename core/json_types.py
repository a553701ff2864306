"""A JSON body's values are taken only in the JSON type the schema documents for their field.

DRF converts generously: a text field takes 5 as "5", a number field takes "5" as 5, a list of
related ids takes an object (as its keys). A client that sent the wrong type would then get a
record other than the one it meant, and the API would accept what its schema says it refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from rest_framework import serializers

if TYPE_CHECKING:
    _Serializer = serializers.Serializer
else:
    _Serializer = object

TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    Mapping: "an object",
}
TEXT_FIELDS = (
    serializers.CharField,
    serializers.SlugRelatedField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
)
LIST_FIELDS = (
    serializers.ListField,
    serializers.ListSerializer,
    serializers.ManyRelatedField,
    serializers.MultipleChoiceField,
)


class JSONTypesMixin(_Serializer):
    """Refuse, by field, a value whose JSON type is not the field's (a 400 naming it)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            for field in self._writable_fields:
                name = field.field_name
                if name is not None and name in data and (problem := type_error(field, data[name])):
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def type_error(field: serializers.Field, value: Any) -> str | None:
    """Why `value` has the wrong JSON type for `field` (None: it has the right one, or the
    field takes any; null is left to the field, which knows whether it takes it)."""
    expected = json_types(field)
    if value is None or expected is None:
        return None
    if isinstance(value, bool) != (bool in expected) or not isinstance(value, expected):
        return f"Must be {TYPE_NAMES[expected[0]]}."
    item_field = _item_field(field)
    if item_field is not None:
        for item in cast(list[Any], value):
            if problem := type_error(item_field, item):
                return f"Each item: {problem[0].lower()}{problem[1:]}"
    return None


def json_types(field: serializers.Field) -> tuple[type, ...] | None:
    """The Python types of the JSON values `field` takes, as the schema documents it."""
    if isinstance(field, LIST_FIELDS):
        return (list,)
    if isinstance(field, serializers.BaseSerializer):
        return (Mapping,)
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return (int,) if kinds == {int} else (str,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (float, int)
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        records = field.get_queryset()
        if records is None:
            return None
        return (int,) if isinstance(records.model._meta.pk, models.IntegerField) else (str,)
    if isinstance(field, TEXT_FIELDS):
        return (str,)
    return None  # JSON fields and others take any value


def _item_field(field: serializers.Field) -> serializers.Field | None:
    if isinstance(field, serializers.ListField):
        return field.child
    if isinstance(field, serializers.ManyRelatedField):
        return field.child_relation
    return None
