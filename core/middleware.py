"""Middleware that refuses what no view can take."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse

from core.errors import error_response

NUL = "\x00"


class RefuseNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query string, headers or
    cookies, before anything reads them.

    PostgreSQL cannot store or even compare text holding NUL: its driver raises on any query
    that carries one, so each lookup by a URL part, filter, search term or session cookie
    would be a 500. HTTP does not allow NUL in header values either (RFC 9110, 5.5). Bodies
    are left to the forms and serializers, whose text fields refuse NUL with a message on the
    field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if parameter := parameter_with_nul(request):
            # Named as the API names any bad parameter value.
            message = str(ProhibitNullCharactersValidator.message)
            detail = f"Null characters are not allowed in the “{parameter}” parameter."
            return error_response(request, 400, detail, errors={parameter: [message]})
        if where := nul_in(request):
            detail = f"Null characters (%00) are not allowed in {where}."
            return error_response(request, 400, detail)
        return self.get_response(request)


def parameter_with_nul(request: HttpRequest) -> str | None:
    """The name of the first query parameter whose value holds a NUL character."""
    for name, values in request.GET.lists():
        if NUL not in name and any(NUL in value for value in values):
            return name
    return None


def nul_in(request: HttpRequest) -> str | None:
    """Which part of the request holds a NUL character, if any."""
    if NUL in request.path_info:
        return "the path"
    if NUL in unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace"):
        return "the query string"
    for key, value in request.META.items():
        if key.startswith("HTTP_") and NUL in str(value):
            return f"the {key.removeprefix('HTTP_').replace('_', '-').title()} header"
    for name, value in request.COOKIES.items():
        if NUL in name or NUL in value:
            return "a cookie"
    return None
