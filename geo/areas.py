"""Areas on the globe (a longitude/latitude box, a circle) and the places inside them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cos, Power, Radians, Sin

from geo.models import Location

# Mean Earth radius (IUGG), the sphere all distances here are measured on.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Box:
    """A longitude/latitude box; min_lon > max_lon means it crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def locations(self) -> QuerySet[Location]:
        """The places inside the box, edges included (an indexed range on the coordinates)."""
        places = Location.objects.filter(latitude__gte=self.min_lat, latitude__lte=self.max_lat)
        if self.min_lon <= self.max_lon:
            return places.filter(longitude__gte=self.min_lon, longitude__lte=self.max_lon)
        return places.filter(Q(longitude__gte=self.min_lon) | Q(longitude__lte=self.max_lon))


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_km: float

    @property
    def angle(self) -> float:
        """The radius as an angle at the centre of the Earth, in radians."""
        return self.radius_km / EARTH_RADIUS_KM

    def box(self) -> Box:
        """The smallest latitude/longitude box that holds the whole circle.

        If the circle reaches a pole it holds the pole and every longitude. Otherwise its
        widest longitude is asin(sin δ / cos φ) from the centre (δ the radius angle, φ the
        latitude).
        """
        reach = math.degrees(self.angle)
        south, north = self.lat - reach, self.lat + reach
        if south <= -90 or north >= 90:
            return Box(-180.0, max(south, -90.0), 180.0, min(north, 90.0))
        ratio = math.sin(self.angle) / math.cos(math.radians(self.lat))
        spread = math.degrees(math.asin(min(ratio, 1.0)))
        return Box(_wrap(self.lon - spread), south, _wrap(self.lon + spread), north)

    def locations(self) -> QuerySet[Location]:
        """Places at most `radius_km` from the centre along the Earth's surface.

        The box narrows the candidates through the coordinates index; the haversine term
        `a` then keeps those whose great-circle distance 2R·asin(√a) is within
        the radius, tested as a ≤ sin²(δ/2) so that the database needs no asin or sqrt.
        """
        if self.angle >= math.pi:  # the circle covers the globe
            return Location.objects.all()
        return (
            self.box()
            .locations()
            .alias(haversine=self._haversine())
            .filter(haversine__lte=math.sin(self.angle / 2) ** 2)
        )

    def _haversine(self) -> models.Expression:
        lat, lon = math.radians(self.lat), math.radians(self.lon)
        half_dlat = (Radians("latitude") - lat) / 2
        half_dlon = (Radians("longitude") - lon) / 2
        return Power(Sin(half_dlat), 2) + math.cos(lat) * Cos(Radians("latitude")) * Power(
            Sin(half_dlon), 2
        )


def _wrap(lon: float) -> float:
    """The same meridian written within -180..180."""
    if lon > 180:
        return lon - 360
    if lon < -180:
        return lon + 360
    return lon
