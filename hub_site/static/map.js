/* sharehub maps: the results of a search (/map) or one listing (#listing-map), drawn with
   Leaflet from /static/vendor/leaflet. The pages list everything without this script; it
   only adds the map. Crawled text (titles, districts) is set with textContent, never as
   HTML. Configuration comes from the data attributes of <script id="map-script">: the CSP
   forbids inline scripts. */
(function () {
  "use strict";

  var SEOUL = [37.5665, 126.978];
  var CITY_ZOOM = 11;
  var POINT_ZOOM = 16;
  var MAX_ZOOM = 19;
  var FAILED_TILES = 3; // a few broken tiles happen; this many means the server is gone

  var script = document.getElementById("map-script");
  var L = window.L;
  if (!script || !L) {
    return;
  }
  var tileUrl = script.getAttribute("data-tile-url");
  if (!tileUrl) {
    return;
  }

  /* The attribution as HTML built by the DOM, so the operator's text is escaped. */
  function attributionHtml() {
    var text = script.getAttribute("data-attribution") || "";
    var href = script.getAttribute("data-attribution-url") || "";
    if (!text) {
      return "";
    }
    var holder = document.createElement("span");
    if (/^https?:\/\//i.test(href)) {
      var link = document.createElement("a");
      link.href = href;
      link.rel = "noopener noreferrer";
      link.textContent = text;
      holder.appendChild(link);
    } else {
      holder.textContent = text;
    }
    return holder.innerHTML;
  }

  /* Only the hub's own pages: a path, never another site or a javascript: URL. */
  function localPath(value) {
    return typeof value === "string" && value.charAt(0) === "/" && value.charAt(1) !== "/"
      && value.charAt(1) !== "\\" ? value : null;
  }

  function showFailure(status) {
    if (status) {
      status.hidden = false;
    }
  }

  function newMap(canvas, status) {
    canvas.hidden = false;
    var map = L.map(canvas, { scrollWheelZoom: false }).setView(SEOUL, CITY_ZOOM);
    var errors = 0;
    var tiles = L.tileLayer(tileUrl, { maxZoom: MAX_ZOOM, attribution: attributionHtml() });
    tiles.on("tileerror", function () {
      errors += 1;
      if (errors === FAILED_TILES) {
        showFailure(status);
      }
    });
    tiles.addTo(map);
    return map;
  }

  function popupFor(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("a");
    title.textContent = String(props.title || "");
    var url = localPath(props.url);
    if (url) {
      title.href = url;
    }
    box.appendChild(title);
    var facts = [props.category_label, props.district].filter(function (part) {
      return typeof part === "string" && part;
    });
    if (facts.length) {
      var meta = document.createElement("p");
      meta.textContent = facts.join(" · ");
      box.appendChild(meta);
    }
    return box;
  }

  function markerFor(feature) {
    var geometry = feature && feature.geometry;
    if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) {
      return null;
    }
    var lon = Number(geometry.coordinates[0]);
    var lat = Number(geometry.coordinates[1]);
    if (!isFinite(lat) || !isFinite(lon)) {
      return null;
    }
    var props = feature.properties || {};
    var title = String(props.title || "");
    return L.marker([lat, lon], { title: title, alt: title }).bindPopup(popupFor(props));
  }

  function drawResults(canvas) {
    var status = document.getElementById("map-status");
    var map = newMap(canvas, status);
    var url = localPath(canvas.getAttribute("data-geojson-url"));
    if (!url) {
      return;
    }
    fetch(url, { headers: { Accept: "application/geo+json, application/json" },
                 credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("map data: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var markers = (collection.features || []).map(markerFor).filter(Boolean);
        if (!markers.length) {
          return;
        }
        var group = L.featureGroup(markers).addTo(map);
        map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: POINT_ZOOM });
      })
      .catch(function () {
        showFailure(status);
      });
  }

  function drawListing(section) {
    var lat = parseFloat(section.getAttribute("data-lat"));
    var lon = parseFloat(section.getAttribute("data-lon"));
    if (!isFinite(lat) || !isFinite(lon)) {
      return;
    }
    var canvas = document.createElement("div");
    canvas.className = "map-canvas map-canvas-small";
    section.appendChild(canvas);
    var map = newMap(canvas, null);
    map.setView([lat, lon], POINT_ZOOM);
    var heading = document.querySelector("h1");
    var title = heading ? heading.textContent.trim() : "";
    L.marker([lat, lon], { title: title, alt: title }).addTo(map);
  }

  var results = document.getElementById("results-map");
  if (results) {
    drawResults(results);
  }
  var listing = document.getElementById("listing-map");
  if (listing) {
    drawListing(listing);
  }
}());
