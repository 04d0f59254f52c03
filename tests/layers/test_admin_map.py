"""Every admin page that edits a geometry (an agency's territory, a document's
perimeter, a parcel) loads its map from the portal under the page's
content-security policy: scripts from our static files or carrying the page's
nonce, no CDN (tests/layers/test_admin_map_browser.py draws them)."""

from __future__ import annotations

import re

import pytest

from tests.notes.conftest import make_parcel

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def script_sources_and_nonces(html: str) -> list[tuple[str | None, str | None]]:
    """The scripts a browser would run: (src, nonce) of each; JSON data blocks
    (``json_script``) run nothing and are left out."""
    found = []
    for attributes in SCRIPT.findall(html):
        if 'type="application/json"' in attributes:
            continue
        src = re.search(r'src="([^"]*)"', attributes)
        nonce = re.search(r'nonce="([^"]*)"', attributes)
        found.append((src and src.group(1), nonce and nonce.group(1)))
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_geometry_page_of_the_admin_has_its_map_under_the_policy(
    client, agency, make_document, administrator, language
):
    document = make_document(agency)
    parcel = make_parcel(agency, "TF 4242/07", agency.territory)
    client.force_login(administrator)
    for url in (
        f"/admin/layers/agency/{agency.pk}/change/",
        f"/admin/layers/planningdocument/{document.pk}/change/",
        f"/admin/parcels/parcel/{parcel.pk}/change/",
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        html = page.content.decode()
        policy = page.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        scripts = script_sources_and_nonces(html)
        assert "/static/leaflet/leaflet.js" in {src for src, _nonce in scripts}
        assert "/static/leaflet/draw/leaflet.draw.js" in {src for src, _ in scripts}
        for src, script_nonce in scripts:
            if src is None:  # inline: runs only with the page's nonce
                assert script_nonce == nonce, url
            else:
                # the portal's own (static files, the admin's catalogue)
                assert src.startswith("/"), (url, src)
                assert not src.startswith("//"), (url, src)
        assert "L.Map.djangoMap" in html  # the map is started on the page
