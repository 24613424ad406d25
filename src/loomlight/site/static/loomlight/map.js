// Parks and facilities on a Leaflet map. Data come from the registry's GeoJSON
// endpoint, which returns only what the user may see.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) { return; }
  var map = L.map(el).setView([12, 100], 4);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
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
      if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20] }); }
      document.getElementById("map-count").textContent =
        interpolate(gettext("%(parks)s parks, %(facilities)s facilities"), { parks: parks, facilities: facilities }, true);
    });
})();
