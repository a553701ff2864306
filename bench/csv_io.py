"""Throughput of CSV exports (each preset, against PostgreSQL's own COPY) and of imports.

Usage (PostgreSQL only: the database named by DATABASE_URL, not a test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
        .venv/bin/python bench/csv_io.py [--import-rows 20000]

Fill the database first: `manage.py migrate` then `manage.py generate_incidents --count N`.

Exports stream every incident through incidents.exports into a null sink, as the API's
export endpoint does; the baseline is `COPY (the same incidents joined with their place) TO
STDOUT CSV`, which is what PostgreSQL alone can do with no actors, sources or formatting.
Imports read a file of `--import-rows` incidents written by each preset's own export and
run a dry run (everything is written, then rolled back), so the database is left as it was.
Peak memory is the process's maximum resident size after each step.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/csv_io.py measures PostgreSQL; set DATABASE_URL=postgres://...")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_export(preset) -> tuple[int, float, int]:
    from incidents.exports import export_chunks
    from incidents.models import Incident

    started, rows, size = time.perf_counter(), -1, 0
    for line in export_chunks(Incident.objects.order_by("-date_start", "-id"), preset, "csv"):
        rows += 1
        size += len(line)
    return rows, time.perf_counter() - started, size


def time_copy() -> tuple[int, float]:
    from django.db import connection

    from incidents.models import Incident

    query = (
        "COPY (SELECT i.*, l.name, l.latitude, l.longitude, l.country, l.admin1 "
        "FROM incidents_incident i JOIN geo_location l ON l.id = i.location_id "
        "ORDER BY i.date_start DESC, i.id DESC) TO STDOUT CSV HEADER"
    )
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection, for its COPY support
    started, size = time.perf_counter(), 0
    with raw.cursor() as cursor, cursor.copy(query) as copy:
        for block in copy:
            size += len(block)
    seconds = time.perf_counter() - started
    return Incident.objects.count(), seconds


def time_import(preset, count: int) -> tuple[int, float, int]:
    from incidents.exports import export_chunks
    from incidents.imports import import_incidents
    from incidents.models import Incident

    chosen = Incident.objects.filter(pk__in=Incident.objects.order_by("-id").values("pk")[:count])
    text = "".join(export_chunks(chosen, preset, "csv"))
    started = time.perf_counter()
    report = import_incidents(io.StringIO(text), preset, dry_run=True, skip_bad_rows=True)
    return report.rows, time.perf_counter() - started, len(report.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=20_000)
    args = parser.parse_args()
    setup()
    from incidents.presets import PRESETS

    copy_rows, copy_seconds = time_copy()
    print(f"{'export':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'% of COPY':>11}{'RSS MB':>9}")
    copy_rate = copy_rows / copy_seconds
    print(f"{'COPY … TO STDOUT CSV':<22}{copy_rows:>9}{copy_seconds:>9.2f}{copy_rate:>10.0f}"
          f"{100:>10.0f}%{peak_rss_mb():>9.0f}")  # fmt: skip
    for name, preset in PRESETS.items():
        rows, seconds, _ = time_export(preset)
        rate = rows / seconds
        print(f"{name:<22}{rows:>9}{seconds:>9.2f}{rate:>10.0f}"
              f"{100 * rate / copy_rate:>10.0f}%{peak_rss_mb():>9.0f}")  # fmt: skip
    print()
    print(f"{'import (dry run)':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'problems':>11}")
    for name, preset in PRESETS.items():
        rows, seconds, problems = time_import(preset, args.import_rows)
        print(f"{name:<22}{rows:>9}{seconds:>9.2f}{rows / seconds:>10.0f}{problems:>11}")


if __name__ == "__main__":
    main()
