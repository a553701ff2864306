"""One spelling of a source's address, so that two spellings of it find the same source.

The import matches sources by it (csvio.imports.match), and Source keeps it (`url_key`) so
that the match is one indexed lookup.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised_url(url: str) -> str:
    """`url` with its scheme and host in lower case, and without a default port, a trailing
    slash, utm_* (tracking) parameters or a fragment; the path and the other parameters are
    kept as written. Text that is not an absolute URL is given back trimmed."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # a port that is not a number, a malformed IPv6 host
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        netloc = netloc.rsplit(":", 1)[0]
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith("utm_")
    )
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), query, ""))
