from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from geo import gazetteer
from geo.models import Location
from incidents import admin_sources  # noqa: F401 (registers SourceAdmin)
from incidents.admin_csv import export_action, export_changelist, import_view
from incidents.duplicates import likely_duplicates
from incidents.models import (
    Actor,
    Citation,
    Incident,
    IncidentActor,
    IncidentRelation,
    Tag,
)
from incidents.presets import PRESETS
from incidents.taxonomy import Claim
from incidents.workflow import may_set_status, status_choices_for


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    extra = 2
    autocomplete_fields = ["actor"]


class CitationForm(forms.ModelForm):
    supports = forms.MultipleChoiceField(
        choices=Claim.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the quote supports.",
    )

    class Meta:
        model = Citation
        fields = ["source", "quote", "locator", "supports", "stance"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}


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


class CountryFilter(admin.SimpleListFilter):
    """Only the countries that have incidents, not all 249 of ISO 3166."""

    title = "country"
    parameter_name = "location__country"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        codes = (
            Location.objects.filter(incidents__isnull=False)
            .values_list("country", flat=True)
            .distinct()
            .order_by("country")
        )
        return [(code, f"{gazetteer.country_name(code)} ({code})") for code in codes]

    def queryset(self, request: HttpRequest, queryset):
        if self.value():
            return queryset.filter(location__country=self.value())
        return queryset


class IncidentForm(forms.ModelForm):
    """The incident form; it knows who fills it in, because status changes depend on that."""

    user = None

    class Meta:
        model = Incident
        fields = "__all__"
        widgets = {
            "title": forms.TextInput(attrs={"size": 80}),
            "summary": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        current = self.instance.status if self.instance.pk else None
        if not may_set_status(self.user, current, status):
            raise forms.ValidationError("Only editors can publish or retract incidents.")
        return status


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    form = IncidentForm
    change_list_template = "admin/incidents/incident/change_list.html"
    actions = [export_action(name) for name in PRESETS]
    inlines = [IncidentActorInline, CitationInline, IncidentRelationInline]
    autocomplete_fields = ["location", "origin_location", "tags"]
    list_display = [
        "public_id",
        "dates",
        "event_type",
        "sub_event_type",
        "place",
        "country",
        "fatalities_best",
        "status",
    ]
    list_display_links = ["public_id"]
    list_select_related = ["location"]
    list_filter = [
        "event_type",
        CountryFilter,
        "status",
        "confidence",
        "date_start",
    ]
    date_hierarchy = "date_start"
    search_fields = [
        "public_id",
        "title",
        "summary",
        "location__name",
        "location__alternate_names",
        "actors__name",
        "actors__aliases",
    ]
    readonly_fields = ["public_id", "created_at", "created_by", "updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["public_id", "title", "summary", "status", "confidence", "tags"]}),
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
                "fields": [("created_at", "created_by"), ("updated_at", "updated_by")],
            },
        ),
    ]

    @admin.display(description="dates", ordering="date_start")
    def dates(self, incident: Incident) -> str:
        if incident.date_end and incident.date_end != incident.date_start:
            return f"{incident.date_start} – {incident.date_end}"
        return str(incident.date_start)

    @admin.display(description="place", ordering="location__name")
    def place(self, incident: Incident) -> str:
        return incident.location.name

    @admin.display(description="country", ordering="location__country")
    def country(self, incident: Incident) -> str:
        return incident.location.country

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
        ]
        return extra + super().get_urls()

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
        if "status" in form.base_fields:
            # Offer only the statuses this user may choose; `clean_status` enforces the rule.
            form.base_fields["status"].widget.choices = status_choices_for(
                request.user, obj.status if obj else None
            )
        return form

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self.warn_about_likely_duplicates(request, form.instance)

    def warn_about_likely_duplicates(self, request: HttpRequest, incident: Incident) -> None:
        duplicates = likely_duplicates(incident)
        if not duplicates:
            return
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:incidents_incident_change", args=[other.pk]), str(other))
                for other in duplicates
            ),
        )
        self.message_user(
            request,
            format_html(
                "Possible duplicate: {} of the same type within a day and 10 km: {}. "
                "If it is the same event, link the records as “same event as”.",
                "an incident" if len(duplicates) == 1 else f"{len(duplicates)} incidents",
                links,
            ),
            level=messages.WARNING,
        )


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "actor_type", "country", "parent"]
    list_select_related = ["parent"]
    list_filter = ["actor_type", "country"]
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
