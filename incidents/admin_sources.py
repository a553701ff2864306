"""The admin of sources: what they are, where they came from, and the copy that was kept.

Captured copies are not public media (nothing serves MEDIA_URL): staff who may view a source
download its copy through the admin, and can check that the stored copies still have the
SHA-256 recorded at upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from incidents.captures import verify_capture
from incidents.models import Actor, Publisher, Source


@dataclass(frozen=True)
class Download:
    """A stored file as the file widget shows it: its name, linked to the staff download."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class CaptureInput(AdminFileWidget):
    """The upload field, with the current copy linked to the admin download view."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            url = reverse("admin:incidents_source_capture", args=[value.instance.pk])
            context["widget"]["value"] = Download(value.name, url)
        return context


def capture_size(upload) -> None:
    """A captured copy is at most CAPTURE_MAX_UPLOAD_MB."""
    limit = settings.CAPTURE_MAX_UPLOAD_MB
    if upload and upload.size > limit * 1024 * 1024:
        raise ValidationError(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; a captured copy may be at most "
            f"{limit} MB (CAPTURE_MAX_UPLOAD_MB)."
        )


# The records an independence key ("actor:12", "source:7") can name.
KEYED_MODELS: dict[str, type[Actor] | type[Source]] = {"actor": Actor, "source": Source}


@admin.register(Publisher)
class PublisherAdmin(SimpleHistoryAdmin):
    list_display = ["name", "other_names", "web_domains", "source_type"]
    search_fields = ["name", "aliases", "domains"]
    fields = ["name", "aliases", "domains", "source_type"]

    @admin.display(description="aliases")
    def other_names(self, publisher: Publisher) -> str:
        return "; ".join(publisher.alias_list)

    @admin.display(description="web domains")
    def web_domains(self, publisher: Publisher) -> str:
        return "; ".join(publisher.domain_list)

    def get_readonly_fields(self, request: HttpRequest, obj: Publisher | None = None):
        # Sources refer to a publisher by its name: another spelling is added as an alias.
        return ["name"] if obj is not None else []


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.FileField: {"widget": CaptureInput, "validators": [capture_size]},
    }
    list_display = [
        "label",
        "publisher",
        "published_at",
        "source_type",
        "republished_from",
        "independence_key",
    ]
    list_select_related = ["republished_from"]
    list_filter = ["source_type", "published_at"]
    search_fields = ["title", "publisher__name", "publisher__aliases", "author", "url"]
    autocomplete_fields = ["publisher", "republished_from", "originator"]
    readonly_fields = ["origin", "content_sha256"]
    actions = ["verify_captures"]
    fieldsets = [
        (
            None,
            {
                # A URL alone makes a source: the title, publisher and type can follow from it.
                "fields": [
                    "url",
                    "title",
                    ("publisher", "author"),
                    ("published_at", "language", "source_type"),
                ]
            },
        ),
        ("Provenance", {"fields": ["republished_from", "originator", "origin"]}),
        ("Archive", {"fields": ["archive_url", "captured_at", "capture", "content_sha256"]}),
    ]

    def get_urls(self):
        capture = path(
            "<path:object_id>/capture/",
            self.admin_site.admin_view(self.capture_view),
            name="incidents_source_capture",
        )
        return [capture, *super().get_urls()]

    @admin.display(description="title", ordering="title")
    def label(self, source: Source) -> str:
        return source.label

    @admin.display(description="independent origin")
    def origin(self, source: Source) -> str:
        """What the source's claim goes back to, as its independence key says."""
        kind, _, pk = source.independence_key.partition(":")
        model = KEYED_MODELS.get(kind)
        record = model.objects.filter(pk=pk).first() if model else None
        if record is None:
            return source.independence_key or "–"
        what = "the claim of" if kind == "actor" else "first published as"
        url = reverse(f"admin:incidents_{kind}_change", args=[record.pk])
        return format_html(
            '{} <a href="{}">{}</a> ({})', what, url, record, source.independence_key
        )

    @admin.action(description="Verify captured copies", permissions=["view"])
    def verify_captures(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Hash each stored copy again and say, per source, whether it is unchanged."""
        matching, without = [], []
        for source in queryset:
            verified = verify_capture(source)
            if verified:
                matching.append(str(source))
            elif verified is False:
                messages.error(
                    request,
                    f"The captured copy of “{source}” does not match its recorded SHA-256: "
                    "it changed after it was uploaded.",
                )
            elif source.capture:
                messages.error(
                    request,
                    f"The captured copy of “{source}” ({source.capture.name}) is missing "
                    "from storage.",
                )
            else:
                without.append(str(source))
        if matching:
            messages.success(
                request, "Unchanged since upload (SHA-256 matches): " + "; ".join(matching) + "."
            )
        if without:
            messages.warning(request, "No captured copy to verify: " + "; ".join(without) + ".")

    def capture_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        """The captured copy, as a download, for users who may view the source."""
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404("No such source.")
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        if not source.capture:
            raise Http404("This source has no captured copy.")
        try:
            file = source.capture.storage.open(source.capture.name, "rb")
        except FileNotFoundError as error:
            raise Http404("The captured copy is missing from storage.") from error
        # An attachment, never rendered inline: a captured HTML page could hold scripts.
        name = PurePosixPath(source.capture.name).name
        return FileResponse(file, as_attachment=True, filename=name)
