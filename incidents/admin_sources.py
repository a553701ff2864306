"""The admin of sources: what they are, where they came from, and the copy that was kept."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_at", "source_type", "republished_from"]
    list_select_related = ["republished_from"]
    list_filter = ["source_type", "published_at"]
    search_fields = ["title", "publisher", "author", "url"]
    autocomplete_fields = ["republished_from", "originator"]
    readonly_fields = ["content_sha256"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "url",
                    ("publisher", "author"),
                    ("published_at", "language", "source_type"),
                ]
            },
        ),
        ("Provenance", {"fields": ["republished_from", "originator"]}),
        ("Archive", {"fields": ["archive_url", "captured_at", "capture", "content_sha256"]}),
    ]
