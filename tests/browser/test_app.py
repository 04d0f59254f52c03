"""The installable app in Chromium: manifest and service worker installable,
the map and the notes a citizen opened read offline, the last parcel viewed
reopened, an offline banner — in French and in Arabic."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, PARCEL
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

pytestmark = pytest.mark.browser

MAP_VIEW = f"#map=17/{ORIGIN_LAT + 0.0018:.6f}/{ORIGIN_LON + CELL:.6f}"
NAMES = {"fr": "Géoportail de l'urbanisme", "ar": "البوابة الجغرافية للتعمير"}
BANNERS = {"fr": "Vous êtes hors connexion.", "ar": "أنت غير متصل."}
OFFLINE_HEADINGS = {
    "fr": "Cette page n'est pas disponible hors connexion",
    "ar": "هذه الصفحة غير متاحة دون اتصال",
}
# Whether every tile the page drew is kept.
TILES_KEPT = """() => {
  const tiles = performance.getEntriesByType("resource").map((e) => e.name)
    .filter((name) => name.endsWith(".mvt"));
  return Promise.all(tiles.map((url) => caches.match(url, {ignoreVary: true})))
    .then((kept) => kept.length > 0 && kept.every(Boolean));
}"""
# What a browser says when a request fails for want of a network: expected
# once offline, unlike a script error.
NETWORK_FAILURE = re.compile(r"^Failed to load resource|ERR_INTERNET_DISCONNECTED")


def session_in(session_factory, language: str):
    session = session_factory(viewport={"width": 1280, "height": 800}, locale=language)
    session.context.set_extra_http_headers({"Accept-Language": language})
    return session


def wait_for_map(page) -> None:
    page.wait_for_function("() => document.body.dataset.firstLayerDrawn !== undefined")


def wait_for_worker(page) -> None:
    """Until the service worker is active and controls the page."""
    page.wait_for_function(
        "() => document.documentElement.dataset.serviceWorker === 'ready'"
        " && navigator.serviceWorker.controller !== null"
    )


def click_lonlat(page, lon: float, lat: float) -> None:
    position = page.evaluate(
        """([lon, lat]) => {
          const p = window.geoportailMap.latLngToContainerPoint([lat, lon]);
          return {x: p.x, y: p.y};
        }""",
        [lon, lat],
    )
    page.locator("#map").click(position=position)


# Whether the service worker keeps a copy of an address (in any language).
KEPT = "(url) => caches.match(url, {ignoreVary: true}).then((r) => r !== undefined)"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_app_is_installable(browser, live_server, map_data, tmp_path, language):
    # A persistent profile: Chromium installs nothing from an incognito one,
    # which is what the other tests' contexts are.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/" + MAP_VIEW)
        wait_for_map(page)
        wait_for_worker(page)

        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        answer = cdp.send("Page.getAppManifest")
        assert answer["errors"] == []
        assert answer["url"].endswith(f"/manifest-{language}.webmanifest")
        manifest = json.loads(answer["data"])
        assert manifest["name"] == NAMES[language]
        assert manifest["lang"] == language
        assert manifest["dir"] == ("rtl" if language == "ar" else "ltr")
        assert manifest["display"] == "standalone"
        scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == live_server.url + "/"  # the whole site, from its root
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_offline_the_map_and_an_opened_note_still_read(
    session_factory, map_data, language
):
    session = session_in(session_factory, language)
    page = session.open("/" + MAP_VIEW)
    wait_for_map(page)
    wait_for_worker(page)
    expect(page.locator("#offline-banner")).to_be_hidden()

    # A citizen looks at a parcel and has its note issued, then opens it.
    click_lonlat(page, ORIGIN_LON + CELL - 0.0001, 33.9918)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    page.locator("#issue-note").click()
    pdf_url = page.locator("#note-pdf").get_attribute("href")
    note_url = pdf_url.removesuffix("pdf")
    assert page.evaluate("(url) => fetch(url).then((r) => r.status)", pdf_url) == 200
    page.wait_for_function(
        "(name) => localStorage.getItem('geoportail.lastParcel') === name", arg=PARCEL
    )
    note = session.new_page()
    note.goto(note_url)
    reference = note.locator("h1").inner_text()
    page.wait_for_function(KEPT, arg=note_url)
    page.wait_for_function(
        "() => localStorage.getItem('geoportail.lastAgency') === 'au-rabat-test'"
    )
    # Reopening composes the parcel named by its agency and reference.
    subject = json.dumps(
        {"parcel": PARCEL, "agency": "au-rabat-test"}, separators=(",", ":")
    )
    page.wait_for_function(
        KEPT, arg="/api/v1/notes/compose?body=" + urllib.parse.quote(subject, safe="")
    )
    assert page.evaluate(KEPT, pdf_url)
    page.wait_for_function(TILES_KEPT)
    note.close()

    session.context.set_offline(True)

    # The shell opens, says it is offline, and reopens the last parcel.
    page.goto(session.base_url + "/")
    banner = page.locator("#offline-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(BANNERS[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#info-title")).to_contain_text(PARCEL)
    expect(page.locator("#info-body")).to_contain_text("R+4")
    expect(page.locator("#issue-note")).to_be_visible()  # the composed rules read
    expect(page.locator("#info-body .error")).to_have_count(0)

    # The view seen online draws from the tiles kept.
    page.goto(session.base_url + "/" + MAP_VIEW)
    page.reload()
    wait_for_map(page)
    expect(page.locator("canvas.mvt-tile").first).to_be_attached()
    expect(banner).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"app-offline-{language}.png"))

    # The note opened online reads offline, its PDF too.
    page.goto(note_url)
    expect(page.locator("h1")).to_have_text(reference)
    pdf = page.evaluate(
        """(url) => fetch(url).then((r) => r.arrayBuffer())
             .then((b) => String.fromCharCode(...new Uint8Array(b).slice(0, 5)))""",
        pdf_url,
    )
    assert pdf == "%PDF-"

    # A page this device never kept says so, in the reader's language.
    page.goto(session.base_url + f"/documents/{map_data['agency'].code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        OFFLINE_HEADINGS[language]
    )

    session.console_errors[:] = [
        error for error in session.console_errors if not NETWORK_FAILURE.search(error)
    ]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_planners_map_is_not_kept_on_the_device(
    session_factory, live_server, map_data, language
):
    planner = User.objects.create_user("urbaniste", agency=map_data["agency"])
    client = Client()
    client.force_login(planner)
    session = session_in(session_factory, language)
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = session.open("/" + MAP_VIEW)
    wait_for_map(page)
    wait_for_worker(page)
    page.wait_for_function(TILES_KEPT)  # public tiles are kept, as for anyone
    assert not page.evaluate(KEPT, live_server.url + "/")

    session.context.set_offline(True)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        OFFLINE_HEADINGS[language]
    )
    session.console_errors[:] = [
        error for error in session.console_errors if not NETWORK_FAILURE.search(error)
    ]
