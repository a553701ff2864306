"""Pieces every Tessera API endpoint shares: errors, validation, brief forms, search, and the
refusal of query parameters that nothing reads."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Model, ProtectedError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, filters, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import preserve_builtin_query_params
from rest_framework.reverse import reverse as drf_reverse
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.query import query_flag
from core.site_urls import absolute_url

if TYPE_CHECKING:
    # What the mixins below are mixed into.
    _ModelSerializer = serializers.ModelSerializer[Any]
    _GenericViewSet = viewsets.GenericViewSet
else:
    _ModelSerializer = _GenericViewSet = object


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Send If-Match with the ETag of the version you are changing (from a GET), "
        "so that no one else's change is overwritten."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def require_if_match(request, etag: str, changed_since: str) -> None:
    """Let an unsafe request through only if it names the current version (RFC 9110 If-Match).

    `changed_since` explains a stale ETag to the client (who changed the record, and when).
    """
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    # A weak tag never matches: If-Match compares strongly.
    tags = {tag.strip() for tag in header.split(",")}
    if "*" not in tags and etag not in tags:
        raise PreconditionFailed(
            f"The record changed since you read it ({changed_since}); its ETag is now {etag}. "
            "Read it again and reapply your change."
        )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus the model-level errors that would otherwise be a 500."""
    if isinstance(exc, ProtectedError):
        used_by = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = Conflict(f"Still referred to by {', '.join(used_by)}; it cannot be deleted.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_as_drf_detail(exc))
    return drf_exception_handler(exc, context)


def _as_drf_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


class QSearchFilter(filters.SearchFilter):
    """DRF's search, under the parameter name the whole API uses for text: `q`."""

    search_param = "q"
    search_title = "Search"
    search_description = "Words to find (all must match, case-insensitive)."


class BriefRelatedField(serializers.PrimaryKeyRelatedField):
    """Written as an id, read as the related object's brief form."""

    def __init__(self, brief_serializer: type[serializers.Serializer], **kwargs: Any) -> None:
        self.brief_serializer = brief_serializer
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value: Any) -> dict[str, Any]:
        # One serializer for every row: building one per value dominated list pages.
        if not hasattr(self, "_brief"):
            self._brief = self.brief_serializer(context=self.context)
        return self._brief.to_representation(value)

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        # The browsable API's form keys its choices by representation, here a dict; the id
        # is what a client writes.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


def site_reverse(viewname: str, *args: Any, request: Any = None, **kwargs: Any) -> str:
    """DRF's reverse(), as an absolute URL on the site's base (core.site_urls)."""
    path = drf_reverse(viewname, *args, **kwargs)  # without the request: a path
    return preserve_builtin_query_params(absolute_url(path), request)


class SelfLinkField(serializers.HyperlinkedIdentityField):
    """An object's own API URL (`url`), built on the site's base like every URL Tessera
    writes, rather than on the request's host."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # DRF's hook for how a related field builds its URLs.
        self.reverse = site_reverse


class KeyRelatedField(serializers.SlugRelatedField):
    """A record named by a unique text key (`slug_field`), such as an incident's public id.

    A NUL character is refused before the lookup: PostgreSQL's driver raises on text holding
    one, where DRF's text fields refuse it with this message.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(ProhibitNullCharactersValidator.message)
        return super().to_internal_value(data)


class ModelValidationMixin(_ModelSerializer):
    """Run the model's own validation (clean() and constraints) on API writes.

    The admin, the API and imports then enforce one set of rules, defined on the model.
    """

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[Model] = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        columns = {field.name for field in model._meta.concrete_fields}
        # Validate a copy, so that a refused write leaves the instance as it was.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for key, value in attrs.items():
            if key in columns:  # related rows (actors, citations, tags) are checked apart
                setattr(candidate, key, value)
        try:
            candidate.full_clean(exclude=many_to_many | self._unvalidated_fields())
        except DjangoValidationError as error:
            raise serializers.ValidationError(_as_drf_detail(error)) from error
        return attrs

    def _unvalidated_fields(self) -> set[str]:
        """Model fields this serializer does not write; the model fills them itself."""
        return set(getattr(self.Meta, "model_validation_exclude", ()))


class LinesField(serializers.ListField):
    """A text field holding one entry per line (aliases, alternate names), as a JSON list."""

    child = serializers.CharField(max_length=200)

    # A list in JSON, one text column in the model: the types differ from ListField's.
    def to_representation(self, text: str) -> list[str]:  # type: ignore[override]
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def to_internal_value(self, data: Any) -> str:  # type: ignore[override]
        entries = super().to_internal_value(data)
        if any("\n" in entry for entry in entries):
            raise serializers.ValidationError("An entry cannot span lines.")
        return "\n".join(entry.strip() for entry in entries if entry.strip())


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The known name that `name` most likely misspells, if any is close."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return close[0] if close else None


def unknown_parameter(name: str, known: Iterable[str]) -> str:
    """Why `name` is refused, with the known name it most likely misspells."""
    known = sorted(known)
    if close := closest_name(name, known):
        return f"Unknown parameter — did you mean {close}?"
    return f"Unknown parameter. Known: {', '.join(known)}."


def parameters_read_by(component: Any, view: Any) -> set[str]:
    """The query parameters a filter backend or a paginator reads, as it declares them: a
    django-filter backend by its FilterSet's filters, the others in their OpenAPI parameters."""
    if isinstance(component, DjangoFilterBackend):
        filterset = component.get_filterset_class(view)
        return set(filterset.base_filters) if filterset is not None else set()
    return {parameter["name"] for parameter in component.get_schema_operation_parameters(view)}


class StrictQueryParameters(_GenericViewSet):
    """A read of a list (its pages, an export, a count) refuses a query parameter it does not
    read, naming it: a misspelt filter (`contry=XYZ`) would otherwise be ignored and every row
    would answer.

    What a read knows is what its parts declare, so that no list of names is kept by hand:
    `format`, its filter backends' and its paginator's parameters, and the view's own for the
    action (`query_parameters`, the OpenApiParameters its schema shows). One record's address
    (a detail) is left alone.
    """

    query_parameters: Mapping[str, Sequence[OpenApiParameter]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and not self.detail:
            known = self.known_query_parameters()
            unknown = [name for name in request.query_params if name not in known]
            if unknown:
                raise exceptions.ValidationError(
                    {name: [unknown_parameter(name, known)] for name in unknown}
                )

    def known_query_parameters(self) -> set[str]:
        known = {api_settings.URL_FORMAT_OVERRIDE or "format"}
        known |= {parameter.name for parameter in self.query_parameters.get(self.action, ())}
        for backend in self.filter_backends:
            known |= parameters_read_by(backend(), self)
        if self.paginator is not None:
            known |= parameters_read_by(self.paginator, self)
        return known


BRIEF_PARAMETER = OpenApiParameter(
    "brief",
    OpenApiTypes.BOOL,
    description="`1` returns the brief form of each row (for autocomplete).",
)


class BriefListMixin(StrictQueryParameters):
    """`?brief=1` on a list returns the brief form, for autocomplete widgets (the schema
    documents the parameter and the brief pages: core.schema)."""

    brief_serializer_class: type[serializers.Serializer]
    query_parameters = {"list": [BRIEF_PARAMETER]}

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "list" and query_flag(self.request.query_params, "brief"):
            return self.brief_serializer_class
        return super().get_serializer_class()
