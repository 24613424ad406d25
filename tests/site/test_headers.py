"""Security headers on pages, downloads and the API; no-store for logged-in users and
downloads, never for static files."""

from __future__ import annotations

import pytest

from loomlight.api.services import api_token_issue
from loomlight.site.headers import PERMISSIONS_POLICY, content_security_policy, tile_source

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
CSP_WITH_OSM = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
                "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                "frame-ancestors 'none'")


@pytest.mark.parametrize("url,source", [
    (OSM, "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("https://tiles-{s}.example.org:8443/{z}/{x}/{y}.png", "https://*.example.org:8443"),
    ("https://{s}.{region}.example.org/{z}/{x}/{y}.png", "https:"),
    ("/tiles/{z}/{x}/{y}.png", None),   # our own server: 'self' covers it
    ("", None),
    (None, None),
])
def test_tile_source(url, source):
    assert tile_source(url) == source


def test_the_policy_without_tiles_allows_images_of_this_site_only():
    assert "img-src 'self' data:;" in content_security_policy("")


def _assert_security_headers(response):
    assert response["Content-Security-Policy"] == CSP_WITH_OSM
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY and "payment=()" in PERMISSIONS_POLICY


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_page_for_a_logged_in_user(client, world):
    client.force_login(world.users["manager"])
    response = client.get(f"/registry/facilities/{world.own.pk}/")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert {"no-store", "private"} <= _cache_control(response)


def test_an_anonymous_page_has_the_policy_and_is_not_forced_uncached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" not in _cache_control(response)


@pytest.mark.parametrize("who,path", [("manager", "/data/facilities/{pk}/2024/template.xlsx"),
                                      ("admin", "/emissions/parks/{park}/2024/inventory.csv")])
def test_a_download(client, world, who, path):
    client.force_login(world.users[who])
    response = client.get(path.format(pk=world.own.pk, park=world.park.pk))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert {"no-store", "private"} <= _cache_control(response)


def test_the_api_with_a_token(client, world):
    _token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" in _cache_control(response)


def test_the_api_docs_page_needs_no_inline_script(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    _assert_security_headers(response)
    html = response.content.decode()
    assert html.count("<script") == 3
    assert '<script type="application/json" id="swagger-settings">' in html
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in html


def test_a_static_file_is_not_marked_no_store_even_for_a_logged_in_user(client, world):
    client.force_login(world.users["manager"])
    response = client.get("/static/loomlight/forms.js")
    assert response.status_code == 200
    assert b"data-autosubmit" in b"".join(response.streaming_content)
    assert "no-store" not in _cache_control(response)
    assert "Content-Security-Policy" not in response


def test_an_evidence_file(client, world, settings, tmp_path):
    from tests.evidence.test_evidence import _attach

    settings.MEDIA_ROOT = tmp_path
    evidence = _attach(world)
    client.force_login(world.users["manager"])
    response = client.get(f"/evidence/{evidence.pk}/download/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert {"no-store", "private"} <= _cache_control(response)
