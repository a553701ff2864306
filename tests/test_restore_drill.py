"""bin/restore-drill: a dump of the database restores whole, and the drill notices when not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from incidents import demo
from tests.factories import SourceFactory

DRILL = Path(settings.BASE_DIR) / "bin" / "restore-drill"


def _missing_postgresql() -> str:
    """Why the drill cannot run here, or "" when it can."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return (
            "the restore drill uses pg_dump and pg_restore: it needs PostgreSQL "
            "(set DATABASE_URL to a PostgreSQL database)"
        )
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")):
        return "pg_dump, pg_restore and psql are not all on the PATH"
    return ""


needs_postgresql = pytest.mark.skipif(bool(_missing_postgresql()), reason=_missing_postgresql())


def database_url(name: str | None = None) -> str:
    """The URL of the test database (which pytest-django has renamed test_<name>)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@" if credentials else ""
    host += f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{host}/{name or db['NAME']}"


def drill(*arguments: str, media: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DRILL), "--database-url", database_url(), *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "MEDIA_ROOT": str(media)},
        timeout=300,
    )


@pytest.fixture
def committed_data(settings, tmp_path) -> Path:
    """The demo events and a source with a captured copy, committed so that pg_dump sees them."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    demo.load()
    source = SourceFactory(publisher="Al Arabiya", title="Attacks on coalition bases")
    source.capture.save("al-arabiya.pdf", ContentFile(b"%PDF-1.4 captured page\n"))
    return media


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_everything_and_detects_a_changed_row(committed_data):
    result = drill("--keep", media=committed_data)
    restored = database_url(connection.settings_dict["NAME"] + "_restore_drill")
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "RESTORE DRILL PASSED" in result.stdout
        assert "captured copies: 1 checked" in result.stdout
        assert "MEDIA_ROOT: 1 files compared" in result.stdout

        # The comparison is not vacuous: one changed title in the restore is a difference.
        subprocess.run(
            [
                "psql",
                "-d",
                restored.replace("postgres://", "postgresql://"),
                "-c",
                "UPDATE incidents_incident SET title = title || ' (changed)' "
                "WHERE id = (SELECT min(id) FROM incidents_incident)",
            ],
            check=True,
            capture_output=True,
        )
        compared = drill("--compare", restored, media=committed_data)
        assert compared.returncode == 1, compared.stdout + compared.stderr
        assert "RESTORE DRILL FAILED: 1 difference(s)" in compared.stdout
        assert "native export of the restore differs" in compared.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}_restore_drill"'
            )


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_drill_fails_on_a_captured_copy_that_no_longer_matches(committed_data):
    (captured,) = (committed_data / "captures").rglob("al-arabiya*.pdf")
    captured.write_bytes(b"%PDF-1.4 a different page\n")

    result = drill(media=committed_data)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "does not match its recorded SHA-256" in result.stdout
    assert "_restore_drill" in result.stdout and "Dropped" in result.stdout


def test_the_drill_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = subprocess.run(
        [sys.executable, str(DRILL), "--database-url", f"sqlite:///{tmp_path / 'db.sqlite3'}"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "must be a PostgreSQL URL" in result.stderr
