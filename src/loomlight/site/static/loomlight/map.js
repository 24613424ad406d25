// Parks and facilities on a Leaflet map. Data come from the registry's GeoJSON
// endpoint, which returns only what the user may see.
// Under the tiles lie country outlines shipped with Loomlight (Natural Earth, vendor/world-atlas-2.0.2):
// wherever a tile does not load (offline, an intranet, no LOOMLIGHT_MAP_TILE_URL) they show through;
// wherever it loads it covers them.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) { return; }
  var map = L.map(el).setView([12, 100], 4);
  map.createPane("outlines");   // .leaflet-outlines-pane, below the tile pane (app.css)

  // TopoJSON (quantized, delta-encoded arcs shared by neighbours) to Leaflet's [lat, lng] rings.
  function drawOutlines(topology) {
    var scale = topology.transform.scale, translate = topology.transform.translate;
    var arcs = topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (step) {
        x += step[0]; y += step[1];
        return [y * scale[1] + translate[1], x * scale[0] + translate[0]];
      });
    });
    function ring(indices) {
      var points = [];
      indices.forEach(function (i) {
        var arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];   // ~i: arc i, walked backwards
        for (var j = points.length ? 1 : 0; j < arc.length; j++) { points.push(arc[j]); }   // an arc starts where the one before ends
      });
      return points;
    }
    var style = { pane: "outlines", interactive: false, className: "outline", color: "#9aa9b3", weight: 0.8,
                  fillColor: "#f4f1e8", fillOpacity: 1 };
    var countries = topology.objects.countries.geometries.map(function (g) {
      var polygons = g.type === "Polygon" ? [g.arcs] : g.arcs;
      return L.polygon(polygons.map(function (p) { return p.map(ring); }), style);
    });
    L.layerGroup(countries, { attribution: "Natural Earth" }).addTo(map);
  }
  fetch(el.dataset.outlines).then(function (r) { return r.json(); }).then(drawOutlines);

  // The markers are fitted into view, no closer than zoom 12 over tiles (streets), no closer than
  // zoom 7 over the outlines alone (their detail: within a pixel up to zoom 7): so when no tile URL
  // is set, or when tiles fail before any has loaded, the first view still shows coasts and borders.
  var markerBounds = null, outlinesOnly = !el.dataset.tiles;
  function fitMarkers() {
    if (markerBounds) { map.fitBounds(markerBounds, { padding: [20, 20], maxZoom: outlinesOnly ? 7 : 12 }); }
  }
  if (el.dataset.tiles) {
    var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
    var tileLoaded = false;
    tiles.on("tileload", function () { tileLoaded = true; });
    tiles.on("tileerror", function () {
      if (!tileLoaded && !outlinesOnly) { outlinesOnly = true; fitMarkers(); }
    });
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var parks = 0, facilities = 0;
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var isPark = feature.properties.kind === "park";
          if (isPark) { parks += 1; } else { facilities += 1; }
          return L.circleMarker(latlng, {
            radius: isPark ? 11 : 6, weight: isPark ? 3 : 1,
            color: isPark ? "#0b6e4f" : "#1d2a33", fillColor: isPark ? "#9fd8c4" : "#f2a541", fillOpacity: 0.85,
            className: isPark ? "marker-park" : "marker-facility"
          });
        },
        onEachFeature: function (feature, marker) {
          var a = document.createElement("a");
          var p = feature.properties;
          a.href = (p.kind === "park" ? el.dataset.parkUrl : el.dataset.facilityUrl).replace("/0/", "/" + p.id + "/");
          a.textContent = feature.properties.name;
          marker.bindPopup(a);
        }
      }).addTo(map);
      if (data.features.length) { markerBounds = layer.getBounds(); fitMarkers(); }
      document.getElementById("map-count").textContent =
        interpolate(ngettext("%(n)s park", "%(n)s parks", parks), { n: parks }, true) + ", " +
        interpolate(ngettext("%(n)s facility", "%(n)s facilities", facilities), { n: facilities }, true);
    });
})();
