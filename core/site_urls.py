"""The absolute URLs Tessera writes: permalinks, citations, the API's links, export cells.

Every one is built by `absolute_url()`, on one base:

- `TESSERA_BASE_URL` when it is set (e.g. `https://tessera.example.org`, with any path
  prefix): the address readers are given, whichever host or port a request came through;
- otherwise the base of the request being answered (its scheme, host, port and script
  prefix), so that a server on another port (`make run PORT=8201`) links to itself;
- outside any request (management commands), DEFAULT_BASE_URL.

`SiteURLMiddleware` makes the request's base known while the request is answered, including
while a streamed response (a CSV export) is written after the view has returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import get_script_prefix

# Where a management command's files link to when TESSERA_BASE_URL is unset: `make run`'s.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"

_request_base: ContextVar[str | None] = ContextVar("request_base", default=None)
_stored_base: ContextVar[str | None] = ContextVar("stored_base", default=None)


def base_url() -> str:
    """The base every absolute URL starts with, without a trailing slash."""
    return (
        _stored_base.get() or settings.TESSERA_BASE_URL or _request_base.get() or DEFAULT_BASE_URL
    )


def absolute_url(path: str) -> str:
    """`path`, as reverse() gives it, as an absolute URL on base_url()."""
    # reverse() puts the request's script prefix in front; the base holds any prefix already.
    return f"{base_url()}/{path.removeprefix(get_script_prefix()).lstrip('/')}"


def request_base(request: HttpRequest) -> str:
    """The base of URLs on the host, port and script prefix `request` came through."""
    return request.build_absolute_uri(get_script_prefix()).rstrip("/")


@contextmanager
def building_on(base: str) -> Iterator[None]:
    """Within the block, URLs are built on `base` (unless TESSERA_BASE_URL is set)."""
    token = _request_base.set(base)
    try:
        yield
    finally:
        _request_base.reset(token)


@contextmanager
def stored_on(mark: str) -> Iterator[None]:
    """Within the block, URLs are built on `mark` whatever the settings say: for text that is
    stored and has the base put in place of the mark when it is read."""
    token = _stored_base.set(mark)
    try:
        yield
    finally:
        _stored_base.reset(token)


def _streamed_on(base: str, chunks: Iterator) -> Iterator:
    """The chunks of a streamed response, each written with URLs built on `base`."""
    while True:
        with building_on(base):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


class SiteURLMiddleware:
    """Lets URLs written while answering a request be built on the request's own base."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.TESSERA_BASE_URL:
            return self.get_response(request)
        base = request_base(request)
        with building_on(base):
            response = self.get_response(request)
        if response.streaming and not response.is_async:  # type: ignore[attr-defined]
            # Written after this returns, by the server iterating the response.
            response.streaming_content = _streamed_on(base, iter(response.streaming_content))  # type: ignore[attr-defined]
        return response
