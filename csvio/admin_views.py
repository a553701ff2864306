"""The admin's CSV pages: export the filtered list or a selection, and import a file.

Exports go through the presets and the streaming writer of csvio.export; the import
page runs a dry run first and writes only when the editor confirms.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import uuid
from pathlib import PurePosixPath
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from csvio.export import streamed_incidents
from csvio.imports import ImportReport, import_incidents
from csvio.imports.detect import DETECT
from csvio.imports.read import text_lines
from csvio.layouts import PRESETS
from incidents.api.serializers import ExportOptions
from incidents.filters import filters_named_in, statuses_named_in
from incidents.models import Incident

UPLOADS = "imports"
# Each import's every-row report, kept as long as an unconfirmed upload.
ROW_REPORTS = "import_rows"
# A file checked in a dry run waits for the editor to confirm it; one never confirmed is
# removed once it is this old.
UNCONFIRMED_KEPT = dt.timedelta(days=1)
ROW_REPORT_END = "_rows.csv"
ROW_REPORT_NAME = re.compile(r"[0-9a-f]{32}" + re.escape(ROW_REPORT_END))


def export_changelist(model_admin, request: HttpRequest) -> HttpResponseBase:
    """The admin list as it is filtered, searched and sorted now, as one CSV file.

    The list's filters are IncidentFilterSet's, so the file holds what the API's export with
    the same parameters holds, under the same name. The list shows every status, but a layout
    without a status column holds drafts and records in review only when the list's `status`
    filter names them (and then the file's name and the note say so).
    """
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    # Read as the API reads them (ExportOptions); the rest of the query is the list's filter.
    layout = QueryDict(mutable=True)
    list_query = request.GET.copy()
    for name in ("preset", "include_all"):
        if name in list_query:
            layout.setlist(name, list_query.pop(name))
    request.GET = QueryDict(list_query.urlencode())
    list_url = reverse("admin:incidents_incident_changelist")
    try:
        preset, include_all = ExportOptions.of(layout)
    except ValidationError as error:
        # A serializer's errors: the messages by field name.
        for name, problems in cast("dict[str, list[str]]", error.detail).items():
            messages.error(request, f"{name}: {' '.join(problems)}")
        return redirect(list_url)
    try:
        incidents = model_admin.get_changelist_instance(request).queryset
    except IncorrectLookupParameters:  # as the list itself answers them
        return redirect(f"{list_url}?{ERROR_FLAG}=1")
    statuses = statuses_named_in(request.GET)
    if note := preset.export_note(include_all=include_all, statuses=statuses):
        model_admin.message_user(request, note, messages.INFO)
    return streamed_incidents(
        preset.export_queryset(incidents, include_all=include_all, statuses=statuses),
        "csv",
        preset,
        links_to=Incident.objects.visible_to(request.user),
        filters=filters_named_in(request.GET),
    )


def export_action(preset_name: str):
    preset = PRESETS[preset_name]

    @admin.action(description=f"Export selected incidents to CSV ({preset_name})")
    def export_selected(model_admin, request: HttpRequest, queryset) -> HttpResponseBase:
        # Rows picked one by one are what the editor wants, whatever the dataset holds; but
        # a layout that cannot say a record's status holds drafts and records in review only
        # when the list was filtered by them (its query stays on the action's URL), and never
        # a retracted record.
        statuses = statuses_named_in(request.GET)
        chosen = preset.export_queryset(queryset, include_all=True, statuses=statuses)
        if note := preset.export_note(include_all=True, statuses=statuses):
            model_admin.message_user(request, note, messages.INFO)
        return streamed_incidents(
            chosen.order_by("-date_start", "-id"),
            "csv",
            preset,
            links_to=Incident.objects.visible_to(request.user),
            filters=[("status", status) for status in statuses],
        )

    export_selected.__name__ = f"export_selected_{preset_name}"
    return export_selected


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"A CSV file, UTF-8, with the layout's header row; at most "
        f"{settings.IMPORT_MAX_UPLOAD_MB} MB."
    )
    layout = forms.ChoiceField(
        choices=[(DETECT, "Detect from the header")]
        + [(name, preset.label) for name, preset in PRESETS.items()],
        initial=DETECT,
        required=False,  # detected from the header
        help_text="An explicit choice is used as chosen.",
    )
    create_missing = forms.BooleanField(
        required=False,
        initial=True,
        label="Create actors, places and sources that do not exist yet",
    )
    skip_bad_rows = forms.BooleanField(
        required=False, label="Write the good rows even if some rows fail"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; files of at most "
                f"{settings.IMPORT_MAX_UPLOAD_MB} MB are imported here (IMPORT_MAX_UPLOAD_MB). "
                "Import a larger file with `manage.py import_incidents`, or split it."
            )
        return upload


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Upload → dry run with the full report → confirm, which imports the same file."""
    if not request.user.has_perm("incidents.publish_incident"):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _remove_unconfirmed_uploads()
        upload = form.cleaned_data["file"]
        # Under its own name too: the history of what it imports names the file.
        stored = default_storage.save(
            f"{UPLOADS}/{uuid.uuid4().hex}_{PurePosixPath(upload.name).name[-100:]}", upload
        )
        options = _options(form.cleaned_data)
        try:
            report, rows = _run(stored, options, request, dry_run=True)
        except BaseException:
            default_storage.delete(stored)  # never left behind, whatever went wrong
            raise
        if (
            report.file_problem
            or report.must_fix
            or (report.problems and not options["skip_bad_rows"])
        ):
            default_storage.delete(stored)  # it cannot be confirmed as it is
            stored = ""
        context.update(report=report, stored=stored, options=options, rows=rows)
    context["form"] = form
    return TemplateResponse(request, "admin/incidents/incident/import.html", context)


def _remove_unconfirmed_uploads() -> None:
    """Remove the uploads never confirmed, and the row reports, once UNCONFIRMED_KEPT old."""
    cutoff = timezone.now() - UNCONFIRMED_KEPT
    for folder in (UPLOADS, ROW_REPORTS):
        try:
            _, names = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = f"{folder}/{name}"
            try:
                stale = default_storage.get_modified_time(path) < cutoff
            except FileNotFoundError:  # confirmed, or removed by another editor's upload
                continue
            if stale:
                default_storage.delete(path)


def _options(data: dict) -> dict:
    return {
        "layout": data["layout"] or DETECT,
        "create_missing": bool(data["create_missing"]),
        "skip_bad_rows": bool(data["skip_bad_rows"]),
    }


def _run(
    stored: str, options: dict, request: HttpRequest, *, dry_run: bool
) -> tuple[ImportReport, str]:
    """The import's report, and the name of its every-row report (see row_report_view)."""
    # Read as the import goes, not whole: memory stays flat however large the file.
    with default_storage.open(stored, "rb") as raw, tempfile.TemporaryFile() as rows:
        text = io.TextIOWrapper(rows, encoding="utf-8", newline="")
        report = import_incidents(
            text_lines(raw),
            PRESETS.get(options["layout"]),  # None: detected from the header
            dry_run=dry_run,
            create_missing=options["create_missing"],
            skip_bad_rows=options["skip_bad_rows"],
            user=request.user,
            file_name=_uploaded_name(stored),
            row_file=text,
        )
        text.flush()
        text.detach()
        rows.seek(0)
        name = default_storage.save(f"{ROW_REPORTS}/{uuid.uuid4().hex}{ROW_REPORT_END}", File(rows))
    return report, PurePosixPath(name).name


def row_report_view(model_admin, request: HttpRequest, name: str) -> HttpResponseBase:
    """Every row's fate in an import, as CSV (the page shows the first ROWS_KEPT); removed
    with the unconfirmed uploads."""
    if not request.user.has_perm("incidents.publish_incident"):
        raise PermissionDenied
    path = f"{ROW_REPORTS}/{name}"
    if not ROW_REPORT_NAME.fullmatch(name) or not default_storage.exists(path):
        raise Http404("This report is gone; check the file again.")
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename="import-rows.csv",
        content_type="text/csv; charset=utf-8",
    )


def _uploaded_name(stored: str) -> str:
    """The name the editor's file had (the storage may have made it safe to store)."""
    return PurePosixPath(stored).name.partition("_")[2]


def _confirm(model_admin, request: HttpRequest, context: dict) -> HttpResponse:
    stored = request.POST.get("stored", "")
    if not stored.startswith(f"{UPLOADS}/") or ".." in stored or not default_storage.exists(stored):
        messages.error(request, "The uploaded file is gone; upload it again.")
        return redirect("admin:incidents_incident_import")
    options = {
        "layout": request.POST.get("layout", DETECT),
        "create_missing": request.POST.get("create_missing") == "1",
        "skip_bad_rows": request.POST.get("skip_bad_rows") == "1",
    }
    if options["layout"] not in [DETECT, *PRESETS]:
        raise PermissionDenied
    try:
        report, rows = _run(stored, options, request, dry_run=False)
    except FileNotFoundError:  # removed as unconfirmed since the check above
        messages.error(request, "The uploaded file is gone; upload it again.")
        return redirect("admin:incidents_incident_import")
    default_storage.delete(stored)
    level = messages.SUCCESS if report.written else messages.ERROR
    messages.add_message(request, level, report.summary())
    if report.written:
        return redirect("admin:incidents_incident_changelist")
    context.update(report=report, rows=rows, form=ImportForm())
    return TemplateResponse(request, "admin/incidents/incident/import.html", context)
