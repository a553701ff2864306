"""Error answers: a JSON body under /api/, Django's HTML pages elsewhere.

DRF answers the errors its views raise; these views (handler400, handler404 and handler500 in
config/urls.py) answer the rest: unknown URLs, and exceptions no view handled. A database that
cannot be reached is a 503 with Retry-After, since it usually comes back by itself.
"""

from __future__ import annotations

import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults

API_ROOT = "/api"
# The database was seen back within seconds after a restart; clients may retry soon.
RETRY_AFTER_SECONDS = 5
# The driver's errors for a database it cannot reach, or that cancelled the query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


# The body of every error answer under /api/ (DRF's and this module's), as the OpenAPI schema
# documents it: `detail` says what went wrong; a refused request instead names each bad
# parameter or field with its messages.
ERROR_BODY_SCHEMA = {
    "type": "object",
    "description": "`detail` says what went wrong. A refused request (400) names instead each "
    "bad parameter or field with a list of messages (`non_field_errors` for the request as a "
    "whole); a nested field's messages nest the same way, by field or by position in a list.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {}}, {"type": "object", "additionalProperties": True}]
    },
}


def is_api(request: HttpRequest) -> bool:
    path = request.path_info
    return path == API_ROOT or path.startswith(f"{API_ROOT}/")


def error_response(
    request: HttpRequest, status: int, detail: str, *, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    """`detail` as `{"detail": ...}` under /api/, as DRF's errors (or `errors`, messages by
    parameter, as its validation errors), else as a small HTML page."""
    if is_api(request):
        return JsonResponse(errors or {"detail": detail}, status=status)
    title = f"{HTTPStatus(status).phrase} ({status})"
    return HttpResponse(f"<h1>{title}</h1><p>{escape(detail)}</p>", status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(request, 400, "Bad request.")
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(request, 404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this view while handling the exception, so the exception is at hand.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        response = error_response(
            request, 503, "The database is unavailable for a moment. Try again shortly."
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)
