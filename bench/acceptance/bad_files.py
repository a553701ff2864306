"""Bad CSV files, through `manage.py import_incidents` and the admin's import page: each gets a
clear message and writes nothing (no record, no version, no file kept)."""

from __future__ import annotations

import csv
import html
import io
import re
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.core.management import CommandError, call_command

from bench.acceptance.client import Session
from bench.acceptance.findings import Findings
from csvio.layouts.native import NATIVE
from geo.models import Location
from incidents.models import Actor, Citation, Incident, IncidentActor, Source, Tag

IMPORT_PAGE = "/admin/incidents/incident/import/"
COLUMNS = [column.name for column in NATIVE.columns]


def row(day: int, title: str = "Sweep import shelling", summary: str = "Reported") -> str:
    """A new draft incident as a line of a native file."""
    cells = {
        "title": title,
        "summary": summary,
        "status": "draft",
        "date_start": f"2022-02-0{day}",
        "date_precision": "day",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "weapon": "rocket",
        "outcome": "impact",
        "damage": "none",
        "geo_precision": "1",
        "confidence": "likely",
        "country": "IRQ",
        "location": "Sweep import town",
        "location_kind": "city/town",
        "latitude": "36.19",
        "longitude": "44.01",
    }
    out = io.StringIO()
    csv.DictWriter(out, COLUMNS).writerow(cells)
    return out.getvalue().removesuffix("\r\n")


def native_file(*rows: str) -> str:
    return "\r\n".join([",".join(COLUMNS), *rows]) + "\r\n"


def bad_files(upload_limit_mb: int) -> dict[str, bytes]:
    cut = row(2, summary="Three shells landed, one on the school").split(" on the")[0]
    big_row = row(1, summary="x" * 90_000)
    copies = upload_limit_mb * 1024 * 1024 // len(big_row) + 20
    return {
        "truncated last record": (native_file(row(1)) + cut).encode(),
        "1 MB field": native_file(row(1), row(2, summary="x" * 1_000_000)).encode(),
        "not UTF-8 (Latin-1 line)": native_file(row(1), row(2, title="Qaraqosh café")).encode(
            "latin-1"
        ),
        f"upload over IMPORT_MAX_UPLOAD_MB ({upload_limit_mb} MB)": native_file(
            *[big_row] * copies
        ).encode(),
    }


def stored_counts() -> dict[str, int]:
    return {
        "incidents": Incident.objects.count(),
        "versions": Incident.history.count(),
        "actors": Actor.objects.count(),
        "sources": Source.objects.count(),
        "places": Location.objects.count(),
        "tags": Tag.objects.count(),
        "actor rows": IncidentActor.objects.count(),
        "citations": Citation.objects.count(),
    }


def unchanged(action: Callable[[], str]) -> tuple[str, dict[str, int]]:
    """What `action` says, and how each count changed (only the changed ones)."""
    before = stored_counts()
    said = action()
    after = stored_counts()
    return said, {
        name: after[name] - before[name] for name in before if after[name] != before[name]
    }


def command(content: bytes, *options: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.csv"
        path.write_bytes(content)
        out = io.StringIO()
        try:
            call_command(
                "import_incidents", str(path), "--format", "native", *options,
                stdout=out, stderr=io.StringIO(),
            )  # fmt: skip
        except CommandError as error:
            return f"CommandError: {error}"
        return out.getvalue().strip().splitlines()[0] if out.getvalue().strip() else "no output"


def page_text(body: bytes) -> str:
    text = re.sub(r"<[^>]+>", " ", body.decode(errors="replace"))
    return re.sub(r"\s+", " ", html.unescape(text))


# The messages a user must get, one per bad file; and the dry run's summary of a good one.
MESSAGES = [
    re.compile(r"The file ends inside a quoted cell[^.]*\."),
    re.compile(r"A cell on line \d+ is longer than [\d,]+ characters[^.]*\."),
    re.compile(r"Line \d+ is not UTF-8 text[^.]*\."),
    re.compile(r"The file is [\d.]+ MB; files of at most \d+ MB[^.]*\."),
]
DRY_RUN = re.compile(r"\d+ rows read: [^.]*\.")


def message_in(text: str) -> str:
    found = [match.group(0) for pattern in MESSAGES if (match := pattern.search(text))]
    return " ".join(found)


def check(findings: Findings, base: str, editor: tuple[str, str], media: Path, limit_mb: int):
    files = bad_files(limit_mb)
    good = native_file(row(1), row(2)).encode()
    said, changed = unchanged(lambda: command(good, "--dry-run"))
    findings.add("CSV", "command, a good two-row file (control, dry run)", said, not changed)
    for name, content in files.items():
        if "UPLOAD" in name:
            continue  # the command reads files of any size, row by row
        said, changed = unchanged(partial(command, content))
        findings.add(
            "CSV",
            f"command, {name}",
            f"{said}; written: {changed or 'nothing'}",
            said.startswith("CommandError") and not changed,
        )

    session = Session(base)
    username, password = editor
    session.post_form("/admin/login/?next=/admin/", {"username": username, "password": password})
    form = {"layout": "native", "create_missing": "on"}

    def upload(content: bytes) -> str:
        answer = session.post_form(IMPORT_PAGE, form, {"file": ("incidents.csv", content)})
        text = page_text(answer.body)
        summary = DRY_RUN.search(text)
        offered = "; the import is offered" if b'name="confirm"' in answer.body else ""
        shown = message_in(text) or (summary.group(0) + offered if summary else text[:200])
        return f"{answer.status}: {shown}"

    said, changed = unchanged(lambda: upload(good))
    findings.add(
        "CSV",
        "admin, a good two-row file (control: a dry run, then the import is offered)",
        said,
        "import is offered" in said and not changed,
    )
    for stored in (media / "imports").glob("*"):
        stored.unlink()  # the control's upload, waiting for a confirmation that will not come
    for name, content in files.items():
        said, changed = unchanged(partial(upload, content))
        kept = list((media / "imports").glob("*"))
        findings.add(
            "CSV",
            f"admin, {name}",
            f"{said}; written: {changed or 'nothing'}; files kept: {len(kept)}",
            said.startswith("200") and bool(message_in(said)) and not changed and not kept,
        )
