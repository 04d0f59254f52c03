"""The installable app's manifest, icons, service worker and offline page."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
ICONS = REPO / "geoportal/static/geoportal/icons"

NAMES = {
    "fr": ("Géoportail de l'urbanisme", "Géoportail", "ltr"),
    "ar": ("البوابة الجغرافية للتعمير", "البوابة الجغرافية", "rtl"),
    "en": ("Geoportail of urban planning", "Geoportail", "ltr"),
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_manifest_speaks_each_language(client, db, language):
    response = client.get(f"/manifest-{language}.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    name, short_name, direction = NAMES[language]
    assert manifest["name"] == name
    assert manifest["short_name"] == short_name
    assert manifest["lang"] == language
    assert manifest["dir"] == direction
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#0b5cad"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_an_unknown_language_has_no_manifest(client, db):
    assert client.get("/manifest-de.webmanifest").status_code == 404


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_links_the_manifest_of_its_language(client, db, language):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<link rel="manifest" href="/manifest-{language}.webmanifest">' in html
    assert 'data-service-worker="/service-worker.js"' in html
    assert 'id="offline-banner"' in html


def test_the_icons_are_the_sizes_the_manifest_states(client, db):
    manifest = client.get("/manifest-fr.webmanifest").json()
    for icon in manifest["icons"]:
        name = icon["src"].rsplit("/", 1)[-1]
        image = Image.open(ICONS / name)
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        corner = image.convert("RGBA").getpixel((0, 0))
        # A maskable icon is full bleed (the launcher cuts its shape); the
        # others are a rounded tile on transparency.
        assert (corner[3] == 255) is (icon["purpose"] == "maskable")


def test_the_committed_icons_are_what_the_script_draws():
    spec = importlib.util.spec_from_file_location(
        "make_app_icons", REPO / "scripts/make_app_icons.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("maskable-512.png", 512, True),
    ):
        drawn = io.BytesIO()
        script.icon(size, maskable=maskable).save(drawn, format="PNG", optimize=True)
        assert drawn.getvalue() == (ICONS / name).read_bytes(), name


def test_the_service_worker_is_served_from_the_root(client, db):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert b'addEventListener("fetch"' in response.content


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Cette page n'est pas disponible hors connexion"),
        ("ar", "هذه الصفحة غير متاحة دون اتصال"),
    ],
)
def test_the_offline_page_is_translated(client, db, language, heading):
    html = client.get("/offline", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading}</h1>" in html


def test_a_planners_map_page_is_private(client, db, planner):
    """The worker keeps no private answer; a planner's map lists drafts."""
    assert "private" not in client.get("/").get("Cache-Control", "")
    client.force_login(planner)
    assert "private" in client.get("/")["Cache-Control"]
