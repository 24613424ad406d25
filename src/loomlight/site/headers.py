"""Response headers for every page, download and API answer (static files are served
before this runs, by WhiteNoise, with their own long caching).

* ``Content-Security-Policy``: scripts, styles, fonts and connections from this site
  only; no inline script or handler (templates keep data in ``json_script`` blocks and
  behaviour in site/static/loomlight/*.js, tests/site/test_templates_csp.py walks them);
  images from this site and from the map tile server (``LOOMLIGHT_MAP_TILE_URL``'s host).
* ``Permissions-Policy``: no camera, microphone, geolocation, payment, USB ... for any page.
* ``Cache-Control: no-store`` on every answer to a logged-in user or a token, and on
  every download (``Content-Disposition``), so that no browser or proxy keeps a copy.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import patch_cache_control

#: features no page of ours uses (each one Chromium knows, so the header raises no console warning)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid", "magnetometer",
    "microphone", "midi", "payment", "serial", "usb", "xr-spatial-tracking",
))


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of a Leaflet tile URL template: its scheme and host, a placeholder in the
    first label of the host (``{s}.tile.example.org``) as ``*.``; any https host when the host has
    placeholders elsewhere. None for no tiles or tiles from this site (a relative URL)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:
        first, _dot, rest = host.partition(".")
        if not rest or "{" in rest:
            return f"{parts.scheme}:"
        host = f"*.{rest}"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None) -> str:
    images = ["'self'", "data:"]  # data: Leaflet blanks unloaded tiles with a data: GIF; Swagger UI draws its icons as data: SVG
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = content_security_policy(settings.MAP_TILE_URL)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if "Content-Disposition" in response.headers or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
