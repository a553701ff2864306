"""The OpenAPI schema: drf-spectacular's reading of the views, plus what it cannot see in them.

drf-spectacular describes each operation from its serializers, filters and paginator. This
module adds, for every operation alike, what the shared machinery does around them:

- who may call it anonymously (the permissions, asked as an anonymous client would be);
- query parameters sent empty, which every view reads as not sent (`admit_empty_value`);
- related records read as their brief objects and written as ids (`BriefRelatedField`);
- `?brief=1` lists (`BriefListMixin`), answered with pages of the brief form;
- the CSV and GeoJSON downloads (`core.renderers`), which are not the serializer's JSON;
- the errors every operation may answer, in the one body `core.errors` describes;
- texts that may be empty or else match a format (a URL), as either (`empty_text_as_any_of`);
- links from an operation that answers with a record to the operations on that record, which
  clients (and stateful tests) follow to chain calls, the ETag travelling as If-Match.
"""

from __future__ import annotations

import copy
import re
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_array_type, get_lib_doc_excludes
from rest_framework import permissions
from rest_framework.request import Request

from core.api import BRIEF_PARAMETER, BriefListMixin, ModelValidationMixin
from core.errors import ERROR_BODY_SCHEMA
from core.json_types import JSONTypesMixin
from core.renderers import CSVRenderer, GeoJSONRenderer

# A GeoJSON Point geometry: every feature Tessera writes is one.
POINT = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "description": "Longitude, latitude (WGS84).",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
        },
    },
}
# What a streamed download holds, in place of the serializer's JSON.
FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946): one Point feature per record, "
    "its columns as the feature's properties.",
    "required": ["type", "features"],
    "properties": {
        # Not an enum: drf-spectacular lifts a component's enums into components of their own.
        "type": {"type": "string", "pattern": "^FeatureCollection$"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": POINT,
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
    },
}
STREAMED_BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    CSVRenderer.media_type: (
        "CSVFile",
        {"type": "string", "description": "A CSV file: a header row, then one row per record."},
    ),
    GeoJSONRenderer.media_type: ("FeatureCollection", FEATURE_COLLECTION),
}

ERROR_COMPONENT = "Error"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
# Which of these an operation may answer is read from the operation itself (`error_statuses`).
ERRORS = {
    400: "A parameter or field is refused; each is named with its messages.",
    401: "The credentials sent are not valid, or the operation needs them.",
    403: "The user's role does not allow this.",
    404: "There is no such record, or the reader may not see it.",
    406: "The Accept header names no format this operation offers.",
    409: "The record's state does not allow this (such as: other records still refer to it).",
    412: "The record changed since the version named in If-Match.",
    415: "The body is in a format this operation does not read (send JSON).",
    428: "If-Match is missing: name the version being changed (its ETag, from a GET).",
    429: "Too many requests; Retry-After says when to try again.",
    503: "The database is unavailable for a moment; Retry-After says when to try again.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with what the shared API machinery adds (module docstring)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                admit_empty_value(parameter)
        responses = operation["responses"]
        if self._lists_briefly():
            self._add_brief_pages(responses)
        self._describe_streamed_bodies(responses)
        self._add_errors(operation)
        operation["responses"] = dict(sorted(operation["responses"].items()))
        return operation

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self._lists_briefly():
            parameters.append(BRIEF_PARAMETER)
        return parameters

    def _lists_briefly(self) -> bool:
        return isinstance(self.view, BriefListMixin) and self._is_list_view()

    def get_auth(self) -> list[dict[str, Any]]:
        auth = super().get_auth()
        if {} not in auth and self._anonymous_may_call():
            auth.append({})  # security requirements: any one of them, or none at all
        return auth

    def _anonymous_may_call(self) -> bool:
        """What the view's permissions answer a client that sends no credentials."""
        request = HttpRequest()
        request.method = self.method
        anonymous = Request(request)
        anonymous.user = AnonymousUser()
        checks = self.view.get_permissions()
        return all(check.has_permission(anonymous, self.view) for check in checks)

    def _add_brief_pages(self, responses: dict[str, Any]) -> None:
        view = cast(BriefListMixin, self.view)
        brief = self.resolve_serializer(view.brief_serializer_class, "response")
        rows = build_array_type(brief.ref)
        page = ResolvedComponent(
            name=f"Paginated{brief.name}List",
            type=ResolvedComponent.SCHEMA,
            schema=view.paginator.get_paginated_response_schema(rows) if view.paginator else rows,
            object=f"Paginated{brief.name}List",
        )
        self.registry.register_on_missing(page)
        for content in responses["200"]["content"].values():
            content["schema"] = {
                "anyOf": [content["schema"], page.ref],
                "description": "Pages of the full form, or with `brief=1` of the brief form.",
            }

    def _describe_streamed_bodies(self, responses: dict[str, Any]) -> None:
        for code, response in responses.items():
            if not code.startswith("2"):
                continue
            for media_type, content in response.get("content", {}).items():
                if media_type in STREAMED_BODIES:
                    name, schema = STREAMED_BODIES[media_type]
                    content["schema"] = self._component(name, schema)

    def _add_errors(self, operation: dict[str, Any]) -> None:
        error = self._component(ERROR_COMPONENT, ERROR_BODY_SCHEMA)
        for status in error_statuses(self.method, operation):
            response: dict[str, Any] = {
                "description": ERRORS[status],
                "content": {"application/json": {"schema": error}},
            }
            if status in (429, 503):
                response["headers"] = RETRY_AFTER
            operation["responses"].setdefault(str(status), response)

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        # A copy: the postprocessing hooks edit the components in place.
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=copy.deepcopy(schema), object=name
        )
        self.registry.register_on_missing(component)
        return component.ref


def admit_empty_value(parameter: dict[str, Any]) -> None:
    """Document that the views read a query parameter sent empty as not sent, and drop the empty
    items of a list (`country=IRQ,` is `country=IRQ`).

    A list says so in its items rather than with `allowEmptyValue`: that keyword would make its
    schema one of two (the list, or the empty text), and a single text is a valid list on the
    wire (`publisher=Reuters`), which fuzzers would take for a value outside both.
    """
    schema = parameter["schema"]
    if schema.get("type") != "array":
        parameter["allowEmptyValue"] = True
    elif "" not in schema["items"].get("enum", [""]):
        schema["items"] = {**schema["items"], "enum": ["", *schema["items"]["enum"]]}


def lib_doc_excludes() -> list[type]:
    """drf-spectacular's classes whose docstrings describe no operation or component, and the
    shared mixins: theirs say how the API works, not what a view or a record is."""
    return [*get_lib_doc_excludes(), JSONTypesMixin, ModelValidationMixin, BriefListMixin]


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses `operation` may answer, read from what it takes and who may call it."""
    parameters = operation.get("parameters", [])
    places = {parameter["in"] for parameter in parameters}
    headers = {parameter["name"].lower() for parameter in parameters if parameter["in"] == "header"}
    takes_body = "requestBody" in operation
    return [
        *([400] if "query" in places or takes_body else []),
        401,  # a bad token is refused wherever it is sent
        *([403] if method not in permissions.SAFE_METHODS else []),
        *([404] if "path" in places else []),
        406,
        *([409] if method == "DELETE" else []),  # core.api: a record still referred to
        *([412, 428] if "if-match" in headers else []),
        *([415] if takes_body else []),
        429,
        503,
    ]


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A `BriefRelatedField` is written as the record's id and read as its brief form."""

    target_class = "core.api.BriefRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return auto_schema.resolve_serializer(self.target.brief_serializer, direction).ref


def link_operations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: link each response that holds a record to the operations on it.

    A record's operations are those under its collection's path followed by a parameter that
    the response's body holds (`/incidents/` and `public_id` → `/incidents/{public_id}/…`).
    When the response carries the record's ETag and the operation wants If-Match, the link
    passes it on.
    """
    schemas = result.get("components", {}).get("schemas", {})
    paths = result["paths"]
    for path, operations in paths.items():
        collection = path.split("{", 1)[0]
        for operation in operations.values():
            for code, response in operation["responses"].items():
                if not code.startswith("2"):
                    continue
                fields = _body_fields(response, schemas)
                links = {
                    target["operationId"]: _link(target, parameter, response)
                    for target_path, parameter in _record_paths(paths, collection, fields)
                    for target in paths[target_path].values()
                }
                if links:
                    response["links"] = links
    return result


def _body_fields(response: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    reference = schema.get("$ref", "")
    if not reference.startswith("#/components/schemas/"):
        return set()
    component = schemas.get(reference.rsplit("/", 1)[1], {})
    return set(component.get("properties", {}))


def _record_paths(paths: dict[str, Any], collection: str, fields: set[str]):
    """(path, parameter) of the paths on one record of `collection`, named by one of `fields`."""
    record = re.compile(rf"^{re.escape(collection)}\{{(\w+)\}}/")
    for path in paths:
        match = record.match(path)
        if match and match.group(1) in fields:
            yield path, match.group(1)


def _link(target: dict[str, Any], parameter: str, response: dict[str, Any]) -> dict[str, Any]:
    values = {parameter: f"$response.body#/{parameter}"}
    wants_version = any(
        p["in"] == "header" and p["name"] == "If-Match" for p in target.get("parameters", [])
    )
    if wants_version and "ETag" in response.get("headers", {}):
        values["header.If-Match"] = "$response.header.ETag"
    return {"operationId": target["operationId"], "parameters": values}


EMPTY_TEXT = {"type": "string", "maxLength": 0}


def empty_text_as_any_of(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: a text that may be empty or else must match a format or a pattern
    (a URL, a Wikidata id) is either as `anyOf`, not as drf-spectacular's `oneOf`. A validator
    that ignores formats finds the empty text matching both, so `oneOf` would refuse it."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for field in component.get("properties", {}).values():
            if EMPTY_TEXT in field.get("oneOf", []):
                field["anyOf"] = field.pop("oneOf")
    return result
