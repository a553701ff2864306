"""Reading query parameters the same way everywhere (imported by the paginators, which DRF's
settings load while `core.api`'s viewsets are still being defined)."""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework import exceptions, serializers


def query_flag(params: Mapping[str, str], name: str) -> bool:
    """The yes/no query parameter `name` (absent or empty: no); any other value than a yes or
    a no is a 400 naming it."""
    field = serializers.BooleanField(error_messages={"invalid": "Use 1 or 0 (true or false)."})
    try:
        return bool(field.run_validation(params.get(name) or False))
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({name: error.detail}) from error
