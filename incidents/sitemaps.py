"""`sitemap.xml`: the public pages and every public record's permalink, with its last change.

The index (`/sitemap.xml`) lists one sitemap per section, the records' in pages of
`IncidentSitemap.limit` (`/sitemap-incidents.xml?p=2`). Locations are built on the site's base
(core.site_urls), as permalinks are everywhere else.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import get_script_prefix, reverse

from core.site_urls import base_url
from incidents.models import Incident
from incidents.querysets import IncidentQuerySet

PAGES = ["home", "incident-explorer", "about", "codebook", "methodology"]


class OnSiteBase(Sitemap):
    """Locations on core.site_urls' base (TESSERA_BASE_URL, else the request's own)."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(base_url()).scheme

    def get_domain(self, site: object = None) -> str:
        base = urlsplit(base_url())
        return base.netloc + base.path

    def path(self, route: str, *args: str) -> str:
        # The base holds any path prefix already.
        return "/" + reverse(route, args=args).removeprefix(get_script_prefix())


class PagesSitemap(OnSiteBase):
    def items(self) -> list[str]:
        return PAGES

    def location(self, item: str) -> str:
        return self.path(item)


class IncidentSitemap(OnSiteBase):
    """Every public record's permalink; a merged duplicate's redirects, so it is left out."""

    limit = 10_000

    def items(self) -> IncidentQuerySet:
        return (
            Incident.objects.public()
            .filter(duplicate_of=None)
            .order_by("pk")
            .only("public_id", "updated_at")
        )

    def location(self, item: Incident) -> str:
        return self.path("incident-page", item.public_id)

    def lastmod(self, item: Incident) -> dt.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> dt.datetime | None:
        # One query, where Sitemap's own would read every record.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {"pages": PagesSitemap, "incidents": IncidentSitemap}
