"""Server latency and SQL queries of typical incident API requests, measured in-process.

Usage (PostgreSQL only: the database named by DATABASE_URL, not a test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
        .venv/bin/python bench/api.py [--runs 30] [--warmup 3] [--explain] [--live]

Fill the database first: `manage.py migrate` then `manage.py generate_incidents --count N`.

Each request runs through the whole Django stack (middleware, DRF, filters, serializers, JSON
rendering) with the test client, as an anonymous user; its time is wall time around the call,
which is server time without the network. The filter values (country, actor, place...) are
taken from the data, so that every query returns rows. Queries are counted on one extra run of
each request, so that recording them does not slow the timed runs; `--explain` also prints
PostgreSQL's plan (EXPLAIN ANALYZE) of that run's page query, the one with the LIMIT.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LIST_URL = "/api/v1/incidents/"
CLUSTERS_URL = "/api/v1/incidents/clusters/"
TIMELINE_URL = "/api/v1/incidents/timeline/"
PAGE_SIZE = 100
# Pages followed through `next` before timing the deep page.
DEEP_PAGE = 10


@dataclass
class Case:
    name: str
    url: str


@dataclass
class Measurement:
    case: Case
    p50_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    rows: int
    page_sql: str


def main() -> None:
    options = parse_arguments()
    setup_django()
    from django.test import Client

    if options.live:
        from incidents.api.views import IncidentViewSet

        IncidentViewSet.reads_public_records = lambda view: False  # type: ignore[assignment, method-assign]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json")
    cases = typical_cases(client)
    print(describe_database())
    print(f"{options.runs} timed runs per request after {options.warmup} warm-up runs\n")
    results = [measure(client, case, options.runs, options.warmup) for case in cases]
    print_table(results)
    if options.explain:
        for result in results:
            print(f"\n### {result.case.name}\n\n{explain(result.page_sql)}")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per request")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each request's page query"
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="answer from the live serializer, as analysts and editors read, instead of the "
        "stored texts of the read model (incidents.PublicRecord)",
    )
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Hundreds of requests a minute from one address: the throttles still run (their cache
    # queries are part of each request), they just never refuse.
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")
    os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "bench/api.py measures PostgreSQL, which the performance targets are set for; "
            f"DATABASE_URL names a {connection.vendor} database. Run it as\n"
            "  DATABASE_URL=postgres://USER@HOST:5432/DBNAME python bench/api.py"
        )


def describe_database() -> str:
    from django.db import connection

    from incidents.models import Incident

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    total = Incident.objects.count()
    public = Incident.objects.public().count()
    name = connection.settings_dict["NAME"]
    load = ", ".join(f"{average:.2f}" for average in os.getloadavg())
    return (
        f"PostgreSQL {version}, database {name}: {total:,} incidents ({public:,} public)\n"
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}"
    )


def typical_cases(client) -> list[Case]:
    """The requests researchers make most, with filter values that the data holds."""
    from django.db.models import Count, Max

    from incidents.models import Incident, IncidentActor

    public = Incident.objects.public()
    country, admin1 = busiest(public, "location__country", "location__admin1")
    place = (
        public.values("location__name", "location__latitude", "location__longitude")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    actor_id = busiest(IncidentActor.objects.filter(incident__in=public), "actor_id")[0]
    year = public.aggregate(latest=Max("date_start"))["latest"].year - 1
    updated = public.aggregate(latest=Max("updated_at"))["latest"] - dt.timedelta(days=30)
    lat, lon = place["location__latitude"], place["location__longitude"]
    filters = {
        "default list page": {},
        "default list, page of 1000": {"page_size": 1000},
        "country + date range": {
            "country": country,
            "date_after": f"{year}-01-01",
            "date_before": f"{year}-12-31",
        },
        "admin1": {"admin1": admin1},
        "event type + fatalities_min": {
            "event_type": "Explosions/Remote violence",
            "fatalities_min": 10,
        },
        "bbox (2° × 2°)": {"bbox": f"{lon - 1:.4f},{lat - 1:.4f},{lon + 1:.4f},{lat + 1:.4f}"},
        "near (25 km)": {"near": f"{lat:.4f},{lon:.4f},25"},
        "q, a place name": {"q": place["location__name"]},
        "q, a common word": {"q": "shelling"},
        "actor (the busiest)": {"actor": actor_id},
        "perpetrator (the busiest actor)": {"perpetrator": actor_id},
        "updated_since (last 30 days)": {"updated_since": updated.isoformat()},
        "ordering=-fatalities": {"ordering": "-fatalities"},
    }
    cases = [Case(name, list_url(params)) for name, params in filters.items()]
    around = f"{lon - 5:.4f},{lat - 5:.4f},{lon + 5:.4f},{lat + 5:.4f}"
    maps: dict[str, dict[str, str | int]] = {
        "clusters, the world (zoom 3)": {"zoom": 3},
        "clusters, 10° × 10° (zoom 7)": {"zoom": 7, "bbox": around},
        "clusters, a country (zoom 5)": {"zoom": 5, "country": country},
    }
    cases += [Case(name, f"{CLUSTERS_URL}?{urlencode(params)}") for name, params in maps.items()]
    cases.append(Case(f"deep cursor page ({DEEP_PAGE + 1}th)", deep_page_url(client)))
    timelines = {
        "timeline, every incident": {},
        "timeline, country by month": {"country": country, "interval": "month"},
        "timeline, event type + fatalities_min": filters["event type + fatalities_min"],
    }
    cases += [
        Case(name, f"{TIMELINE_URL}?{urlencode(params)}") for name, params in timelines.items()
    ]
    return cases


def busiest(queryset, *fields: str) -> tuple:
    """The most frequent combination of `fields`' values."""
    from django.db.models import Count

    row = queryset.values_list(*fields).annotate(n=Count("*")).order_by("-n").first()
    return row[:-1]


def list_url(params: dict) -> str:
    params = {"page_size": PAGE_SIZE, **params}
    return f"{LIST_URL}?{urlencode(params)}"


def deep_page_url(client) -> str:
    url = list_url({})
    for _ in range(DEEP_PAGE):
        url = local(fetch(client, url)["next"])
    return url


def local(absolute_url: str) -> str:
    parts = urlsplit(absolute_url)
    return f"{parts.path}?{parts.query}"


def fetch(client, url: str) -> dict:
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}: {response.content[:500]!r}")
    return response.json()


def measure(client, case: Case, runs: int, warmup: int) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fetch(client, case.url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(client, case.url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        body = fetch(client, case.url)
        rows = len(
            body["results"] if "results" in body else body.get("features", body.get("periods", []))
        )
    queries = [query for query in captured.captured_queries if is_statement(query["sql"])]
    # The page itself is the one query with a LIMIT; prefetches and the throttle have none.
    page = next((query for query in queries if " LIMIT " in query["sql"]), queries[0])
    return Measurement(
        case=case,
        p50_ms=statistics.median(timings),
        p95_ms=percentile(timings, 95),
        queries=len(queries),
        sql_ms=sum(float(query["time"]) for query in queries) * 1000,
        rows=rows,
        page_sql=page["sql"],
    )


def is_statement(sql: str) -> bool:
    """Transaction control (BEGIN, SAVEPOINT...) is bookkeeping, not a query."""
    return sql.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}


def percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile: the smallest value that `percent`% of values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def print_table(results: list[Measurement]) -> None:
    print("| request | p50 ms | p95 ms | queries | SQL ms (1 run) | rows |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result.case.name} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | "
            f"{result.queries} | {result.sql_ms:.1f} | {result.rows} |"
        )
    print("\nRequests:")
    for result in results:
        print(f"- {result.case.name}: {result.case.url}")


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


if __name__ == "__main__":
    main()
