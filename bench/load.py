"""Requests per second and latency of Tessera under concurrent readers, through gunicorn.

Usage (the server is started on 127.0.0.1 with config/gunicorn.py and the database named by
DATABASE_URL, or a running server on a loopback address is named with --url):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/load.py [--clients 8] [--seconds 60] [--warmup 5] \\
        [--timeout 30] [--workers 3] [--threads 4] [--seed 0]

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 [--clients 8] [--seconds 60]

Fill the database first: `manage.py migrate` then `manage.py generate_incidents --count N`
(or `seed_demo`). Only loopback addresses are ever a target.

Each client is a thread with its own keep-alive connection that sends one request after
another, drawn from a mix of what readers ask for (MIX below): incident lists with common
filters, the next pages of a list through its `next` link, incident details, brief lists,
actor, source and place lists, CSV and GeoJSON exports of small filtered sets, and the public
pages. Filter values, ids and words come from the data, read through the API first. The run
stops by itself after --warmup + --seconds; requests of the warm-up are not counted. Each
request waits at most --timeout seconds for each read from the server.

The server this script starts raises the API throttle for its run (API_THROTTLE_ANON and
API_THROTTLE_USER), since every client shares one address and would otherwise be measured
getting 429s; the throttle still counts each request. A server named by --url keeps its own
rates: start it with those variables raised.

It prints the number of requests, their rate, errors by status or exception, and p50, p95
and p99 latency (wall time from sending the request to reading the whole answer, over the
answers below 400), for all requests and for each kind.
"""

from __future__ import annotations

import argparse
import calendar
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import percentile
from bench.server import gunicorn, loopback_url, read_json

# Rates the server this script starts uses, far above what the clients can send.
THROTTLE_RATE = "1000000/minute"
# Chance that a client's next request follows the `next` link of the list it just read, and
# how many pages deep it goes at most.
FOLLOW_NEXT = 0.35
DEEPEST_PAGE = 4
LIST_KINDS_PREFIX = "list"
NEXT_PAGE = "list, next page (cursor)"
# What a browser or a download tool accepts, by the first word of a kind.
ACCEPT = {"page:": "text/html,*/*;q=0.8", "export": "*/*"}


@dataclass
class Sample:
    """What the data holds, read through the API before the run: filter values and ids."""

    public_ids: list[str]
    countries_months: list[tuple[str, str]]  # (country, YYYY-MM) of real incidents
    event_types: list[str]
    places: list[tuple[float, float]]  # (latitude, longitude)
    words: list[str]
    actor_words: list[str]


@dataclass
class Result:
    kind: str
    started: float
    seconds: float
    outcome: str  # "200", "429", or an exception's class name

    @property
    def ok(self) -> bool:
        return self.outcome.isdigit() and int(self.outcome) < 400


@dataclass
class Report:
    clients: int
    seconds: float
    results: list[Result] = field(default_factory=list)
    client_cpu_seconds: float = 0.0  # what the clients themselves took of the machine

    @property
    def errors(self) -> Counter[str]:
        return Counter(result.outcome for result in self.results if not result.ok)

    def by_kind(self) -> dict[str, list[Result]]:
        kinds: dict[str, list[Result]] = {}
        for result in sorted(self.results, key=lambda result: result.kind):
            kinds.setdefault(result.kind, []).append(result)
        return kinds


# -- What the data holds -----------------------------------------------------------------------


def sample_data(base: str) -> Sample:
    """Incidents from both ends of the list and the deadliest, and actors, through the API."""
    incidents = [
        incident
        for ordering in ("-date", "date", "-fatalities")
        for incident in read_json(base, f"/api/v1/incidents/?page_size=200&ordering={ordering}")[
            "results"
        ]
    ]
    if not incidents:
        sys.exit("The server has no public incidents: generate some first (see the usage).")
    actors = read_json(base, "/api/v1/actors/?brief=1&page_size=200")["results"]
    return Sample(
        public_ids=sorted({incident["public_id"] for incident in incidents}),
        countries_months=sorted(
            {
                (incident["location"]["country"], incident["date_start"][:7])
                for incident in incidents
            }
        ),
        event_types=sorted({incident["event_type"] for incident in incidents}),
        places=sorted(
            {
                (incident["location"]["latitude"], incident["location"]["longitude"])
                for incident in incidents
            }
        ),
        words=sorted({word for incident in incidents for word in title_words(incident["title"])}),
        actor_words=sorted({word for actor in actors for word in title_words(actor["name"])}),
    )


def title_words(title: str) -> list[str]:
    return [word for word in title.split() if word.isalpha() and len(word) >= 5]


# -- The mix of requests -----------------------------------------------------------------------


def query(path: str, **params: object) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}" if params else path


def month_range(month: str) -> dict[str, str]:
    year, number = (int(part) for part in month.split("-"))
    days = calendar.monthrange(year, number)[1]
    return {"date_after": f"{month}-01", "date_before": f"{month}-{days:02d}"}


def small_set(sample: Sample, rng: random.Random) -> dict[str, str]:
    """One country's incidents of one month: tens to a few hundred rows."""
    country, month = rng.choice(sample.countries_months)
    return {"country": country, **month_range(month)}


def box(sample: Sample, rng: random.Random) -> str:
    latitude, longitude = rng.choice(sample.places)
    return f"{longitude - 1:.4f},{latitude - 1:.4f},{longitude + 1:.4f},{latitude + 1:.4f}"


INCIDENTS = "/api/v1/incidents/"
RequestMaker = Callable[[Sample, random.Random], str]

# (kind, weight, path): the share of each kind in the mix is its weight over the total.
MIX: list[tuple[str, int, RequestMaker]] = [
    ("list, default", 8, lambda s, r: INCIDENTS),
    ("list, country + date range", 8, lambda s, r: query(INCIDENTS, **small_set(s, r))),
    (
        "list, event type + country",
        5,
        lambda s, r: query(
            INCIDENTS, event_type=r.choice(s.event_types), country=r.choice(s.countries_months)[0]
        ),
    ),
    ("list, q", 6, lambda s, r: query(INCIDENTS, q=r.choice(s.words or ["attack"]))),
    ("list, bbox", 5, lambda s, r: query(INCIDENTS, bbox=box(s, r))),
    ("incident detail (API)", 14, lambda s, r: f"{INCIDENTS}{r.choice(s.public_ids)}/"),
    (
        "brief list (actors, q)",
        4,
        lambda s, r: query("/api/v1/actors/", brief=1, q=r.choice(s.actor_words or ["forces"])),
    ),
    ("brief list (places)", 3, lambda s, r: query("/api/v1/locations/", brief=1)),
    ("actors list", 3, lambda s, r: "/api/v1/actors/"),
    ("sources list", 3, lambda s, r: "/api/v1/sources/"),
    ("export CSV, small set", 3, lambda s, r: query(f"{INCIDENTS}export/", **small_set(s, r))),
    (
        "export GeoJSON, small set",
        3,
        lambda s, r: query(f"{INCIDENTS}export/", format="geojson", **small_set(s, r)),
    ),
    ("page: home", 5, lambda s, r: "/"),
    ("page: incident", 10, lambda s, r: f"/incidents/{r.choice(s.public_ids)}/"),
]


def describe_mix() -> str:
    total = sum(weight for _, weight, _ in MIX)
    return "; ".join(f"{kind} {100 * weight / total:.0f} %" for kind, weight, _ in MIX)


# -- The clients -------------------------------------------------------------------------------


class LoadClient(threading.Thread):
    """Sends requests one after another on one keep-alive connection until `stop_at`."""

    def __init__(
        self, base: str, sample: Sample, seed: int, stop_at: float, timeout: float
    ) -> None:
        super().__init__(daemon=True)
        self.netloc = urllib.parse.urlsplit(base).netloc
        self.sample, self.rng = sample, random.Random(seed)
        self.stop_at, self.timeout = stop_at, timeout
        self.results: list[Result] = []
        self.connection: http.client.HTTPConnection | None = None
        self.kinds = [kind for kind, _, _ in MIX]
        self.weights = [weight for _, weight, _ in MIX]
        self.makers = {kind: make for kind, _, make in MIX}

    def run(self) -> None:
        next_page, depth = None, 0
        while time.monotonic() < self.stop_at:
            if next_page and depth < DEEPEST_PAGE and self.rng.random() < FOLLOW_NEXT:
                kind, path, depth = NEXT_PAGE, next_page, depth + 1
            else:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                path, depth = self.makers[kind](self.sample, self.rng), 0
            body = self.request(kind, path)
            next_page = next_link(body) if kind.startswith(LIST_KINDS_PREFIX) else None
        if self.connection:
            self.connection.close()

    def request(self, kind: str, path: str) -> bytes | None:
        accept = ACCEPT.get(kind.split(" ")[0], "application/json")
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.netloc, timeout=self.timeout)
            self.connection.request("GET", path, headers={"Accept": accept})
            response = self.connection.getresponse()
            body = response.read()
            outcome = str(response.status)
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            body, outcome = None, type(error).__name__
            self.close()
        self.results.append(Result(kind, started, time.monotonic() - started, outcome))
        return body if outcome == "200" else None

    def close(self) -> None:
        if self.connection:
            self.connection.close()
        self.connection = None


def next_link(body: bytes | None) -> str | None:
    if not body:
        return None
    link = json.loads(body).get("next")
    if not link:
        return None
    parts = urllib.parse.urlsplit(link)
    return f"{parts.path}?{parts.query}"


def run_load(
    base: str, *, clients: int, seconds: float, warmup: float, timeout: float, seed: int
) -> Report:
    sample = sample_data(base)
    cpu_before = time.process_time()
    started = time.monotonic()
    counted_from = started + warmup
    threads = [
        LoadClient(base, sample, seed * 1000 + number, counted_from + seconds, timeout)
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # A client stops at its deadline, after at most one request's timeout per read.
        thread.join(timeout=warmup + seconds + 4 * timeout)
    report = Report(
        clients=clients, seconds=seconds, client_cpu_seconds=time.process_time() - cpu_before
    )
    for thread in threads:
        report.results += [result for result in thread.results if result.started >= counted_from]
    return report


# -- The figures -------------------------------------------------------------------------------


def latency_cells(results: list[Result]) -> str:
    timings = [result.seconds * 1000 for result in results if result.ok]
    if not timings:
        return "— | — | —"
    return " | ".join(f"{percentile(timings, percent):.1f}" for percent in (50, 95, 99))


def print_report(report: Report) -> None:
    total = len(report.results)
    errors = report.errors
    print(
        f"\n{total:,} requests in {report.seconds:.0f} s: {total / report.seconds:.1f} "
        f"requests/s; errors: {sum(errors.values()):,}"
        + (
            " ("
            + ", ".join(f"{outcome} × {count}" for outcome, count in errors.most_common())
            + ")"
            if errors
            else ""
        )
    )
    print("\n| requests | count | errors | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| all | {total:,} | {sum(errors.values()):,} | {latency_cells(report.results)} |")
    for kind, results in report.by_kind().items():
        failed = sum(1 for result in results if not result.ok)
        print(f"| {kind} | {len(results):,} | {failed:,} | {latency_cells(results)} |")


def describe_setup(options: argparse.Namespace, base: str) -> str:
    load = ", ".join(f"{average:.2f}" for average in os.getloadavg())
    if options.url:
        server = f"the server at {base} (its own throttle rates: raise them for a load test)"
    else:
        database = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"))
        cache = "Redis" if os.environ.get("REDIS_URL") else "the database"
        server = (
            f"gunicorn (config/gunicorn.py) at {base}, {options.workers} workers × "
            f"{options.threads} threads, DEBUG off; database {database.scheme} "
            f"{database.path.lstrip('/')}, throttle counters in {cache}\n"
            f"Throttle raised for the run: API_THROTTLE_ANON = API_THROTTLE_USER = "
            f"{THROTTLE_RATE} (every client shares one address; at the usual rates this would "
            "measure 429s)"
        )
    return (
        f"Server: {server}\n"
        f"Clients: {options.clients}, {options.seconds:g} s after {options.warmup:g} s of "
        f"warm-up, each read waits at most {options.timeout:g} s\n"
        f"Mix: {describe_mix()}; a list's next page is followed "
        f"{100 * FOLLOW_NEXT:.0f} % of the time\n"
        f"Machine: {os.cpu_count()} CPUs, load average {load} before the run"
    )


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60, help="counted run time")
    parser.add_argument("--warmup", type=float, default=5, help="uncounted seconds first")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per read, at most")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the mix")
    parser.add_argument("--url", help="a running server on a loopback address, instead")
    options = parser.parse_args(argv)
    if not 1 <= options.clients <= 256:
        parser.error("--clients must be between 1 and 256")
    if not 0 < options.seconds <= 3600 or not 0 <= options.warmup <= 600:
        parser.error("--seconds must be in (0, 3600] and --warmup in [0, 600]")
    return options


@contextmanager
def target(options: argparse.Namespace) -> Iterator[str]:
    if options.url:
        yield loopback_url(options.url)
    else:
        raised = {"API_THROTTLE_ANON": THROTTLE_RATE, "API_THROTTLE_USER": THROTTLE_RATE}
        with gunicorn(raised, options.workers, options.threads) as base:
            yield base


def main(argv: list[str] | None = None) -> Report:
    options = parse_arguments(argv)
    with target(options) as base:
        print(describe_setup(options, base), flush=True)
        report = run_load(
            base,
            clients=options.clients,
            seconds=options.seconds,
            warmup=options.warmup,
            timeout=options.timeout,
            seed=options.seed,
        )
    load = ", ".join(f"{average:.2f}" for average in os.getloadavg())
    print_report(report)
    print(
        f"\nLoad average after the run: {load}; the clients took {report.client_cpu_seconds:.0f} "
        f"s of CPU in {options.warmup + options.seconds:g} s"
    )
    return report


if __name__ == "__main__":
    main()
