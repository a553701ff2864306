"""Nothing that only drafts hold reaches a reader: every endpoint and page, scanned.

Three kinds of check, for each reader (anonymous, researcher):
- every answer of a crawl of the API (lists to their last page, details, history, exports in
  every layout and format, the browsable API, OPTIONS) and of the public pages is searched
  for the secret word and the hidden incidents' public ids;
- a hidden record's URL answers exactly as a record that never existed does;
- a filter or search naming a hidden record or value answers exactly as one naming nothing
  does, so that no answer tells that it exists.
An analyst's controls show that each of those would find the planted records if it leaked.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from bench.acceptance.client import Answer, Session
from bench.acceptance.findings import Findings
from bench.acceptance.records import DAY, Planted

API = "/api/v1"
NO_SUCH_ID = 9_000_000_000_000
NO_SUCH_INCIDENT = "IRQ-2021-99999"
RECORD_LISTS = ("actors", "sources", "locations")
LAYOUTS = ("native", "acled", "ucdp")
# Pages a site like this often has, which Tessera has not (yet): each must answer 404.
NO_SUCH_PAGES = ("/sitemap.xml", "/feed/", "/rss/", "/search/", "/map/", "/incidents/")


def query(path: str, **params: object) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}"


def with_parameter(path: str, name: str, value: str) -> str:
    return query(path, **{name: value})


@dataclass
class Scan:
    """The answers one reader got, searched for what must not be there."""

    reader: str
    session: Session
    markers: dict[str, re.Pattern[bytes]]  # what must not be there, and how to find it
    requests: int = 0
    scanned_bytes: int = 0
    leaks: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def get(self, path: str, method: str = "GET", **headers: str) -> Answer:
        answer = self.session.request(method, path, headers=headers)
        self.requests += 1
        self.statuses[answer.status] += 1
        self.scanned_bytes += len(answer.body)
        text = answer.body.lower() + str(answer.headers).lower().encode()
        for marker, pattern in self.markers.items():
            if pattern.search(text):
                self.leaks.append(f"{method} {path} holds {marker!r}")
        if answer.status >= 500:
            self.server_errors.append(f"{method} {path}: {answer.status}")
        return answer

    def every_page(self, path: str, pages: int = 10_000) -> int:
        """Follow `next` to the last page (or `pages` pages); the number of rows read."""
        rows = 0
        while path and pages > 0:
            pages -= 1
            answer = self.get(path)
            if answer.status != 200:
                self.server_errors.append(f"GET {path}: {answer.status}")
                return rows
            page = answer.json()
            rows += len(page["results"])
            link = page.get("next")
            path = local(link) if link else ""
        return rows


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def markers(planted: Planted) -> dict[str, re.Pattern[bytes]]:
    # A public id is followed by no digit: IRQ-2021-00012 is not IRQ-2021-000123.
    return {
        marker: re.compile(re.escape(marker.encode()) + rb"(?!\d)")
        for marker in planted.leak_markers
    }


# -- The crawl ---------------------------------------------------------------------------------


def crawl(scan: Scan, planted: Planted, since: str, full_exports: bool) -> None:
    incidents = f"{API}/incidents"
    day = {"date_after": DAY.isoformat(), "date_before": DAY.isoformat()}
    # The first pages of the whole list in each order, every page of lists around the records.
    for ordering in ("-date", "date", "-updated_at", "-fatalities"):
        scan.every_page(query(f"{incidents}/", ordering=ordering, page_size=1000), pages=1)
    for params in (
        {"updated_since": since},
        {"country": "IRQ", **day},
        {"status": "published,retracted", **day},
    ):
        scan.every_page(query(f"{incidents}/", page_size=1000, **params))
    for fmt in ("csv", "geojson"):  # as a download tool asks: any type
        scan.get(query(f"{incidents}/", format=fmt, **day), Accept="*/*")
        for layout in LAYOUTS:
            scan.get(query(f"{incidents}/export/", format=fmt, preset=layout, **day), Accept="*/*")
            scan.get(
                query(f"{incidents}/{planted.published}/", format=fmt, preset=layout), Accept="*/*"
            )
    if full_exports:  # every public incident, in every layout (GeoJSON writes one: slow)
        for layout in LAYOUTS:
            scan.get(query(f"{incidents}/export/", preset=layout, include_all=1), Accept="*/*")
        scan.get(query(f"{incidents}/export/", format="geojson"), Accept="*/*")
    scan.get(f"{incidents}/{planted.published}/")
    scan.every_page(f"{incidents}/{planted.published}/history/")
    scan.every_page(query(f"{incidents}/{planted.published}/history/", page_size=1))
    for resource in RECORD_LISTS:
        scan.every_page(query(f"{API}/{resource}/", page_size=1000))
        scan.every_page(query(f"{API}/{resource}/", page_size=1000, brief=1))
        scan.get(f"{API}/{resource}/", "OPTIONS")
        scan.get(f"{API}/{resource}/", Accept="text/html")
    for resource, pk in (
        ("actors", planted.public_actor),
        ("locations", planted.public_place),
        ("sources", planted.public_source),
    ):
        scan.get(f"{API}/{resource}/{pk}/")
        scan.get(f"{API}/{resource}/{pk}/", Accept="text/html")
    scan.get(f"{incidents}/", "OPTIONS")
    scan.get(query(f"{incidents}/", **day), Accept="text/html")
    scan.get(f"{incidents}/{planted.published}/", Accept="text/html")
    for page in (
        "/",
        f"/incidents/{planted.published}/",
        f"/incidents/{planted.published}/cite.bib",
        f"/incidents/{planted.published}/cite.json",
        f"{API}/schema/",
        f"{API}/docs/",
        "/account/login/",
    ):
        scan.get(page, Accept="text/html,*/*")


# -- Hidden records answer as absent ones ------------------------------------------------------


def same_as_absent(scan: Scan, hidden: str, absent: str, path: Callable[[str], str]) -> str:
    """'' if the hidden record's answer is the absent one's, else what differs."""
    shown, missing = scan.get(path(hidden), Accept="*/*"), scan.get(path(absent), Accept="*/*")
    if shown.status != missing.status:
        return f"{path(hidden)}: {shown.status}, not {missing.status} as for nothing"
    if shown.body.replace(hidden.encode(), absent.encode()) != missing.body:
        return f"{path(hidden)}: {shown.body[:200]!r} differs from {missing.body[:200]!r}"
    return ""


def hidden_urls(scan: Scan, planted: Planted) -> tuple[int, list[str]]:
    checks = [
        (public_id, NO_SUCH_INCIDENT, template)
        for public_id in planted.hidden_incidents
        for template in (
            f"{API}/incidents/{{}}/",
            f"{API}/incidents/{{}}/history/",
            f"{API}/incidents/{{}}/?format=csv",
            f"{API}/incidents/{{}}/?format=geojson",
            "/incidents/{}/",
            "/incidents/{}/cite.bib",
            "/incidents/{}/cite.json",
        )
    ]
    checks += [
        (str(pk), str(NO_SUCH_ID), f"{API}/{resource}/{{}}/")
        for resource, pks in (
            ("actors", planted.hidden_actors),
            ("sources", planted.hidden_sources),
            ("locations", planted.hidden_places),
        )
        for pk in pks
    ]
    differences = [
        same_as_absent(scan, hidden, absent, template.format) for hidden, absent, template in checks
    ]
    not_found = [
        f"{template.format(hidden)} answered {status}"
        for hidden, _, template in checks
        if (status := scan.get(template.format(hidden), Accept="*/*").status) != 404
    ]
    return len(checks), [difference for difference in differences if difference] + not_found


def oracle_values(planted: Planted) -> Iterable[tuple[str, str, str]]:
    """(parameter, hidden value, a value that names nothing, of the same shape)."""
    absent_word = "zq" + "0" * (len(planted.secret) - 2)
    brigade, backer = planted.hidden_actors
    for name in ("actor", "perpetrator", "target"):
        for pk in (brigade, backer):
            yield name, str(pk), str(NO_SUCH_ID)
    yield "actor", f"{planted.secret} brigade", f"{absent_word} brigade"
    yield "source", str(planted.hidden_sources[0]), str(NO_SUCH_ID)
    for pk in planted.hidden_places:
        yield "location", str(pk), str(NO_SUCH_ID)
    yield "tag", planted.hidden_tag, planted.hidden_tag.replace(planted.secret, absent_word)
    yield (
        "publisher",
        planted.hidden_publisher,
        planted.hidden_publisher.replace(planted.secret, absent_word),
    )
    yield "q", planted.secret, absent_word


def filter_oracles(scan: Scan, planted: Planted) -> tuple[int, list[str]]:
    differences, count = [], 0
    for name, hidden, absent in oracle_values(planted):
        for path in (f"{API}/incidents/", f"{API}/incidents/export/"):
            count += 1
            differences.append(
                same_as_absent(scan, hidden, absent, partial(with_parameter, path, name))
            )
    absent_word = "zq" + "0" * (len(planted.secret) - 2)
    for resource in RECORD_LISTS:
        count += 1
        differences.append(
            same_as_absent(
                scan,
                planted.secret,
                absent_word,
                partial(with_parameter, f"{API}/{resource}/", "q"),
            )
        )
    for status in ("draft", "in review"):
        count += 1
        answer = scan.get(query(f"{API}/incidents/", status=status))
        if answer.status != 400:
            differences.append(f"status={status} answered {answer.status}, not 400")
    return count, [difference for difference in differences if difference]


# -- The sweep ---------------------------------------------------------------------------------


def analyst_controls(analyst: Session, planted: Planted) -> list[str]:
    """What an analyst finds of the planted records: each must be there."""

    def count(path: str) -> int:
        answer = analyst.get(path)
        return len(answer.json()["results"]) if answer.status == 200 else -answer.status

    expected = {
        query(f"{API}/incidents/", q=planted.secret): 2,
        query(f"{API}/incidents/", tag=planted.hidden_tag): 2,
        query(f"{API}/incidents/", publisher=planted.hidden_publisher): 1,
        query(f"{API}/incidents/", actor=planted.hidden_actors[0]): 1,
        query(f"{API}/actors/", q=planted.secret): 2,
        query(f"{API}/sources/", q=planted.secret): 1,
        query(f"{API}/locations/", q=planted.secret): 3,
    }
    missed = [
        f"{path}: {found} rows, not {wanted}"
        for path, wanted in expected.items()
        if (found := count(path)) != wanted
    ]
    history = analyst.get(f"{API}/incidents/{planted.published}/history/").body.lower()
    if planted.secret.encode() not in history:
        missed.append("the analyst's history shows no draft version")
    return missed


def sweep(
    findings: Findings,
    readers: dict[str, Session],
    analyst: Session,
    planted: Planted,
    since: str,
    full_exports: bool,
) -> None:
    missed = analyst_controls(analyst, planted)
    findings.add(
        "drafts",
        "analyst's controls: q, tag, publisher, actor filters and lists find the planted records",
        "all found" if not missed else "; ".join(missed),
        not missed,
    )
    for reader, session in readers.items():
        scan = Scan(reader, session, markers(planted))
        crawl(scan, planted, since, full_exports)
        answered = ", ".join(f"{n} × {status}" for status, n in sorted(scan.statuses.items()))
        findings.add(
            "drafts",
            f"{reader}: answers of the crawl holding the secret or a hidden public id",
            f"{len(scan.leaks)} of {scan.requests} answers ({answered}; "
            f"{scan.scanned_bytes / 1e6:.1f} MB)"
            + (f": {'; '.join(scan.leaks[:5])}" if scan.leaks else ""),
            not scan.leaks and set(scan.statuses) == {200},
        )
        absent_pages = {path: scan.get(path, Accept="text/html").status for path in NO_SUCH_PAGES}
        findings.add(
            "drafts",
            f"{reader}: no sitemap, feed, search or map page to leak from",
            ", ".join(f"{path} {status}" for path, status in absent_pages.items()),
            set(absent_pages.values()) == {404},
        )
        admin = {
            path: scan.get(path, Accept="text/html")
            for path in (
                "/admin/",
                query("/admin/incidents/incident/", q=planted.secret),
                f"/admin/incidents/actor/{planted.hidden_actors[0]}/change/",
            )
        }
        findings.add(
            "drafts",
            f"{reader}: the admin sends them to its login page",
            ", ".join(f"{path} {answer.status}" for path, answer in admin.items()),
            all(
                answer.status == 302 and "/admin/login/" in answer.headers.get("Location", "")
                for answer in admin.values()
            ),
        )
        checked, differences = hidden_urls(scan, planted)
        findings.add(
            "drafts",
            f"{reader}: hidden records' URLs answer 404 as absent ones do",
            f"{checked - len(differences)} of {checked} identical"
            + (f": {'; '.join(differences[:5])}" if differences else ""),
            not differences,
        )
        checked, differences = filter_oracles(scan, planted)
        findings.add(
            "drafts",
            f"{reader}: filters and q naming hidden records answer as for nothing",
            f"{checked - len(differences)} of {checked} identical"
            + (f": {'; '.join(differences[:5])}" if differences else ""),
            not differences,
        )
        findings.add(
            "drafts",
            f"{reader}: server errors during the sweep",
            f"{len(scan.server_errors)} of {scan.requests} requests"
            + (f": {'; '.join(scan.server_errors[:5])}" if scan.server_errors else ""),
            not scan.server_errors,
        )
        if scan.leaks:
            print("\n".join(f"    leak: {leak}" for leak in scan.leaks))
