from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import validators
from core.models import (
    AuditTrail,
    ConstraintMessagesOnFields,
    TimeStampedModel,
    check_constraint,
    choices_constraint,
)
from geo import gazetteer


class LocationKind(models.TextChoices):
    MILITARY_BASE = "military base", "military base"
    AIRPORT = "airport", "airport"
    CITY = "city/town", "city/town"
    VILLAGE = "village", "village"
    DISTRICT = "district", "district"
    GOVERNORATE = "governorate", "governorate"
    COUNTRY = "country", "country"
    AREA = "area", "area"


class Location(ConstraintMessagesOnFields, TimeStampedModel):
    """A named place with WGS84 coordinates, where incidents happen or are fired from."""

    name = models.CharField(max_length=200)
    alternate_names = models.TextField(
        blank=True, help_text="Other spellings and names, one per line."
    )
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    latitude = models.FloatField(help_text="WGS84 decimal degrees, -90 to 90.")
    longitude = models.FloatField(help_text="WGS84 decimal degrees, -180 to 180.")
    country = models.CharField(
        max_length=3,
        choices=gazetteer.country_choices,
        help_text="ISO 3166-1 alpha-3 code.",
    )
    admin1 = models.CharField(
        "admin-1 area",
        max_length=6,
        blank=True,
        help_text="ISO 3166-2 code of the province or governorate.",
    )
    admin2 = models.CharField("admin-2 area", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    geonames_id = models.PositiveIntegerField("GeoNames id", null=True, blank=True)
    wikidata_id = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[validators.wikidata_id]
    )

    history = AuditTrail()

    constraint_fields = {
        "location_latitude_range": "latitude",
        "location_longitude_range": "longitude",
        "location_kind_valid": "kind",
    }

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="location_coordinates"),
            models.Index(fields=["country", "admin1"], name="location_country_admin1"),
        ]
        constraints = [
            check_constraint(
                Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                message="Latitude must be between -90 and 90 degrees.",
            ),
            check_constraint(
                Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                message="Longitude must be between -180 and 180 degrees.",
            ),
            choices_constraint("kind", LocationKind, name="location_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name

    def clean(self) -> None:
        super().clean()
        if self.admin1 and self.country:
            areas = gazetteer.admin1_areas(self.country)
            if self.admin1 not in areas:
                raise ValidationError(
                    {
                        "admin1": f"{self.admin1} is not a first-level area of "
                        f"{gazetteer.country_name(self.country)}."
                    }
                )

    @property
    def country_name(self) -> str:
        return gazetteer.country_name(self.country)

    @property
    def admin1_name(self) -> str:
        return gazetteer.admin1_name(self.admin1)
