"""`sitemap.xml`: the public pages and every public record's permalink, with its last change.

The index (`/sitemap.xml`) lists one sitemap per section, the records' in pages by id range:
page p (`/sitemap-incidents.xml?p=3`) holds the public records whose id lies in
((p - 1) × `IncidentSitemap.limit`, p × limit]. A page is read through the primary key's index
like the first, however deep, where page numbers counted in rows would skip (OFFSET) every
record before; a record stays on its page as others come and go, and the index lists only the
pages that hold records, each with its own last change, in one query. Every location, the
index's too, is built on the site's base (core.site_urls: TESSERA_BASE_URL, else the
request's own host), as permalinks are everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import F, Max
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, reverse

from core.site_urls import absolute_url, base_url
from incidents.models import Incident
from incidents.querysets import IncidentQuerySet

PAGES = ["home", "incident-explorer", "about", "codebook", "methodology"]
SECTION_URL_NAME = "django.contrib.sitemaps.views.sitemap"


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

    def index_pages(self) -> list[tuple[int, dt.datetime | None]]:
        """The section's pages the index lists: each page's number and last change."""
        return [(1, None)]


class PagesSitemap(OnSiteBase):
    def items(self) -> list[str]:
        return PAGES

    def location(self, item: str) -> str:
        return self.path(item)


@dataclass(frozen=True)
class IdRangePage:
    object_list: IncidentQuerySet


@dataclass(frozen=True)
class IdRangePages:
    """The pages of `items` by id, `size` ids to a page (see the module's docstring); what
    Sitemap asks of a paginator."""

    items: IncidentQuerySet
    size: int

    def page(self, number: int | str) -> IdRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(str(number)) from error
        if number < 1:
            raise EmptyPage(str(number))
        rows = self.items.filter(pk__gt=(number - 1) * self.size, pk__lte=number * self.size)
        # The first page exists, empty, while there is no record; another only with records.
        if number > 1 and not rows:
            raise EmptyPage(str(number))
        return IdRangePage(rows)

    def numbers(self) -> list[tuple[int, dt.datetime | None]]:
        """The pages that hold records, each with its latest change, in one query."""
        pages = (
            self.items.order_by()
            .annotate(page=(F("pk") - 1) / self.size + 1)
            .values("page")
            .annotate(lastmod=Max("updated_at"))
            .order_by("page")
        )
        return [(row["page"], row["lastmod"]) for row in pages] or [(1, None)]


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

    @property
    def paginator(self) -> IdRangePages:  # type: ignore[override]
        return IdRangePages(self.items(), self.limit)

    def location(self, item: Incident) -> str:
        return self.path("incident-page", item.public_id)

    def lastmod(self, item: Incident) -> dt.datetime:
        return item.updated_at

    def index_pages(self) -> list[tuple[int, dt.datetime | None]]:
        return self.paginator.numbers()


@dataclass(frozen=True)
class IndexEntry:
    """One sitemap in the index, as Django's sitemap_index.xml template reads it."""

    location: str
    last_mod: dt.datetime | None


SITEMAPS: dict[str, type[OnSiteBase]] = {"pages": PagesSitemap, "incidents": IncidentSitemap}


@x_robots_tag
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """`/sitemap.xml`: each section's pages (Django's index would count records, and build
    its locations on the request's host whatever TESSERA_BASE_URL says)."""
    entries = []
    for section, sitemap in SITEMAPS.items():
        location = absolute_url(reverse(SECTION_URL_NAME, kwargs={"section": section}))
        for page, lastmod in sitemap().index_pages():
            url = location if page == 1 else f"{location}?p={page}"
            entries.append(IndexEntry(url, lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
