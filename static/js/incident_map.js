// The explorer's map (templates/pages/includes/map.html): the selection's incidents counted per
// grid cell by /api/v1/incidents/clusters/ for the visible box and zoom, fetched again on every
// move. A cluster zooms to its incidents; a single incident opens a popup with its link; a box
// drawn after "Draw a box" (or with shift and drag), or "List the incidents in this view",
// narrows the page to that area (bbox), which the map then outlines.
"use strict";

(function () {
  const element = document.getElementById("incident-map");
  if (!element || typeof L === "undefined") return;
  const data = element.dataset;
  const tools = element.parentElement.querySelector(".map-tools");
  const status = tools.querySelector(".map-status");
  const maxZoom = Number(data.maxZoom);
  element.hidden = false;
  tools.hidden = false;
  element.parentElement.querySelector(".map-needs-script").hidden = true;

  const map = L.map(element, { minZoom: 1, maxZoom: maxZoom, worldCopyJump: true });
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: maxZoom }).addTo(map);
  } else {
    map.createPane("basemap"); // below the markers' pane (css/map.css)
    map.attributionControl.addAttribution("Natural Earth");
    fetch(data.basemapUrl)
      .then((response) => response.json())
      .then((world) => {
        L.geoJSON(world, {
          pane: "basemap",
          interactive: false,
          style: (feature) =>
            feature.id === "land"
              ? { className: "basemap-land", weight: 1 }
              : { className: "basemap-border", weight: 1 },
        }).addTo(map);
      });
  }
  const markers = L.layerGroup().addTo(map);

  const numbers = (text) => (text ? text.split(",").map(Number) : null);
  const extent = numbers(data.extent);
  const pageBox = numbers(data.bbox);
  // The map opens on the selection's places, zoomed out enough to show their surroundings.
  const openingZoom = 6;
  if (extent && extent[0] === extent[2] && extent[1] === extent[3]) {
    map.setView([extent[1], extent[0]], openingZoom);
  } else if (extent) {
    map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], {
      padding: [30, 30],
      maxZoom: openingZoom,
    });
  } else {
    map.setView([20, 0], 2);
  }

  const wrap = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

  // Map bounds as the API's bbox: longitudes within -180..180 (west > east across the
  // antimeridian), latitudes within -90..90.
  function boxOf(bounds) {
    let west = bounds.getWest();
    let east = bounds.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = wrap(west);
      east = wrap(east);
    }
    return [west, clamp(bounds.getSouth(), -90, 90), east, clamp(bounds.getNorth(), -90, 90)];
  }

  // The visible box, within the page's own bbox when it has one.
  function visibleBox() {
    const [west, south, east, north] = boxOf(map.getBounds());
    if (!pageBox) return [west, south, east, north];
    if (west > east || pageBox[0] > pageBox[2]) return pageBox; // across the antimeridian
    const box = [
      Math.max(west, pageBox[0]), Math.max(south, pageBox[1]),
      Math.min(east, pageBox[2]), Math.min(north, pageBox[3]),
    ];
    return box[0] <= box[2] && box[1] <= box[3] ? box : null;
  }

  const round = (value) => Number(value.toFixed(5));
  let pending = null;

  function load() {
    const box = visibleBox();
    markers.clearLayers();
    if (pending) pending.abort();
    if (!box) {
      status.textContent = "The page's area is out of view.";
      return;
    }
    pending = new AbortController();
    const zoom = clamp(Math.round(map.getZoom()), 0, maxZoom);
    const url = new URL(data.clustersUrl, window.location.href);
    url.searchParams.set("zoom", zoom);
    url.searchParams.set("bbox", box.map(round).join(","));
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) {
          status.textContent = Object.values(body).flat().join(" ");
          return;
        }
        const shown = body.features.reduce((sum, f) => sum + f.properties.count, 0);
        status.textContent = `${shown} on the map`;
        body.features.forEach(draw);
      })
      .catch((error) => {
        if (error.name !== "AbortError") status.textContent = "The map could not be loaded.";
      });
  }

  // The copy of a longitude nearest the map's centre, so that markers follow a panned world.
  function nearCentre(lon) {
    const centre = map.getCenter().lng;
    return lon + 360 * Math.round((centre - lon) / 360);
  }

  function draw(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const where = [lat, nearCentre(lon)];
    const properties = feature.properties;
    if (properties.count === 1) {
      L.circleMarker(where, { radius: 7, className: "incident-point", weight: 2 })
        .on("click", () => openPopup(where, incidentPopup(properties)))
        .addTo(markers);
      return;
    }
    const size = properties.count < 10 ? 30 : properties.count < 100 ? 36 : 44;
    const icon = L.divIcon({
      className: "incident-cluster",
      html: String(properties.count),
      iconSize: [size, size],
    });
    const marker = L.marker(where, {
      icon: icon,
      keyboard: true,
      title: `${properties.count} incidents: zoom in`,
    }).addTo(markers);
    marker.on("click", () => zoomTo(where, properties));
  }

  // On the map rather than on a marker: the markers are drawn again when a popup pans the map.
  function openPopup(where, content) {
    L.popup({ offset: [0, -4] }).setLatLng(where).setContent(content).openOn(map);
  }

  function zoomTo(where, properties) {
    const [west, south, east, north] = properties.extent;
    if ((west === east && south === north) || map.getZoom() >= maxZoom) {
      // One place: no zoom separates them, so offer the list of them.
      openPopup(where, placePopup(properties));
      return;
    }
    const shift = nearCentre(west) - west;
    map.fitBounds([[south, west + shift], [north, east + shift]], {
      padding: [30, 30],
      maxZoom: maxZoom,
    });
  }

  function pageWithBox(box) {
    const query = new URLSearchParams(window.location.search);
    query.delete("cursor");
    query.set("bbox", box.map(round).join(","));
    return `${window.location.pathname}?${query}`;
  }

  function incidentPopup(properties) {
    const popup = document.createElement("div");
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    const when = document.createElement("p");
    when.textContent =
      properties.date_start === properties.date_end
        ? properties.date_start
        : `${properties.date_start} – ${properties.date_end}`;
    const id = document.createElement("code");
    id.textContent = properties.public_id;
    when.prepend(id, " · ");
    popup.append(link, when);
    return popup;
  }

  function placePopup(properties) {
    const popup = document.createElement("div");
    const link = document.createElement("a");
    link.href = pageWithBox(properties.extent);
    link.textContent = `List the ${properties.count} incidents at this place`;
    popup.append(link);
    return popup;
  }

  map.on("moveend", load);
  load();
  if (pageBox) outlinePageBox();

  // The page's bbox outlined on the map, on the world copy nearest the centre; the page says
  // so beside its "Remove the area" link.
  function outlinePageBox() {
    const [west, south, east, north] = pageBox;
    const shift = nearCentre(west) - west;
    const eastward = east < west ? east + 360 : east; // across the antimeridian
    L.rectangle([[south, west + shift], [north, eastward + shift]], {
      className: "page-area",
      interactive: false,
      fill: false,
    }).addTo(map);
    const drawn = element.parentElement.querySelector(".map-area-drawn");
    if (drawn) drawn.hidden = false;
  }

  const listArea = (bounds) => window.location.assign(pageWithBox(boxOf(bounds)));

  // Shift and drag draws a box (Leaflet's box zoom); the page then lists that area.
  map.on("boxzoomend", (event) => listArea(event.boxZoomBounds));
  tools.querySelector(".map-select-area").addEventListener("click", () => {
    const box = visibleBox();
    if (box) window.location.assign(pageWithBox(box));
  });

  // "Draw a box" turns a drag across the map (mouse, pen or finger) from panning into drawing
  // a box. Pointer events, caught before Leaflet's own handlers see them, serve all three.
  const drawButton = tools.querySelector(".map-draw-area");
  const drawingHint = tools.querySelector(".map-drawing-hint");
  const smallestBox = 5; // pixels each way: less is a click, not a box
  let stroke = null; // while the pointer is down: where it started and the box so far

  const isDrawing = () => drawButton.getAttribute("aria-pressed") === "true";

  function setDrawing(on) {
    drawButton.setAttribute("aria-pressed", String(on));
    drawingHint.hidden = !on;
    element.classList.toggle("drawing", on);
    if (on) map.dragging.disable();
    else map.dragging.enable();
    if (!on && stroke) {
      stroke.rectangle.remove();
      stroke = null;
    }
  }

  drawButton.addEventListener("click", () => setDrawing(!isDrawing()));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isDrawing()) setDrawing(false);
  });

  const capture = { capture: true };
  element.addEventListener(
    "pointerdown",
    (event) => {
      if (!isDrawing() || event.button !== 0 || event.target.closest(".leaflet-control")) return;
      event.preventDefault();
      event.stopPropagation();
      element.setPointerCapture(event.pointerId);
      const start = map.mouseEventToLatLng(event);
      stroke = {
        start: start,
        x: event.clientX,
        y: event.clientY,
        rectangle: L.rectangle([start, start], { className: "drawn-area", interactive: false })
          .addTo(map),
      };
    },
    capture
  );
  element.addEventListener(
    "pointermove",
    (event) => {
      if (stroke) stroke.rectangle.setBounds([stroke.start, map.mouseEventToLatLng(event)]);
    },
    capture
  );
  element.addEventListener(
    "pointerup",
    (event) => {
      if (!stroke) return;
      const bounds = L.latLngBounds(stroke.start, map.mouseEventToLatLng(event));
      const big =
        Math.abs(event.clientX - stroke.x) >= smallestBox &&
        Math.abs(event.clientY - stroke.y) >= smallestBox;
      setDrawing(false);
      if (big) listArea(bounds);
    },
    capture
  );
  element.addEventListener("pointercancel", () => setDrawing(false), capture);
})();
