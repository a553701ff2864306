from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from geo import gazetteer
from geo.models import Location


class CountriesWithRecordsFilter(admin.SimpleListFilter):
    """A list's country filter with only the countries its records are in, not all 249 of
    ISO 3166. For any model with a `country` field of alpha-3 codes."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            model_admin.get_queryset(request)
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
            .order_by("country")
        )
        return [(code, f"{gazetteer.country_name(code)} ({code})") for code in codes]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(country=self.value()) if self.value() else queryset


class LocationForm(forms.ModelForm):
    admin1 = forms.ChoiceField(
        label="Admin-1 area",
        required=False,
        choices=lambda: [("", "---------"), *gazetteer.admin1_choices()],
        help_text="Province or governorate (ISO 3166-2); it must lie in the chosen country.",
    )

    class Media:
        js = ["js/admin1_by_country.js"]

    class Meta:
        model = Location
        fields = "__all__"
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "min": -90, "max": 90}),
            "longitude": forms.NumberInput(attrs={"step": "any", "min": -180, "max": 180}),
            "alternate_names": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    form = LocationForm
    list_display = ["name", "kind", "country", "admin1_name", "latitude", "longitude"]
    list_filter = ["kind", CountriesWithRecordsFilter]
    search_fields = ["name", "alternate_names", "admin2"]
    autocomplete_fields = ["parent"]
    fields = [
        "name",
        "alternate_names",
        "kind",
        ("latitude", "longitude"),
        ("country", "admin1", "admin2"),
        "parent",
        ("geonames_id", "wikidata_id"),
    ]

    @admin.display(description="admin-1 area", ordering="admin1")
    def admin1_name(self, location: Location) -> str:
        return location.admin1_name
