"""Who is asking: the client's address, as far as this deployment can trust it.

One rule for the API throttle and the login lockout alike.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, read from `X-Forwarded-For` only past trusted proxies.

    With no trusted proxy (the default) the header is the client's own say and is ignored:
    `REMOTE_ADDR` is the client. Behind TRUSTED_PROXY_COUNT proxies, each of which appends
    the address it was called from, the client is that many entries from the right; what lies
    further left was written by the client and is not believed.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = _valid(hops[-min(proxies, len(hops))])
            if address:
                return address
    # None for a request made in code, such as a test's force_login().
    return _valid(request.META.get("REMOTE_ADDR") or "")
