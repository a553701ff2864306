"""Every place an editor or researcher exports from, and the admin's import page."""

from __future__ import annotations

import csv
import io
import os
import time

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.factories import IncidentFactory, LocationFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/v1/incidents/export/"


def streamed_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def test_api_export_streams_the_filtered_set_with_a_telling_filename(seeded):
    response = APIClient().get(EXPORT_URL, {"country": "IRQ", "preset": "native"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="tessera-incidents-native-' in response["Content-Disposition"]
    assert {row["public_id"] for row in streamed_rows(response)} == {
        "IRQ-2022-00001",
        "IRQ-2022-00002",
        "IRQ-2022-00003",
    }


def test_the_filename_says_which_filters_chose_the_rows(seeded, editor_client):
    api = APIClient().get(
        EXPORT_URL, {"country": "IRQ", "date_after": "2022-01-04", "q": "Ain al-Asad, drones"}
    )
    admin = editor_client.get(
        reverse("admin:incidents_incident_export"),
        {"country": "SYR", "preset": "acled", "o": "1"},
    )

    assert (
        'filename="tessera-incidents-native-country-IRQ-date_after-2022-01-04-q-Ain_al-Asad_'
        in (api["Content-Disposition"])
    )
    assert 'filename="tessera-incidents-acled-country-SYR-2' in (admin["Content-Disposition"])


def test_api_export_has_no_row_cap(settings):
    settings.API_PAGE_SIZE = 2
    place = LocationFactory()
    IncidentFactory.create_batch(7, location=place)

    rows = streamed_rows(APIClient().get(EXPORT_URL))

    assert len(rows) == 7


def test_api_export_refuses_an_unknown_preset_naming_it():
    response = APIClient().get(EXPORT_URL, {"preset": "gdelt"})

    assert response.status_code == 400
    assert "preset" in response.json()


def test_api_export_never_includes_drafts():
    IncidentFactory(status="draft", title="Unpublished")

    assert streamed_rows(APIClient().get(EXPORT_URL)) == []


def test_api_export_as_geojson(seeded):
    import json

    response = APIClient().get(EXPORT_URL, {"format": "geojson", "country": "SYR"})

    collection = json.loads(b"".join(response.streaming_content))
    assert len(collection["features"]) == 2


def test_formula_is_neutralised_in_every_preset_and_numbers_stay_numbers(seeded):
    place = LocationFactory(longitude=-3.7, latitude=40.4, country="ESP", name="=cmd|' /C calc'!A0")
    IncidentFactory(title='=HYPERLINK("http://example.com")', location=place, fatalities_best=2,
                    fatalities_low=2, fatalities_high=2)  # fmt: skip

    [row] = streamed_rows(APIClient().get(EXPORT_URL, {"country": "ESP"}))

    assert row["title"] == '\'=HYPERLINK("http://example.com")'
    assert row["location"].startswith("'=")
    assert row["longitude"] == "-3.7"
    assert row["fatalities_best"] == "2"


def test_admin_export_button_exports_the_filtered_list(editor_client, seeded):
    changelist = editor_client.get(
        reverse("admin:incidents_incident_changelist"), {"country": "SYR"}
    ).content.decode()
    export_url = reverse("admin:incidents_incident_export")
    assert f"{export_url}?country=SYR&amp;preset=native" in changelist

    response = editor_client.get(export_url, {"country": "SYR", "preset": "native"})

    assert {row["public_id"] for row in streamed_rows(response)} == {
        "SYR-2022-00001",
        "SYR-2022-00002",
    }


@pytest.mark.parametrize(
    "params",
    [{"date_start__gte": "notadate"}, {"no_such_field": "1"}, {"include_all": "maybe"}],
)
def test_admin_export_with_bad_parameters_goes_back_to_the_list(editor_client, seeded, params):
    response = editor_client.get(
        reverse("admin:incidents_incident_export"), {"preset": "native", **params}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:incidents_incident_changelist"))


def test_admin_export_reads_its_layout_as_the_api_does(editor_client, seeded):
    url = reverse("admin:incidents_incident_export")

    admin = editor_client.get(url, {"preset": "", "include_all": ""})
    api = APIClient().get(EXPORT_URL, {"preset": "", "include_all": ""})

    assert admin.status_code == api.status_code == 200
    assert streamed_rows(admin) == streamed_rows(api)


def test_admin_action_exports_the_selected_rows(editor_client, seeded):
    chosen = [seeded["1"].pk, seeded["5"].pk]

    response = editor_client.post(
        reverse("admin:incidents_incident_changelist"),
        {"action": "export_selected_native", "_selected_action": chosen},
    )

    assert {row["public_id"] for row in streamed_rows(response)} == {
        "SYR-2022-00001",
        "IRQ-2022-00003",
    }


def test_export_command_writes_a_filtered_file(tmp_path, seeded):
    target = tmp_path / "irq.csv"

    call_command(
        "export_incidents", "--preset", "native", "--filter", "country=IRQ", "-o", str(target)
    )

    with target.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 3


def test_export_command_refuses_a_bad_filter(tmp_path):
    with pytest.raises(CommandError, match="date_after"):
        call_command("export_incidents", "--filter", "date_after=soon", "-o", str(tmp_path / "x"))


def test_export_command_refuses_a_misspelt_filter_instead_of_exporting_everything(tmp_path):
    with pytest.raises(CommandError, match="contry"):
        call_command("export_incidents", "--filter", "contry=IRQ", "-o", str(tmp_path / "x"))


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"include_all": "maybe", "preset": "ucdp", "format": "csv"}, "include_all"),
        ({"format": "xml"}, "format"),
        ({"format": "json"}, "format"),  # an export is a file, not a page
        ({"preset": "gdelt", "format": "csv"}, "preset"),
    ],
)
def test_bad_export_options_are_refused_by_name(params, named):
    for url in (EXPORT_URL, "/api/v1/incidents/"):
        if url != EXPORT_URL and params.get("format") == "json":
            continue  # the list's own format
        response = APIClient().get(url, params)

        assert response.status_code == 400, url
        assert named in response.json()


def test_list_downloads_take_the_layout_as_the_export_does(seeded):
    response = APIClient().get("/api/v1/incidents/", {"format": "csv", "preset": "acled"})

    assert 'filename="tessera-incidents-acled-' in response["Content-Disposition"]
    assert len(rows := streamed_rows(response)) == 5
    assert "event_id_cnty" in rows[0]


def test_include_all_takes_the_usual_words_for_yes(seeded):
    response = APIClient().get(EXPORT_URL, {"preset": "ucdp", "include_all": "yes"})

    assert len(streamed_rows(response)) == 5


def test_dataset_layouts_leave_out_retracted_and_merged_records_and_say_so(seeded, editor):
    seeded["1"].status, seeded["1"].retraction_reason = "retracted", "Misdated."
    seeded["1"].save()
    client = APIClient()
    client.force_authenticate(editor)
    merged = client.post(
        f"/api/v1/incidents/{seeded['5'].public_id}/merge/",
        {"into": seeded["4"].public_id, "confirm": True},
        format="json",
    )
    assert merged.status_code == 200
    withdrawn = {seeded["1"].public_id, seeded["5"].public_id}

    public = {"status": "published,retracted"}
    native = APIClient().get(EXPORT_URL, {"preset": "native", **public})
    acled = APIClient().get(EXPORT_URL, {"preset": "acled", **public})
    ucdp = APIClient().get(EXPORT_URL, {"preset": "ucdp", "include_all": "1", **public})

    assert {row["status"] for row in streamed_rows(native) if row["public_id"] in withdrawn} == {
        "retracted"
    }
    assert {row["event_id_cnty"] for row in streamed_rows(acled)}.isdisjoint(withdrawn)
    assert len(streamed_rows(ucdp)) == 3
    assert "retracted" in acled["Tessera-Export-Note"]
    assert "retracted" in ucdp["Tessera-Export-Note"]


def test_import_command_dry_run_and_real_run(tmp_path, seeded):
    exported = tmp_path / "all.csv"
    call_command("export_incidents", "-o", str(exported))
    Incident.objects.filter(public_id="IRQ-2022-00003").update(title="Changed")
    out = io.StringIO()

    call_command("import_incidents", str(exported), "--format", "native", "--dry-run", stdout=out)
    assert Incident.objects.get(public_id="IRQ-2022-00003").title == "Changed"
    assert "Dry run" in out.getvalue()

    call_command("import_incidents", str(exported), "--format", "native", stdout=io.StringIO())
    assert Incident.objects.get(public_id="IRQ-2022-00003").title.startswith("Two armed drones")


def test_import_command_takes_the_layout_by_the_export_commands_name_too(tmp_path, seeded):
    exported = tmp_path / "all.csv"
    call_command("export_incidents", "--preset", "acled", "-o", str(exported))
    out = io.StringIO()

    call_command("import_incidents", str(exported), "--preset", "acled", "--dry-run", stdout=out)

    assert "5 unchanged" in out.getvalue()


def test_import_command_fails_loudly_on_bad_rows(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("public_id,title\n,x\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_incidents", str(bad), "--format", "native", stdout=io.StringIO())


def admin_upload(client, text: str, **options):
    return client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("incidents.csv", text.encode("utf-8")),
            "layout": "native",
            "create_missing": "on",
            **options,
        },
    )


def test_editor_imports_through_the_admin_after_a_dry_run(
    editor_client, seeded, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content).replace(
        "Five rockets land near Ain al-Asad air base", "Five rockets near Ain al-Asad"
    )

    preview = admin_upload(editor_client, exported)

    assert preview.status_code == 200
    assert "Dry run: nothing was written." in preview.content.decode()
    assert Incident.objects.get(public_id="IRQ-2022-00001").title.startswith("Five rockets land")
    stored = preview.context["stored"]

    confirmed = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {"confirm": "1", "stored": stored, "layout": "native", "create_missing": "1"},
    )

    assert confirmed.status_code == 302
    assert Incident.objects.get(public_id="IRQ-2022-00001").title == "Five rockets near Ain al-Asad"


def test_files_never_confirmed_are_removed_after_a_day(editor_client, seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content)
    forgotten = admin_upload(editor_client, exported).context["stored"]
    a_day_ago = time.time() - 25 * 3600
    os.utime(tmp_path / forgotten, (a_day_ago, a_day_ago))
    waiting = admin_upload(editor_client, exported).context["stored"]

    latest = admin_upload(editor_client, exported).context["stored"]

    assert not (tmp_path / forgotten).exists()
    assert (tmp_path / waiting).exists() and (tmp_path / latest).exists()


def test_an_upload_removed_by_another_editor_meanwhile_is_no_error(
    editor_client, seeded, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content)
    earlier = admin_upload(editor_client, exported).context["stored"]
    listdir = FileSystemStorage.listdir

    def listed_then_removed(storage, path):
        listed = listdir(storage, path)
        (tmp_path / earlier).unlink(missing_ok=True)  # another editor's upload removed it just now
        return listed

    monkeypatch.setattr(FileSystemStorage, "listdir", listed_then_removed)

    response = admin_upload(editor_client, exported)

    assert response.status_code == 200
    assert response.context["report"].unchanged == 5


def test_admin_import_report_names_rows_and_columns(editor_client, seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = list(csv.DictReader(io.StringIO("".join(
        b.decode() for b in APIClient().get(EXPORT_URL).streaming_content))))  # fmt: skip
    rows[1]["date_start"] = "2022-02-30"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    response = admin_upload(editor_client, out.getvalue())

    page = response.content.decode()
    [refused] = [fate for fate in response.context["report"].row_fates if fate.problems]
    assert (refused.row, [problem.column for problem in refused.problems]) == (3, ["date_start"])
    assert '<td>3</td>\n        <td><span class="fate fate-problem">problem</span>' in page
    assert "<strong>date_start</strong>" in page
    assert "Import this file" not in page


def test_analysts_cannot_import(analyst_client):
    response = analyst_client.get(reverse("admin:incidents_incident_import"))

    assert response.status_code == 403


def test_staff_without_incident_rights_cannot_export_from_the_admin(db):
    from django.test import Client

    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk")
    clerk.is_staff = True
    clerk.save()
    client = Client()
    client.force_login(clerk)

    assert client.get(reverse("admin:incidents_incident_export")).status_code == 403


def test_admin_import_of_a_non_utf8_file_names_the_line(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("latin1.csv", "public_id,títle\n,Café\n".encode("latin-1")),
            "layout": "native",
        },
    )

    assert response.status_code == 200
    [problem] = response.context["report"].problems
    assert (problem.row, problem.message[:23]) == (1, "Line 1 is not UTF-8 tex")


def test_admin_import_reads_a_file_saved_with_a_byte_order_mark(
    editor_client, seeded, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content)

    response = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("excel.csv", ("\ufeff" + exported).encode("utf-8")),
            "layout": "native",
        },
    )

    assert response.context["report"].problems == []
    assert response.context["report"].unchanged == 5


def test_a_byte_that_is_not_utf8_far_into_the_file_is_refused_naming_its_line(
    editor_client, seeded, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content)
    broken = exported.encode("utf-8") * 300 + "Café\n".encode("latin-1")

    response = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {"file": SimpleUploadedFile("mixed.csv", broken), "layout": "native"},
    )

    assert response.context["report"].file_problem.message.startswith(
        f"Line {exported.count(chr(10)) * 300 + 1} is not UTF-8"
    )
    assert list(tmp_path.glob("imports/*")) == []


def test_acled_export_of_our_own_records_reimports_unchanged(seeded):
    from csvio.imports import import_incidents
    from csvio.layouts import PRESETS

    response = APIClient().get(EXPORT_URL, {"preset": "acled"})
    exported = b"".join(response.streaming_content).decode()

    report = import_incidents(io.StringIO(exported), PRESETS["acled"])

    assert report.problems == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert Incident.objects.count() == 5


def test_ucdp_export_leaves_out_deathless_incidents_and_says_so(seeded):
    place = LocationFactory()
    IncidentFactory(location=place, violence_type=1, fatalities_low=0, fatalities_best=0,
                    fatalities_high=1)  # fmt: skip

    scoped = APIClient().get(EXPORT_URL, {"preset": "ucdp"})
    everything = APIClient().get(EXPORT_URL, {"preset": "ucdp", "include_all": "1"})

    assert len(streamed_rows(scoped)) == 1  # only the one with a death in its high estimate
    assert "include_all" in scoped["Tessera-Export-Note"]
    assert len(streamed_rows(everything)) == 6
    assert "include_all" not in everything["Tessera-Export-Note"]


def test_a_file_with_a_very_long_name_uploads(editor_client, seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exported = "".join(b.decode() for b in APIClient().get(EXPORT_URL).streaming_content)

    preview = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {
            "file": SimpleUploadedFile("incidents-" + "x" * 240 + ".csv", exported.encode()),
            "layout": "native",
            "create_missing": "on",
        },
    )

    assert preview.status_code == 200
    assert "Dry run: nothing was written." in preview.content.decode()
