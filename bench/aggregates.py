"""Server latency of the explorer's counts (count, facets, timeline, map clusters), answered
from the stored counts of public incidents (incidents.PublicCount) and by counting incidents.

Usage (PostgreSQL only: the database named by DATABASE_URL, not a test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
        .venv/bin/python bench/aggregates.py [--runs 20] [--warmup 3]

Fill the database first: `manage.py migrate` then `manage.py generate_incidents --count N`.

Each request runs through the whole Django stack as an anonymous user (bench/api.py says how);
each is timed twice, once as the public's reads are answered (from the stored counts where the
filters allow) and once with the stored counts switched off in-process, so that the same
request counts the incidents, as analysts' reads do. A filter the counts do not hold (`q`,
`fatalities_min`) counts incidents both times: it shows the fallback costs nothing extra.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import busiest, describe_database, fetch, percentile, setup_django

API = "/api/v1/incidents/"
# The facets the stored counts hold; the default asks for every facet, actors and tags too.
HELD_FACETS = "event_type,sub_event_type,country,admin1,year"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per request")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    options = parser.parse_args()
    setup_django()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json")
    print(describe_database())
    print(f"{options.runs} timed runs per request after {options.warmup} warm-up runs\n")
    print("| request | filters | stored p50 ms | p95 | counting p50 ms | p95 |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for endpoint, name, params in cases():
        url = f"{API}{endpoint}?{urlencode(params)}".rstrip("?")
        stored = timings(client, url, options)
        with counting_incidents():
            counted = timings(client, url, options)
        print(
            f"| {endpoint} | {name} | {statistics.median(stored):.1f} | "
            f"{percentile(stored, 95):.1f} | {statistics.median(counted):.1f} | "
            f"{percentile(counted, 95):.1f} |"
        )


def filter_combinations() -> dict[str, dict[str, str]]:
    """The explorer's common selections, with values that the data holds."""
    from django.db.models import Max

    from incidents.models import Incident

    public = Incident.objects.public()
    country, admin1 = busiest(public, "location__country", "location__admin1")
    year = public.aggregate(latest=Max("date_start"))["latest"].year - 1
    lon, lat = busiest(public, "location__longitude", "location__latitude")
    return {
        "none": {},
        "country": {"country": country},
        "country + a year": {
            "country": country,
            "date_after": f"{year}-01-01",
            "date_before": f"{year}-12-31",
        },
        "admin1": {"admin1": admin1},
        "event type + sub-event type": {
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
        },
        "bbox (10° × 10°)": {"bbox": f"{lon - 5:.4f},{lat - 5:.4f},{lon + 5:.4f},{lat + 5:.4f}"},
        "fatalities_min (not held)": {"fatalities_min": "10"},
    }


def cases() -> list[tuple[str, str, dict[str, str]]]:
    found = []
    for name, filters in filter_combinations().items():
        found += [
            ("count/", name, filters),
            ("facets/", name, {**filters, "facet": HELD_FACETS}),
            ("timeline/", name, filters),
            ("clusters/", name, {**filters, "zoom": "3"}),
        ]
    return found


def timings(client, url: str, options: argparse.Namespace) -> list[float]:
    for _ in range(options.warmup):
        fetch(client, url)
    measured = []
    for _ in range(options.runs):
        started = time.perf_counter()
        fetch(client, url)
        measured.append((time.perf_counter() - started) * 1000)
    return measured


class counting_incidents:
    """The stored counts switched off in this process: every count reads the incidents."""

    def __enter__(self) -> None:
        from incidents import counting

        self.counts_of = counting.counts_of
        counting.counts_of = lambda filterset: None

    def __exit__(self, *exc_info: object) -> None:
        from incidents import counting

        counting.counts_of = self.counts_of


if __name__ == "__main__":
    main()
