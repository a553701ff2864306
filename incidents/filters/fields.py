"""Form fields that read one filter parameter: lists of values, records, places.

A multi-value parameter takes repeated parameters and comma-separated lists alike
(`?country=IRQ,SYR` is `?country=IRQ&country=SYR`); each item is checked on its own and every
bad item is reported, quoted, under the parameter's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_filters.fields import IsoDateTimeField

from geo import gazetteer
from geo.areas import Box, Circle
from incidents.querysets import LinkedRecordQuerySet

# The largest primary key a BigAutoField holds; a larger number can name no record.
MAX_ID = 2**63 - 1
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def invalid(message: str, **values: Any) -> ValidationError:
    """An error whose message quotes `values` as %(name)s, so that a % in them is harmless."""
    return ValidationError(message, params=values)


# -- Reading several values from one parameter ------------------------------------------------


class ListWidget(forms.TextInput):
    """Reads every occurrence of a parameter (`?p=a&p=b`), not only the last one."""

    def value_from_datadict(self, data, files, name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return name not in data

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return ",".join(str(item) for item in value)
        return super().format_value(value)


class ListField(forms.Field):
    """The items of every occurrence of a parameter, each a comma-separated list.

    Items are parsed as CSV, so `"Smith, John",Doe` is two items. `item` turns one item's
    text into its value or raises ValidationError; duplicates are dropped.
    """

    widget = ListWidget

    def __init__(self, *, item: Callable[[str], Any] = str, **kwargs: Any) -> None:
        self.item = item
        super().__init__(**kwargs)

    def to_python(self, values: list[str] | None) -> list[str]:
        items: list[str] = []
        for value in values or []:
            if "\x00" in value:  # PostgreSQL cannot even compare text with a NUL in it
                raise ValidationError("Null characters are not allowed.")
            try:
                row = next(csv.reader([value.strip()], skipinitialspace=True, strict=True), [])
            except csv.Error as error:
                raise invalid(
                    "“%(value)s” is not a comma-separated list (%(error)s).",
                    value=value,
                    error=error,
                ) from error
            items += [item.strip() for item in row if item.strip()]
        return list(dict.fromkeys(items))

    def clean(self, value: list[str] | None) -> list[Any]:
        items = self.to_python(value)
        self.validate(items)
        cleaned, errors = [], []
        for item in items:
            try:
                cleaned.append(self.item(item))
            except ValidationError as error:
                errors += error.error_list
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(cleaned))


def choice(choices: Sequence[tuple[str, Any]], what: str) -> Callable[[str], str]:
    """An item parser that accepts only the given choices' values."""
    allowed = [value for value, _ in choices]

    def parse(text: str) -> str:
        if text not in allowed:
            raise invalid(
                "“%(text)s” is not %(what)s. Use one of: %(allowed)s.",
                text=text,
                what=what,
                allowed=one_of(allowed),
            )
        return text

    return parse


def country_code(text: str) -> str:
    code = text.upper()
    if not gazetteer.country_name(code):
        raise invalid("“%(text)s” is not an ISO 3166-1 alpha-3 country code, e.g. IRQ.", text=text)
    return code


def admin1_code(text: str) -> str:
    code = text.upper()
    if not gazetteer.admin1_name(code):
        raise invalid("“%(text)s” is not an ISO 3166-2 area code, e.g. IQ-AN.", text=text)
    return code


def record_id(text: str) -> int | None:
    """The primary key `text` spells, or None when it is not a whole number."""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text)


class ChoiceListField(ListField):
    def __init__(self, *, choices: Sequence[tuple[str, Any]], what: str, **kwargs: Any) -> None:
        super().__init__(item=choice(choices, what), **kwargs)


class RecordListField(ListField):
    """Records named by id and/or by a unique readable key; one that names none is an error.

    With `public_only` (set by the form for readers who do not see every status), a record
    no public incident names counts as none: it answers like an unknown one, so that the
    answer does not tell that it exists (LinkedRecordQuerySet.public()).
    """

    public_only = False

    def __init__(
        self, *, model: type[models.Model], by_id: bool = True, key: str | None = None, **kwargs
    ) -> None:
        self.model, self.by_id, self.key = model, by_id, key
        super().__init__(**kwargs)

    def records(self) -> models.QuerySet:
        records: LinkedRecordQuerySet = LinkedRecordQuerySet(self.model)
        return records.public() if self.public_only else records

    def clean(self, value: list[str] | None) -> list[int]:
        items = super().clean(value)
        if not self.key:
            self._refuse_non_ids(items)
        found = self._lookup(items) if items else {}
        unknown = [item for item in items if item not in found]
        if unknown:
            raise ValidationError([self._unknown_message(item) for item in unknown])
        return sorted(set(found.values()))

    def _refuse_non_ids(self, items: list[str]) -> None:
        name = self.model._meta.verbose_name
        wrong = [
            invalid("“%(item)s” is not a %(name)s id (a whole number).", item=item, name=name)
            for item in items
            if record_id(item) is None
        ]
        if wrong:
            raise ValidationError(wrong)

    def _lookup(self, items: list[str]) -> dict[str, int]:
        """Each item that names a record → the record's id; an id wins over a name."""
        ids = {item: record_id(item) for item in items} if self.by_id else {}
        condition = Q(pk__in=[pk for pk in ids.values() if pk is not None and pk <= MAX_ID])
        if self.key:
            condition |= Q(**{f"{self.key}__in": items})
        records = self.records().filter(condition)
        keys = dict(records.values_list("pk", self.key or "pk"))
        pks = {key: pk for pk, key in keys.items()} if self.key else {}
        found: dict[str, int] = {}
        for item in items:
            pk = ids.get(item)
            if pk is not None and pk in keys:
                found[item] = pk
            elif item in pks:
                found[item] = pks[item]
        return found

    def _unknown_message(self, item: str) -> ValidationError:
        kind = {(True, True): "id or name", (True, False): "id", (False, True): "name"}
        return invalid(
            "No %(model)s has the %(kind)s “%(item)s”.",
            model=self.model._meta.verbose_name,
            kind=kind[(self.by_id, bool(self.key))],
            item=item,
        )


# -- Places: bounding boxes and circles -------------------------------------------------------


def _numbers(text: str, names: Sequence[str]) -> list[float]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != len(names):
        raise ValidationError(
            f"Expected {len(names)} comma-separated numbers ({','.join(names)}), got {len(parts)}."
        )
    numbers = []
    for name, part in zip(names, parts, strict=True):
        try:
            number = float(part)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise invalid("%(name)s “%(part)s” is not a number.", name=name, part=part)
        numbers.append(number)
    return numbers


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValidationError(f"{name} {value:g} is outside {low:g} to {high:g}.")


class BoxField(forms.CharField):
    def clean(self, value: str | None) -> Box | None:
        text = super().clean(value)
        if not text:
            return None
        min_lon, min_lat, max_lon, max_lat = _numbers(
            text, ["min_lon", "min_lat", "max_lon", "max_lat"]
        )
        for name, number in (("min_lon", min_lon), ("max_lon", max_lon)):
            _check_range(name, number, -180, 180)
        for name, number in (("min_lat", min_lat), ("max_lat", max_lat)):
            _check_range(name, number, -90, 90)
        if min_lat > max_lat:
            raise ValidationError(f"min_lat {min_lat:g} is north of max_lat {max_lat:g}.")
        return Box(min_lon, min_lat, max_lon, max_lat)


class CircleField(forms.CharField):
    def clean(self, value: str | None) -> Circle | None:
        text = super().clean(value)
        if not text:
            return None
        lat, lon, radius_km = _numbers(text, ["lat", "lon", "radius_km"])
        _check_range("lat", lat, -90, 90)
        _check_range("lon", lon, -180, 180)
        if radius_km <= 0:
            raise ValidationError(f"radius_km must be greater than 0, got {radius_km:g}.")
        return Circle(lat, lon, radius_km)


class WholeNumberField(forms.IntegerField):
    """A whole number written in ASCII digits: Django's field also reads `1.0` as 1, and `٣`
    (an Arabic-Indic three) as 3, which no schema of an integer parameter allows."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() and not WHOLE_NUMBER.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, read as the UTC moment it names.

    Python takes offsets up to ±23:59, PostgreSQL only up to ±15:59: a query must not carry
    the offset it was written with. A moment before year 1 in UTC names nothing storable.
    """

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
