"""Production's static files: `loomlight serve` runs collectstatic with WhiteNoise's manifest
storage, which hashes every file and rewrites the references inside CSS and JS. A reference to a
file not shipped (a source map) stops it, and with it the server's start."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage(tmp_path):
    """Given the production storage (hashed names; compression left out to keep the test short),
    when collectstatic runs, then it finishes and the manifest names the map's outlines, the
    vendored Leaflet and the icon."""
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--no-input", "--verbosity", "0")
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/world-atlas-2.0.2/countries.json", "vendor/leaflet-1.9.4/leaflet.js", "loomlight/map.js",
                 "loomlight/favicon.svg"):
        assert paths[name] != name and (tmp_path / paths[name]).is_file()
