"""The layout of a file is read from its header unless one is chosen, and the import says
which it used; a file chosen in the wrong layout is named for what it is."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from csvio.imports import import_incidents
from csvio.imports.detect import detected_layout
from csvio.layouts import PRESETS
from csvio.layouts.acled import ACLED
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP
from incidents.models import Incident
from tests.csvio.test_acled_preset import ACLED_FILE, acled_csv
from tests.csvio.test_ucdp_preset import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("preset", PRESETS.values(), ids=PRESETS)
def test_each_layouts_own_header_is_detected_as_it(preset):
    assert detected_layout(preset.header) is preset


def test_an_acled_file_without_a_chosen_layout_is_imported_as_acled():
    report = import_incidents(acled_csv(ACLED_FILE))

    assert report.written and report.created == len(ACLED_FILE)
    assert (report.preset, report.detected) == ("acled", True)
    assert report.summary().startswith(
        "Read in the ACLED layout (detected from the header). 3 rows read"
    )


def test_an_acled_file_chosen_as_native_says_what_it_looks_like():
    report = import_incidents(acled_csv(ACLED_FILE), NATIVE)

    [problem] = report.problems
    assert problem.message.startswith("This looks like an ACLED file, not Tessera native")
    assert not report.written and not Incident.objects.exists()


def test_an_explicit_choice_is_used_as_chosen():
    report = import_incidents(acled_csv(ACLED_FILE), ACLED, dry_run=True)

    assert (report.preset, report.detected) == ("acled", False)
    assert "Read in the ACLED layout (as chosen)." in report.summary()


def test_a_header_that_fits_no_layout_names_the_closest_and_what_it_lacks():
    text = ",".join(UCDP.header[:-3]) + "\n"

    report = import_incidents(io.StringIO(text))

    [problem] = report.problems
    assert "fits none of the layouts" in problem.message and "closest is UCDP GED" in (
        problem.message
    )
    assert problem.column == ", ".join(UCDP.header[-3:])


def test_the_command_detects_the_real_ucdp_sample(tmp_path):
    out = io.StringIO()
    rows = tmp_path / "rows.csv"

    call_command("import_incidents", str(SAMPLE), "--dry-run", "--rows", str(rows), stdout=out)

    assert out.getvalue().startswith(
        "Read in the UCDP GED layout (detected from the header). 617 rows read"
    )
    lines = rows.read_text().splitlines()
    assert (len(lines), lines[1], lines[-1]) == (618, "2,new,,", "618,new,,")
    assert not Incident.objects.exists()


def test_the_command_detects_an_acled_file(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text(acled_csv(ACLED_FILE).getvalue(), encoding="utf-8")
    out = io.StringIO()

    call_command("import_incidents", str(path), stdout=out)

    assert "Read in the ACLED layout (detected from the header)" in out.getvalue()
    assert Incident.objects.filter(dataset="acled").count() == len(ACLED_FILE)


def test_the_command_refuses_an_acled_file_chosen_as_native_naming_acled(tmp_path):
    path = tmp_path / "acled.csv"
    path.write_text(acled_csv(ACLED_FILE).getvalue(), encoding="utf-8")

    with pytest.raises(CommandError, match="This looks like an ACLED file"):
        call_command("import_incidents", str(path), "--format", "native", stdout=io.StringIO())


def test_the_admin_detects_an_acled_file_by_default(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = editor_client.get(reverse("admin:incidents_incident_import")).context["form"]
    upload = SimpleUploadedFile("acled.csv", acled_csv(ACLED_FILE).getvalue().encode())

    response = editor_client.post(
        reverse("admin:incidents_incident_import"),
        {"file": upload, "layout": form["layout"].value(), "create_missing": "on"},
    )

    report = response.context["report"]
    assert (report.preset, report.detected, report.created) == ("acled", True, 3)
    assert "Read in the ACLED layout (detected from the header)" in response.content.decode()
    assert not Incident.objects.exists()  # a dry run first
    options = response.context["options"]

    editor_client.post(
        reverse("admin:incidents_incident_import"),
        {
            "confirm": "1",
            "stored": response.context["stored"],
            "layout": options["layout"],
            "create_missing": "1",
        },
    )

    assert Incident.objects.filter(dataset="acled").count() == len(ACLED_FILE)
