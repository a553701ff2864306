"""Clusters: the incidents of a selection counted per cell of a grid on the map, so that a map
of a million incidents draws a few hundred points.

One module counts them for `/api/v1/incidents/clusters/` and places the explorer page's map,
so both say the same. The grid's cells are squares of longitude and latitude sized by the
map's zoom (a quarter of a web-map tile's width); one GROUP BY on the cell's column and row
counts the incidents of every cell, and carries the fields a cell of one incident shows. It
reads the stored counts when they can answer the selection (incidents.counting): their groups
are places, so a cell of any zoom sums whole groups.
An incident whose place has no coordinates falls in no cell: it is counted apart
(`unplotted`), never left out silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, F, FloatField, Max, Min, QuerySet, Sum
from django.db.models.functions import Cast, Floor

from geo.areas import Box
from incidents.counting import Counted, as_counted, tally
from incidents.models import PublicCount

MAX_ZOOM = 18
# A web-map tile is 256 px wide; four cells a tile make a cell about 64 px, a marker's room.
CELLS_PER_TILE = 4
# The most cells a request may cover (a 4K screen shows about 2,000): beyond it, a grid too
# fine for its box would answer one point per place.
MAX_CELLS = 10_000
WORLD = Box(-180.0, -90.0, 180.0, 90.0)
LONGITUDE, LATITUDE = "location__longitude", "location__latitude"


class TooManyCells(ValueError):
    pass


@dataclass(frozen=True)
class Grid:
    """The cells at one zoom: squares of `size` degrees, numbered from (0°, 0°)."""

    zoom: int

    @property
    def size(self) -> float:
        return 360 / 2**self.zoom / CELLS_PER_TILE

    def cells_in(self, box: Box) -> int:
        """How many cells `box` touches (a box across the antimeridian wraps around)."""
        width = box.max_lon - box.min_lon
        if width < 0:
            width += 360
        columns = int(width // self.size) + 1
        rows = int((box.max_lat - box.min_lat) // self.size) + 1
        return columns * rows

    def check(self, box: Box | None) -> None:
        cells = self.cells_in(box or WORLD)
        if cells > MAX_CELLS:
            raise TooManyCells(
                f"Zoom {self.zoom} divides this box into {cells} cells, more than {MAX_CELLS}: "
                "lower the zoom or narrow the bbox."
            )

    def cell_box(self, column: int, row: int) -> Box:
        return Box(
            column * self.size, row * self.size, (column + 1) * self.size, (row + 1) * self.size
        )


def zoom_from(text: str | None) -> Grid:
    """The grid of a `zoom` parameter: a whole number from 0 to MAX_ZOOM (ValueError)."""
    if not text:
        raise ValueError(f"Give the map's zoom, a whole number from 0 to {MAX_ZOOM}.")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ZOOM:
        raise ValueError(f"“{text}” is not a zoom: give a whole number from 0 to {MAX_ZOOM}.")
    return Grid(int(text))


@dataclass(frozen=True)
class Cluster:
    """The incidents of one cell: how many, where (their mean place), the box of their places,
    and, for a cell of one incident, that incident."""

    cell: Box
    count: int
    longitude: float
    latitude: float
    extent: Box
    public_id: str
    title: str
    date_start: date
    date_end: date


@dataclass(frozen=True)
class ClusterMap:
    clusters: list[Cluster]
    unplotted: int  # incidents of the selection whose place has no coordinates

    @property
    def plotted(self) -> int:
        return sum(cluster.count for cluster in self.clusters)


def clustered(selection: Counted | QuerySet, grid: Grid) -> ClusterMap:
    """The incidents of a selection (or a queryset of incidents) counted per cell of `grid`:
    one query. The fields of one incident (its public id, title, dates) are the least and
    greatest of the cell's, which for a cell of one incident are its own."""
    incidents = as_counted(selection).rows().order_by()
    grouped = incidents.model is PublicCount
    rows = (
        incidents.annotate(
            cell_x=Floor(F(LONGITUDE) / grid.size),
            cell_y=Floor(F(LATITUDE) / grid.size),
        )
        .values("cell_x", "cell_y")
        .annotate(
            incidents=tally(incidents),
            mean_lon=_mean(LONGITUDE, grouped),
            mean_lat=_mean(LATITUDE, grouped),
            west=Min(LONGITUDE),
            south=Min(LATITUDE),
            east=Max(LONGITUDE),
            north=Max(LATITUDE),
            first_public_id=Min("first_public_id" if grouped else "public_id"),
            first_title=Min("first_title" if grouped else "title"),
            first_day=Min("date_start"),
            last_day=Max("date_end"),
        )
        .order_by("cell_y", "cell_x")
    )
    clusters, unplotted = [], 0
    for row in rows:
        if row["cell_x"] is None or row["cell_y"] is None:
            unplotted += row["incidents"]
            continue
        clusters.append(
            Cluster(
                cell=grid.cell_box(int(row["cell_x"]), int(row["cell_y"])),
                count=row["incidents"],
                longitude=row["mean_lon"],
                latitude=row["mean_lat"],
                extent=Box(row["west"], row["south"], row["east"], row["north"]),
                public_id=row["first_public_id"],
                title=row["first_title"],
                date_start=row["first_day"],
                date_end=row["last_day"],
            )
        )
    return ClusterMap(clusters, unplotted)


def _mean(column: str, grouped: bool):
    """The mean of a place's coordinate over the incidents of a cell: over groups, each place
    weighed by its incidents."""
    if not grouped:
        return Avg(column)
    return Cast(Sum(F(column) * F("count")), FloatField()) / Cast(Sum("count"), FloatField())


def extent(selection: Counted | QuerySet) -> Box | None:
    """The smallest box holding the places of a selection (None when none has coordinates):
    where a map of them opens. One query."""
    corners = (
        as_counted(selection)
        .rows()
        .order_by()
        .aggregate(
            west=Min(LONGITUDE), south=Min(LATITUDE), east=Max(LONGITUDE), north=Max(LATITUDE)
        )
    )
    if None in corners.values():
        return None
    return Box(corners["west"], corners["south"], corners["east"], corners["north"])
