"""Throughput of CSV exports (each preset, against PostgreSQL's own COPY) and of imports.

Usage (PostgreSQL only: the database named by DATABASE_URL, not a test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
        .venv/bin/python bench/csv_io.py [--import-rows 20000] [--python] [--sha256] \\
        [--imports-only]

Fill the database first: `manage.py migrate` then `manage.py generate_incidents --count N`.

Exports stream every incident through csvio.export into a null sink, as the API's
export endpoint does (through COPY on PostgreSQL: csvio.copy runs the SELECT that each
layout's columns make). Two baselines: `COPY (the same incidents joined with their place) TO
STDOUT CSV`, what PostgreSQL alone does with no actors, sources or formatting; and PostgreSQL
alone running each layout's own COPY statement (the same query). `--python` also
times the Python writer for the layouts COPY writes; `--sha256` checks that both write the
same bytes.
Imports read files of `--import-rows` incidents written by each preset's own export and
run dry runs (everything is written, then rolled back), so the database is left as it was:
rows with fresh event ids (new incidents), rows that change every record they name (updates),
rows that change nothing, and, for ACLED and UCDP, the export of Tessera's own records as it
is (compared, and left as they are). Their baseline is PostgreSQL alone writing as
many new incidents as an import writes them (SQL copies of existing ones: rows, search
vectors, actor rows, citations, history), the least any import can take, step by step.
Peak memory is the process's maximum resident size after each step.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
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


def _chunks(preset, python: bool):
    from csvio.export import CHUNK_SIZE, csv_lines, export_chunks, with_export_columns
    from incidents.models import Incident

    incidents = Incident.objects.order_by("-date_start", "-id")
    if python:
        # As export_chunks does: a layout that lists links lists those to public records.
        links_to = Incident.objects.public() if preset.lists_links else None
        rows = with_export_columns(incidents, links_to).iterator(chunk_size=CHUNK_SIZE)
        return csv_lines(rows, preset.columns)
    return export_chunks(incidents, preset, "csv")


def time_export(preset, python: bool = False) -> tuple[int, float, int]:
    """Rows, seconds and characters; both writers yield the header, then one chunk a row."""
    started, rows, size = time.perf_counter(), -1, 0
    for line in _chunks(preset, python):
        rows += 1
        size += len(line)
    return rows, time.perf_counter() - started, size


def sha256(preset, python: bool) -> str:
    digest = hashlib.sha256()
    for line in _chunks(preset, python):
        digest.update(line.encode())
    return digest.hexdigest()


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


def time_same_query_copy(preset) -> tuple[int, float]:
    """PostgreSQL alone running the export's own COPY statement: the like-for-like baseline."""
    from django.db import connection

    from csvio.copy import copy_statement
    from incidents.models import Incident

    statement = copy_statement(Incident.objects.order_by("-date_start", "-id"), preset)
    raw = connection.connection
    started, rows = time.perf_counter(), -1  # the header is a row too
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for _ in copy:
            rows += 1
    return rows, time.perf_counter() - started


# The column that holds each layout's own event id; emptied or renamed for "new" rows.
ID_COLUMN = {"native": "public_id", "acled": "event_id_cnty", "ucdp": "id"}
# What an "update" file changes in every row: a revised text, a revised estimate.
REVISED = {
    "native": lambda row: {**row, "summary": row["summary"] + " (revised)"},
    "acled": lambda row: {**row, "notes": row["notes"] + " (revised)"},
    "ucdp": lambda row: {**row, "high": str(int(row["high"] or row["best"] or 0) + 1)},
}


def import_files(preset, count: int) -> dict[str, str]:
    """The files each case imports, made from the layout's export of the newest `count`
    incidents: "export" as it is, "new" with fresh event ids, "revised" with fresh ids (for a
    dataset's layout, the dataset's own rows) and a change in every row."""
    from csvio.export import export_chunks
    from incidents.models import Incident

    chosen = Incident.objects.filter(pk__in=Incident.objects.order_by("-id").values("pk")[:count])
    text = "".join(export_chunks(chosen, preset, "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    fresh = [
        {**row, ID_COLUMN[preset.name]: "" if preset.name == "native" else f"NEW{number}"}
        for number, row in enumerate(rows)
    ]
    if preset.name == "ucdp":  # every GED event has a type of violence; not every incident
        fresh = [{**row, "type_of_violence": row["type_of_violence"] or "1"} for row in fresh]
    revised = [REVISED[preset.name](row) for row in (rows if preset.name == "native" else fresh)]
    return {"export": text, "new": _as_csv(fresh), "revised": _as_csv(revised)}


def _as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class RolledBack(Exception):
    pass


def time_database_alone(count: int) -> list[tuple[str, float]]:
    """(step, seconds) of PostgreSQL alone writing `count` new incidents as an import writes
    them: the rows with their search vectors, their actor rows and citations, a history entry
    for each, and the foreign-key checks the database defers to the end of the transaction;
    SQL copies of the newest incidents, rolled back. No import can be faster. The search
    vectors' share is timed apart: the same vectors computed and thrown away."""
    from django.db import connection, transaction

    from core.history_writes import BulkHistory
    from incidents.derived import search_vector_sql as vector_sql
    from incidents.models import Citation, Incident, IncidentActor

    kept = {"id", "public_id", "dataset_event_id", "search_vector"}
    columns = [
        f.column for f in Incident._meta.concrete_fields if f.column and f.column not in kept
    ]
    listed = ", ".join(columns)
    steps: list[tuple[str, float]] = []

    def timed(step: str, write) -> None:
        started = time.perf_counter()
        write()
        steps.append((step, time.perf_counter() - started))

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE copied AS SELECT id AS old, "
                "nextval(pg_get_serial_sequence('incidents_incident', 'id')) AS new "
                "FROM (SELECT id FROM incidents_incident ORDER BY id DESC LIMIT %s) AS newest",
                [count],
            )
            timed(
                "incidents (rows, indexes, vectors)",
                lambda: cursor.execute(
                    f"INSERT INTO incidents_incident (id, public_id, dataset_event_id, "
                    f"search_vector, {listed}) SELECT c.new, i.public_id || 'c', "
                    f"CASE WHEN i.dataset_event_id = '' THEN '' "
                    f"ELSE i.dataset_event_id || 'c' END, "
                    f"{vector_sql('i.search_document')}, {listed} "
                    "FROM incidents_incident i JOIN copied c ON c.old = i.id"
                ),
            )
            timed(
                "of which search vectors",
                lambda: cursor.execute(
                    f"SELECT count({vector_sql('i.search_document')}) "
                    "FROM incidents_incident i JOIN copied c ON c.old = i.id"
                ),
            )
            for model, step in ((IncidentActor, "actor rows"), (Citation, "citations")):
                names = [
                    f.column
                    for f in model._meta.concrete_fields
                    if f.column not in ("id", "incident_id")
                ]
                timed(
                    step,
                    lambda model=model, names=names: cursor.execute(
                        f"INSERT INTO {model._meta.db_table} (incident_id, {', '.join(names)}) "
                        f"SELECT c.new, {', '.join(names)} FROM {model._meta.db_table} r "
                        "JOIN copied c ON c.old = r.incident_id"
                    ),
                )
            cursor.execute("SELECT new FROM copied")
            new = [row[0] for row in cursor.fetchall()]
            history = BulkHistory(reason="Imported")

            def write_history() -> None:
                history.created(Incident, new)
                for model in (IncidentActor, Citation):
                    history.created(model, new, by="incident_id")

            timed("history entries", write_history)
            timed(
                "deferred foreign-key checks",
                lambda: cursor.execute("SET CONSTRAINTS ALL IMMEDIATE"),
            )
            raise RolledBack
    except RolledBack:
        pass
    return steps


def time_imports(preset, count: int, user) -> list[tuple[str, int, float, int]]:
    """(case, rows, seconds, problems) for four cases, each a dry run:
    - new: rows with fresh event ids, so every row creates an incident;
    - update: every row changes a stored record (for a dataset's layout, the records its "new"
      file created, imported for real first and rolled back at the end);
    - again: the same rows as stored, so nothing changes;
    - export: the layout's export of stored records as it is; for a dataset's layout, records
      from elsewhere, which it leaves as they are after comparing each row with their export.
    """
    from django.db import transaction

    from csvio.imports import import_incidents

    def timed(text: str):
        started = time.perf_counter()
        report = import_incidents(
            io.StringIO(text), preset, dry_run=True, skip_bad_rows=True, user=user
        )
        return report.rows, time.perf_counter() - started, len(report.problems)

    files = import_files(preset, count)
    results = [("new", *timed(files["new"]))]
    if preset.name == "native":
        results += [("update", *timed(files["revised"])), ("again", *timed(files["export"]))]
        return results
    try:
        with transaction.atomic():
            import_incidents(io.StringIO(files["new"]), preset, skip_bad_rows=True, user=user)
            results.append(("update", *timed(files["revised"])))
            results.append(("again", *timed(files["new"])))
            raise RolledBack
    except RolledBack:
        pass
    results.append(("export", *timed(files["export"])))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=20_000, help="0: no imports")
    parser.add_argument("--python", action="store_true", help="also time the Python writer")
    parser.add_argument("--sha256", action="store_true", help="COPY and Python write alike?")
    parser.add_argument("--imports-only", action="store_true", help="skip the exports")
    args = parser.parse_args()
    setup()
    if not args.imports_only:
        time_exports(args)
    if args.import_rows:
        time_all_imports(args.import_rows)


def time_exports(args) -> None:
    from csvio.layouts import PRESETS

    copied = [name for name, preset in PRESETS.items() if preset.copies]
    copy_rows, copy_seconds = time_copy()
    print(f"{'export':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'% of COPY':>11}{'RSS MB':>9}")
    copy_rate = copy_rows / copy_seconds
    print(f"{'COPY … TO STDOUT CSV':<22}{copy_rows:>9}{copy_seconds:>9.2f}{copy_rate:>10.0f}"
          f"{100:>10.0f}%{peak_rss_mb():>9.0f}")  # fmt: skip
    runs = [(name, False) for name in PRESETS]
    if args.python:
        runs += [(name, True) for name in copied]
    for name, python in runs:
        rows, seconds, _ = time_export(PRESETS[name], python)
        rate = rows / seconds
        label = f"{name} ({'Python' if python or name not in copied else 'COPY'})"
        print(f"{label:<22}{rows:>9}{seconds:>9.2f}{rate:>10.0f}"
              f"{100 * rate / copy_rate:>10.0f}%{peak_rss_mb():>9.0f}")  # fmt: skip
    print()
    print("Each COPY layout against PostgreSQL running its own statement (the same query):")
    for name in copied:
        base_rows, base_seconds = time_same_query_copy(PRESETS[name])
        rows, seconds, _ = time_export(PRESETS[name])
        print(f"{name:<10} PostgreSQL alone {base_rows / base_seconds:>9.0f} rows/s, "
              f"export {rows / seconds:>9.0f} rows/s: "
              f"{100 * (rows / seconds) / (base_rows / base_seconds):.0f}%")  # fmt: skip
    if args.sha256:
        print()
        for name in copied:
            through_copy, in_python = sha256(PRESETS[name], False), sha256(PRESETS[name], True)
            verdict = "identical" if through_copy == in_python else "DIFFERENT"
            print(f"{name}: COPY {through_copy}, Python {in_python}: {verdict}")


def time_all_imports(count: int) -> None:
    from django.contrib.auth import get_user_model

    from csvio.layouts import PRESETS

    print()
    user = get_user_model().objects.order_by("pk").first()  # whom history names
    steps = time_database_alone(count)
    seconds = sum(spent for step, spent in steps if not step.startswith("of which"))
    alone = count / seconds
    print(f"PostgreSQL alone writing {count} new incidents as an import does: "
          f"{seconds:.2f} s, {alone:.0f} rows/s")  # fmt: skip
    for step, spent in steps:
        print(f"  {step:<36}{spent:>6.2f} s{100 * spent / seconds:>5.0f}%")
    print()
    print(f"{'import (dry run)':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'problems':>11}"
          f"{'% of alone':>12}")  # fmt: skip
    for name, preset in PRESETS.items():
        for case, rows, seconds, problems in time_imports(preset, count, user):
            label = f"{name}, {case}"
            print(f"{label:<22}{rows:>9}{seconds:>9.2f}{rows / seconds:>10.0f}{problems:>11}"
                  f"{100 * rows / seconds / alone:>11.0f}%")  # fmt: skip


if __name__ == "__main__":
    main()
