"""A confirmed import that writes nothing says so first, on the page and in its message, and
gives its counts as what the file would have done, never as if it had."""

from __future__ import annotations

import pytest
from django.contrib.messages import ERROR
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Incident
from tests.csvio.test_import_row_fates import mixed_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:incidents_incident_import")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def checked(client, **options):
    upload = SimpleUploadedFile("mixed.csv", mixed_file().encode(), content_type="text/csv")
    response = client.post(
        IMPORT_URL, {"file": upload, "layout": "native", "create_missing": "on", **options}
    )
    assert response.context["stored"], response.context["report"].summary()
    return response.context["stored"]


def test_a_failed_import_says_nothing_was_written_before_any_count(editor_client, seeded, media):
    # Checked with bad rows to skip, then confirmed without skipping them: the import refuses
    # the whole file.
    stored = checked(editor_client, skip_bad_rows="on")
    before = Incident.objects.count()

    response = editor_client.post(
        IMPORT_URL,
        {"confirm": "1", "stored": stored, "layout": "native", "create_missing": "1"},
    )

    assert response.status_code == 200
    assert Incident.objects.count() == before
    page = response.content.decode()
    [message] = [str(m) for m in response.context["messages"] if m.level == ERROR]
    said = (
        "Nothing was written: fix the rows below, or skip bad rows. Had it been written, its "
        "7 rows would have made 1 new incident, 1 updated, 4 unchanged, 1 row with problems "
        "(2 problems)."
    )
    assert said in message
    assert "rows read" not in message
    assert "<h2>Not imported: nothing was written</h2>" in page
    assert page.index("Nothing was written") < page.index("1 new")
    totals = page[page.index('<p class="import-totals">') :]
    assert totals.split()[2:5] == ["Had", "it", "been"]
    assert '<th scope="col">Would have been</th>' in page
    assert "<h2>Result</h2>" not in page


def test_a_written_import_keeps_its_words(editor_client, seeded, media):
    stored = checked(editor_client, skip_bad_rows="on")

    response = editor_client.post(
        IMPORT_URL,
        {
            "confirm": "1",
            "stored": stored,
            "layout": "native",
            "create_missing": "1",
            "skip_bad_rows": "1",
        },
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"]]
    assert "7 rows read: 1 new incident, 1 updated, 4 unchanged" in message
    assert "Written." in message and "Had it been written" not in message
