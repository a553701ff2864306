"""Files an import cannot read to the end: cut short, too big, not UTF-8, not CSV, missing.

Each gets a clear message naming its row (and line), from the command and from the admin,
and writes nothing; the admin never answers 500 and keeps no file it refused.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from csvio.layouts.native import NATIVE
from incidents.models import Actor, Incident

pytestmark = pytest.mark.django_db

HEADER = ",".join(column.name for column in NATIVE.columns)


def row(day: int, title: str = "Shelling near Erbil", summary: str = "Reported") -> str:
    """A new draft incident, as a line of a native file (summary last but many empty cells)."""
    cells = {
        "title": title,
        "summary": summary,
        "status": "draft",
        "date_start": f"2022-01-0{day}",
        "date_precision": "day",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "weapon": "rocket",
        "outcome": "impact",
        "damage": "none",
        "geo_precision": "1",
        "confidence": "likely",
        "country": "IRQ",
        "location": "Erbil",
        "location_kind": "city/town",
        "latitude": "36.19",
        "longitude": "44.01",
    }
    out = io.StringIO()
    csv.DictWriter(out, [column.name for column in NATIVE.columns]).writerow(cells)
    return out.getvalue().removesuffix("\r\n")


def native_csv(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


GOOD = native_csv(row(1), row(2))
# The last line ends inside a quoted summary: the file was cut short.
TRUNCATED = (
    native_csv(row(1))
    + row(2, summary="Three shells landed, one on the school").split(" on the")[0]
)


def import_file(tmp_path: Path, content: bytes, *options: str) -> tuple[str, str]:
    """Run the command; its error (never a traceback) and what it printed."""
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_incidents", str(path), "--format", "native", *options, stdout=out, stderr=out
        )
    return str(error.value), out.getvalue()


def test_a_good_file_imports_its_rows(tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text(GOOD, encoding="utf-8")

    call_command("import_incidents", str(path), "--format", "native", stdout=io.StringIO())

    assert Incident.objects.count() == 2


@pytest.mark.parametrize("options", [(), ("--skip-bad-rows",), ("--dry-run",)])
def test_a_file_cut_short_inside_a_quoted_cell_is_refused_naming_its_last_row(tmp_path, options):
    error, printed = import_file(tmp_path, TRUNCATED.encode(), *options)

    assert "row 3" in error
    assert "cut short" in error
    assert "Nothing was written" in error
    assert "1 problem" in printed
    assert Incident.objects.count() == 0
    assert not Actor.objects.exists()


def test_a_file_cut_short_names_the_line_its_last_row_starts_on(tmp_path):
    two_line_summary = native_csv(row(1, summary="First line\r\nsecond line"))
    cut = row(2, summary="Cut, short").split(" short")[0]

    error, _ = import_file(tmp_path, (two_line_summary + cut).encode())

    assert "row 3" in error and "line 4" in error


def test_a_cell_over_the_size_limit_is_refused_naming_its_row_and_line(tmp_path, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 1000
    long = native_csv(row(1), row(2, summary="x" * 1001), row(3))

    error, _ = import_file(tmp_path, long.encode())

    assert "row 3" in error and "line 3" in error
    assert "longer than 1,000 characters" in error
    assert "IMPORT_MAX_FIELD_CHARS" in error
    assert Incident.objects.count() == 0


def test_a_one_megabyte_cell_is_refused_by_the_default_limit(tmp_path):
    error, _ = import_file(tmp_path, native_csv(row(1, summary="x" * 1_000_000)).encode())

    assert "row 2" in error and "longer than 100,000 characters" in error


def test_a_cell_at_the_size_limit_imports(tmp_path, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 1000
    path = tmp_path / "incidents.csv"
    path.write_text(native_csv(row(1, summary="x" * 1000)), encoding="utf-8")

    call_command("import_incidents", str(path), "--format", "native", stdout=io.StringIO())

    assert Incident.objects.get().summary == "x" * 1000


def test_a_file_that_is_not_utf8_names_the_line_where_decoding_failed(tmp_path):
    latin1 = native_csv(row(1), row(2, title="Shelling near Qaraqosh café"), row(3))

    error, _ = import_file(tmp_path, latin1.encode("latin-1"))

    assert "row 3" in error
    assert "Line 3 is not UTF-8" in error
    assert Incident.objects.count() == 0


def test_a_file_with_a_byte_order_mark_and_old_mac_line_endings_imports(tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_bytes(("\ufeff" + GOOD.replace("\r\n", "\r")).encode())

    call_command("import_incidents", str(path), "--format", "native", stdout=io.StringIO())

    assert Incident.objects.count() == 2


@pytest.mark.parametrize(
    "content, says",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "Line 1 is not UTF-8"),
        (b'{"incidents": [{"title": "Shelling"}]}\n', "Missing from the header"),
        (b"", "Missing from the header"),
        (f'{HEADER}\r\n,"Shelling" near Erbil\r\n'.encode(), "after its closing quote"),
    ],
    ids=["image", "json", "empty", "stray-quote"],
)
def test_a_file_that_is_not_csv_is_refused_with_a_message(tmp_path, content, says):
    error, _ = import_file(tmp_path, content)

    assert says in error
    assert "Traceback" not in error
    assert Incident.objects.count() == 0


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.csv: No such file"):
        call_command("import_incidents", str(tmp_path / "nowhere.csv"), "--format", "native")


# -- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, content: bytes, **options):
    return client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("incidents.csv", content),
            "layout": "native",
            "create_missing": "on",
            **options,
        },
    )


def problems(response) -> list[tuple[int, str]]:
    return [(problem.row, problem.message) for problem in response.context["report"].problems]


@pytest.mark.parametrize("options", [{}, {"skip_bad_rows": "on"}])
def test_admin_refuses_a_file_cut_short_and_keeps_nothing(editor_client, media, options):
    response = upload(editor_client, TRUNCATED.encode(), **options)

    assert response.status_code == 200
    [(number, message)] = problems(response)
    assert number == 3 and "cut short" in message
    page = response.content.decode()
    assert "cut short" in page
    assert "Import this file" not in page
    assert list(media.glob("imports/*")) == []


def test_admin_refuses_a_one_megabyte_cell_without_a_server_error(editor_client, media):
    response = upload(editor_client, native_csv(row(1), row(2, summary="x" * 1_000_000)).encode())

    assert response.status_code == 200
    [(number, message)] = problems(response)
    assert number == 3 and "longer than 100,000 characters" in message
    assert list(media.glob("imports/*")) == []
    assert Incident.objects.count() == 0


def test_admin_names_the_line_that_is_not_utf8(editor_client, media):
    latin1 = native_csv(row(1), row(2, title="Shelling near Qaraqosh café"))

    response = upload(editor_client, latin1.encode("latin-1"))

    assert response.status_code == 200
    assert problems(response) == [
        (3, "Line 3 is not UTF-8 text; save the file as CSV UTF-8 and retry.")
    ]
    assert list(media.glob("imports/*")) == []


def test_admin_refuses_a_file_over_the_upload_limit_before_storing_it(
    editor_client, media, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = native_csv(*[row(1, summary="x" * 60_000)] * 20).encode()

    response = upload(editor_client, big)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "at most 1 MB" in error and "IMPORT_MAX_UPLOAD_MB" in error
    assert "report" not in response.context
    assert list(media.glob("imports/*")) == []


def test_admin_keeps_no_upload_when_the_import_fails_unexpectedly(
    editor_client, media, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("csvio.admin_views.import_incidents", broken)
    editor_client.raise_request_exception = False

    response = upload(editor_client, GOOD.encode())

    assert response.status_code == 500
    assert list(media.glob("imports/*")) == []
