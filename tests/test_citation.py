from __future__ import annotations

import datetime as dt
import json
import re

import bibtexparser
import pytest
from django.utils import timezone

from incidents import citation_formats
from tests.factories import IncidentFactory

ACCESSED = dt.date(2026, 11, 27)
TRICKY_TITLE = '=HYPERLINK("http://x") <b>50% & {more}</b> #1 a_b $5 ^~ back\\slash'


@pytest.fixture
def today_is_access_date(monkeypatch):
    """timezone.localdate() without an argument, i.e. today, is ACCESSED."""
    localdate = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None: ACCESSED if value is None else localdate(value)
    )


@pytest.fixture
def incident(db, settings):
    settings.TESSERA_NAME = "Tessera Test"
    settings.TESSERA_BASE_URL = "https://tessera.example.org"
    return IncidentFactory(title="Five rockets land near Ain al-Asad air base")


def _bibtex_entry(text: str) -> dict[str, str]:
    entries = bibtexparser.loads(text).entries
    assert len(entries) == 1
    return entries[0]


def test_permalink_is_built_on_the_configured_base_url(incident, client):
    expected = f"https://tessera.example.org/incidents/{incident.public_id}/"

    assert citation_formats.permalink(incident) == expected
    page = client.get(f"/incidents/{incident.public_id}/", HTTP_HOST="localhost").content.decode()
    assert f'href="{expected}"' in page


def test_citation_names_the_version_its_time_and_links_the_versions_page(incident):
    incident.summary = "Corrected."
    incident.save()
    saved = incident.updated_at.astimezone(dt.UTC)

    assert citation_formats.citation_text(incident, ACCESSED) == (
        f"Tessera Test. “Five rockets land near Ain al-Asad air base.” {incident.public_id}, "
        f"version 2 of {saved:%Y-%m-%d %H:%M:%S} UTC. "
        f"https://tessera.example.org/incidents/{incident.public_id}/v/2/ (accessed 2026-11-27)."
    )


def test_citation_does_not_double_the_title_punctuation(incident):
    incident.title = "Who fired the rockets?"

    assert "“Who fired the rockets?”" in citation_formats.citation_text(incident, ACCESSED)


def test_citation_of_a_retracted_record_says_so(db):
    incident = IncidentFactory(status="retracted", retraction_reason="Reported in error.")

    assert "Retracted record" in citation_formats.citation_text(incident, ACCESSED)
    assert citation_formats.csl_json(incident, ACCESSED)["status"] == "retracted"
    assert _bibtex_entry(citation_formats.bibtex(incident, ACCESSED))["note"].startswith(
        "Retracted record"
    )


def test_bibtex_download_names_the_record(client, seeded, today_is_access_date):
    incident = seeded["1"]

    response = client.get(f"/incidents/{incident.public_id}/cite.bib")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{incident.public_id}.bib"'
    entry = _bibtex_entry(response.content.decode())
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["ID"] == incident.public_id
    assert entry["title"] == "{Eight rounds of indirect fire hit Green Village base}"
    assert entry["author"] == "{Tessera}"
    assert entry["number"] == incident.public_id
    assert entry["url"] == f"http://testserver/incidents/{incident.public_id}/v/1/"
    assert entry["urldate"] == "2026-11-27"
    assert entry["date"] == f"{timezone.localdate(incident.updated_at):%Y-%m-%d}"
    assert entry["version"] == "1"
    saved = f"{incident.updated_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
    assert entry["note"] == f"Version 1 of {saved}, accessed 2026-11-27"


def test_bibtex_escapes_what_latex_would_read_as_markup(db):
    incident = IncidentFactory(title=TRICKY_TITLE)

    entry = _bibtex_entry(citation_formats.bibtex(incident, ACCESSED))

    assert entry["title"] == (
        r'{=HYPERLINK("http://x") <b>50\% \& \textbraceleft{}more\textbraceright{}</b> \#1 a\_b '
        r"\$5 \textasciicircum{}\textasciitilde{} back\textbackslash{}slash}"
    )
    assert not re.search(r"(?<!\\)[%&#_$]", entry["title"])


def test_bibtex_is_utf8(client, db):
    incident = IncidentFactory(title="Drone shot down over Ḥalab – “intercepted”")

    response = client.get(f"/incidents/{incident.public_id}/cite.bib")

    assert "{Drone shot down over Ḥalab – “intercepted”}" in response.content.decode("utf-8")


def test_csl_json_download_is_one_item_describing_the_record(client, seeded, today_is_access_date):
    incident = seeded["3"]
    version = timezone.localdate(incident.updated_at)

    response = client.get(f"/incidents/{incident.public_id}/cite.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    assert response["Content-Disposition"] == f'attachment; filename="{incident.public_id}.json"'
    [item] = json.loads(response.content)
    assert item == {
        "id": incident.public_id,
        "type": "dataset",
        "title": "Five rockets land near Ain al-Asad air base",
        "author": [{"literal": "Tessera"}],
        "publisher": "Tessera",
        "number": incident.public_id,
        "version": str(incident.version),
        "issued": {"date-parts": [[version.year, version.month, version.day]]},
        "accessed": {"date-parts": [[2026, 11, 27]]},
        "URL": f"http://testserver/incidents/{incident.public_id}/v/1/",
        "note": f"Version 1 of {incident.updated_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
    }


def test_the_citation_follows_the_version(db):
    incident = IncidentFactory()
    first = citation_formats.csl_json(incident, ACCESSED)["version"]

    incident.summary = "Corrected."
    incident.save()

    assert citation_formats.csl_json(incident, ACCESSED)["version"] == str(int(first) + 1)


@pytest.mark.parametrize("status", ["draft", "in review"])
@pytest.mark.parametrize("suffix", ["", "cite.bib", "cite.json"])
def test_records_that_are_not_public_have_no_page_and_no_citation(client, db, status, suffix):
    incident = IncidentFactory(status=status)

    assert client.get(f"/incidents/{incident.public_id}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "cite.bib", "cite.json"])
def test_unknown_records_have_no_page_and_no_citation(client, db, suffix):
    assert client.get(f"/incidents/XXX-2022-99999/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "cite.bib", "cite.json"])
def test_a_merged_duplicate_redirects_permanently_to_the_kept_record(client, db, suffix):
    kept = IncidentFactory()
    duplicate = IncidentFactory(
        status="retracted", retraction_reason="Same event as the kept record.", duplicate_of=kept
    )

    response = client.get(f"/incidents/{duplicate.public_id}/{suffix}")

    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{kept.public_id}/{suffix}"
