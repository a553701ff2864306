"""Acceptance sweep of a production-like Tessera: drafts never leak, the throttle and the login
lockout hold, bad CSV files are refused and write nothing.

Usage (the database named by DATABASE_URL, which the servers the sweep starts use too; not a
production database: the sweep adds the demo data and accounts, and records it removes after):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tessera_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python -m bench.acceptance [--no-full-exports] [--keep]

It loads the demo data and accounts (`seed_demo`), plants drafts and records in review with
actors, sources, places and tags only they name (bench/acceptance/records.py), and starts
gunicorn with config/gunicorn.py on 127.0.0.1, DEBUG off, three times:
1. the API throttle raised (the sweep sends thousands of requests): every endpoint and page,
   as an anonymous reader and as a researcher, scanned for the drafts (leaks.py); bad CSV files
   through the import command and the admin's import page (bad_files.py);
2. low rates (limits.THROTTLE_RATES): the throttle with forged X-Forwarded-For headers, one
   after another and concurrently; the lockout of the three login entry points;
3. the same behind one trusted proxy (TRUSTED_PROXY_COUNT=1).
It prints one line per check as it goes and a table at the end; the exit status is 1 if any
check failed. Traffic goes to loopback addresses only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

RAISED = {"API_THROTTLE_ANON": "1000000/minute", "API_THROTTLE_USER": "1000000/minute"}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per lockout reset


def describe() -> str:
    from django.conf import settings
    from django.db import connection

    from incidents.models import Incident

    total, public = Incident.objects.count(), Incident.objects.public().count()
    cache = "Redis" if settings.REDIS_URL else "the database (set REDIS_URL for production)"
    return (
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}, {total:,} incidents "
        f"({public:,} public); throttle counters in {cache}\n"
        f"Servers: gunicorn with config/gunicorn.py on 127.0.0.1, DEBUG off"
    )


def logged_in(base: str, username: str):
    from accounts.demo import demo_password
    from bench.acceptance.client import Session

    session = Session(base)
    answer = session.post_form(
        "/account/login/", {"username": username, "password": demo_password(username)}
    )
    if answer.status != 302:
        sys.exit(f"The demo account {username} cannot log in ({answer.status}): run seed_demo.")
    return session


def run(options: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from accounts.demo import demo_password
    from accounts.roles import ANALYST, EDITOR, RESEARCHER
    from bench.acceptance import bad_files, leaks, limits, records
    from bench.acceptance.client import Session
    from bench.acceptance.findings import Findings
    from bench.server import gunicorn

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(describe(), flush=True)
    since = dt.datetime.now(dt.UTC).isoformat()
    planted = records.plant()
    print(f"Planted records with the secret word {planted.secret!r}", flush=True)
    media = Path(tempfile.mkdtemp(prefix="tessera-sweep-media-"))
    findings = Findings()
    addresses = limits.Addresses()
    try:
        with gunicorn({**RAISED, "MEDIA_ROOT": str(media)}) as base:
            print(f"1. Drafts and bad files, throttle raised ({base})", flush=True)
            readers = {"anonymous": Session(base), "researcher": logged_in(base, RESEARCHER)}
            leaks.sweep(
                findings, readers, logged_in(base, ANALYST), planted, since, options.full_exports
            )
            editor = (EDITOR, demo_password(EDITOR))
            bad_files.check(findings, base, editor, media, settings.IMPORT_MAX_UPLOAD_MB)
        with gunicorn(limits.THROTTLE_RATES) as base:
            print(f"2. Throttle and lockout, {limits.THROTTLE_RATES} ({base})", flush=True)
            limits.throttle(findings, base, addresses, (RESEARCHER, demo_password(RESEARCHER)))
            limits.lockout(findings, base, addresses)
        with gunicorn({**limits.THROTTLE_RATES, "TRUSTED_PROXY_COUNT": "1"}) as base:
            print(f"3. Throttle behind one trusted proxy ({base})", flush=True)
            limits.throttle_behind_a_proxy(findings, base, addresses)
    finally:
        if not options.keep:
            records.remove(planted)
        shutil.rmtree(media, ignore_errors=True)
    print(f"\n{findings.table()}\n")
    print(f"{len(findings.rows) - len(findings.failed)} passed, {len(findings.failed)} failed")
    return 1 if findings.failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-full-exports",
        dest="full_exports",
        action="store_false",
        help="skip exporting every public incident in each layout (slow on large data)",
    )
    parser.add_argument("--keep", action="store_true", help="leave the planted records")
    options = parser.parse_args()
    setup_django()
    sys.exit(run(options))


if __name__ == "__main__":
    main()
