from __future__ import annotations

import dataclasses
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

import incidents.admin_sources  # noqa: F401 (registers the sources' admin)
from csvio.admin_views import export_action, export_changelist, import_view, row_report_view
from csvio.layouts import PRESETS
from geo.admin import CountriesWithRecordsFilter
from incidents import admin_duplicates, admin_merge, admin_workflow
from incidents.admin_forms import CitationForm, IncidentActorForm, IncidentForm
from incidents.admin_list import (
    SEARCH_HELP,
    ConfidenceFilter,
    CountryFilter,
    DateFilter,
    EventTypeFilter,
    IncidentChangeList,
    StatusFilter,
    incident_filterset,
    place,
    status_badge,
)
from incidents.admin_queues import QueueFilter, editors_comment, shows_comments
from incidents.admin_review import review_buttons, review_urls
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Tag,
)
from incidents.taxonomy import PUBLIC_STATUSES, Status
from incidents.version_changes import BOOKKEEPING_FIELDS
from incidents.workflow import is_editor, status_choices_for


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    form = IncidentActorForm
    extra = 2
    autocomplete_fields = ["actor"]


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    extra = 1
    autocomplete_fields = ["source"]


class IncidentRelationInline(admin.TabularInline):
    model = IncidentRelation
    fk_name = "from_incident"
    extra = 0
    autocomplete_fields = ["to_incident"]
    verbose_name = "related incident"
    verbose_name_plural = "related incidents"


class ChangedFieldsOnly(HistoricalRecordContextHelper):
    """The history page's list of changes, without the fields every save changes."""

    def context_for_delta_changes(self, delta):
        changes = [change for change in delta.changes if change.field not in BOOKKEEPING_FIELDS]
        return super().context_for_delta_changes(
            dataclasses.replace(
                delta, changes=changes, changed_fields=[change.field for change in changes]
            )
        )


REVIEW = "Review"


def has_review_to_show(incident: Incident) -> bool:
    """Whether an editor has written anything in the review section: only then does an
    author see it (editors, who write it, always do; nobody on a new record)."""
    return bool(incident.review_note or incident.retraction_reason or incident.duplicate_of_id)


# The incident form's sections, in the order an analyst fills them in.
INCIDENT_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "public_id",
                "title",
                "summary",
                "status",
                "confidence",
                "tags",
                "seen_version",
                "not_duplicates",
            ]
        },
    ),
    (
        REVIEW,
        {
            "description": "An editor sends a record back with a comment, and retracts "
            "a published one with a reason that its public page shows.",
            "fields": ["review_note", "retraction_reason", "duplicate_of"],
        },
    ),
    ("When", {"fields": [("date_start", "date_end", "date_precision")]}),
    (
        "What",
        {
            "fields": [
                ("event_type", "sub_event_type"),
                "violence_type",
                ("weapon", "munition_count"),
                ("outcome", "damage"),
            ]
        },
    ),
    ("Where", {"fields": ["location", "geo_precision", "origin_location"]}),
    (
        "Casualties",
        {
            "description": "Leave empty when the sources say nothing; enter 0 when they "
            "report none.",
            "fields": [("fatalities_low", "fatalities_best", "fatalities_high"), "injured"],
        },
    ),
    (
        "Imported from",
        {"classes": ["collapse"], "fields": [("dataset", "dataset_event_id")]},
    ),
    (
        "Record",
        {
            "classes": ["collapse"],
            "fields": [
                ("created_at", "created_by"),
                ("updated_at", "updated_by"),
                ("version", "independent_sources"),
            ],
        },
    ),
]


def is_revert(request: HttpRequest) -> bool:
    """Whether the request is the history page's form, which restores an earlier version."""
    match = request.resolver_match
    return match is not None and match.url_name == "incidents_incident_simple_history"


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    form = IncidentForm
    change_list_template = "admin/incidents/incident/change_list.html"
    actions = [
        admin_workflow.submit_for_review,
        admin_workflow.publish,
        admin_workflow.retract,
        *(export_action(name) for name in PRESETS),
    ]
    inlines = [IncidentActorInline, CitationInline, IncidentRelationInline]
    autocomplete_fields = ["location", "origin_location", "tags"]
    # Few enough columns to fit 1280 px without scrolling sideways (the browser test checks).
    list_display = [
        "public_id",
        "title",
        "dates",
        "event_type",
        place,
        "fatalities_best",
        status_badge,
    ]
    list_display_links = ["public_id", "title"]
    list_select_related = ["location"]
    # The sidebar sets IncidentFilterSet's parameters, which IncidentChangeList runs.
    list_filter = [
        QueueFilter,
        EventTypeFilter,
        StatusFilter,
        ConfidenceFilter,
        DateFilter,
        CountryFilter,
    ]
    # Shows the search box (and allows autocomplete); the search is the FilterSet's `q`.
    search_fields = ["search_document"]
    search_help_text = SEARCH_HELP
    readonly_fields = [
        "public_id",
        "duplicate_of",
        "independent_sources",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]
    fieldsets = INCIDENT_FIELDSETS

    class Media:
        js = ["js/sub_event_types.js", "js/duplicate_candidates.js", "js/citation_supports.js"]
        css = {"all": ["css/duplicates.css"]}

    @admin.display(description="dates", ordering="date_start")
    def dates(self, incident: Incident) -> str:
        if incident.date_end and incident.date_end != incident.date_start:
            return f"{incident.date_start} – {incident.date_end}"
        return str(incident.date_start)

    def get_list_display(self, request: HttpRequest):
        columns = super().get_list_display(request)
        return [*columns, editors_comment] if shows_comments(request) else columns

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[IncidentChangeList]:
        return IncidentChangeList

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        """The API's text search (`q`), for the autocomplete of related incidents too."""
        filterset = incident_filterset(request, {"q": search_term}, queryset)
        return (filterset.qs if filterset.is_valid() else queryset.none()), False

    def get_urls(self):
        extra = [
            path(
                "export/",
                self.admin_site.admin_view(partial(export_changelist, self)),
                name="incidents_incident_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(partial(import_view, self)),
                name="incidents_incident_import",
            ),
            path(
                "import/rows/<str:name>/",
                self.admin_site.admin_view(partial(row_report_view, self)),
                name="incidents_incident_import_rows",
            ),
            path(
                "<path:object_id>/retract/",
                self.admin_site.admin_view(partial(admin_workflow.retract_view, self)),
                name="incidents_incident_retract",
            ),
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(partial(admin_merge.merge_view, self)),
                name="incidents_incident_merge",
            ),
            *review_urls(self),
            *admin_duplicates.urls(self),
        ]
        return extra + super().get_urls()

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return is_editor(request.user)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        # A published record is retracted, never deleted; "Retract" asks for the reason.
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        incident = self.get_object(request, unquote(object_id))
        public = incident is not None and incident.status in PUBLIC_STATUSES
        if public and self.has_delete_permission(request, incident):
            return redirect("admin:incidents_incident_retract", incident.pk)
        return super().delete_view(request, object_id, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        incident = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "may_publish": is_editor(request.user),
            "review_buttons": review_buttons(request.user, incident) if incident else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("The incident was deleted; its versions can be read on its history page.")
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record):
        return ChangedFieldsOnly(self.model, historical_record)

    def view_on_site(self, incident: Incident) -> str | None:
        if incident.status in PUBLIC_STATUSES:
            return reverse("incident-page", args=[incident.public_id])
        return None

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "presets": list(PRESETS),
            "may_import": request.user.has_perm("incidents.publish_incident"),
        }
        return super().changelist_view(request, extra_context)

    def get_form(self, request: HttpRequest, obj: Incident | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        form.reverting = is_revert(request)
        if "status" in form.base_fields:
            # A new record's status (the buttons move a saved one): only those this user may
            # choose (`clean` enforces the rule), and never published: that asks first.
            form.base_fields["status"].widget.choices = [
                (value, label)
                for value, label in status_choices_for(request.user, None)
                if value != Status.PUBLISHED
            ]
        return form

    def get_fieldsets(self, request: HttpRequest, obj: Incident | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and (is_editor(request.user) or has_review_to_show(obj)):
            return fieldsets
        return [(name, options) for name, options in fieldsets if name != REVIEW]

    def get_readonly_fields(self, request: HttpRequest, obj: Incident | None = None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # A record moves between statuses by the review buttons, which ask first.
            readonly = [*readonly, "status"]
        if is_editor(request.user):
            return readonly
        # The comment to the author and the public retraction notice are the editors' words.
        return [*readonly, "review_note", "retraction_reason"]

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        assert request.user.is_authenticated  # the admin lets only signed-in staff in
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if form.reverting:
            self.message_user(
                request,
                "The record's fields are restored; its status, actors and citations are as "
                "they were before the revert.",
                messages.INFO,
            )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        admin_duplicates.record_and_warn(self, request, form)


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor_type", "country", "parent"]
    list_select_related = ["parent"]
    list_filter = ["actor_type", CountriesWithRecordsFilter]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["parent", "backed_by"]
    fields = [
        "name",
        "aliases",
        ("actor_type", "country"),
        "parent",
        "backed_by",
        ("wikidata_id", "ucdp_id"),
    ]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
