"""The admin's map widgets work under the content-security policy: an
administrator sees an agency's territory on the agency's page, in French and
Arabic, with nothing refused and nothing fetched from outside, and saving the
page unchanged keeps the territory as it was."""

from __future__ import annotations

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.test import Client
from playwright.sync_api import expect

from audit.models import AuditEvent
from tests.browser_fixtures import SCREENSHOTS

# Recorded from the first script on, so a refusal while the page loads counts.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
# Two separate squares, north-east of the demo agency's territory.
TERRITORY = MultiPolygon(
    GEOSGeometry(shapely.box(-6.84, 33.96, -6.82, 33.98).wkt, srid=4326),
    GEOSGeometry(shapely.box(-6.815, 33.96, -6.805, 33.99).wkt, srid=4326),
    srid=4326,
)

# leaflet.draw's toolbar speaks the page's language (django-leaflet has no
# Arabic catalogue; ours carries it).
EDIT_TITLE = {"fr": "Modifier les formes", "ar": "تعديل الأشكال"}
# Leaflet's own zoom buttons too (its titles are English).
ZOOM_TITLES = {"fr": ("Zoom avant", "Zoom arrière"), "ar": ("تكبير", "تصغير")}


def admin_session(session_factory, live_server, administrator, language: str):
    client = Client()
    client.force_login(administrator)
    session = session_factory(locale="ar-MA" if language == "ar" else "fr-FR")
    session.context.set_extra_http_headers({"Accept-Language": language})
    session.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    session.context.add_init_script(WATCH_CSP)
    return session


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_agency_page_draws_its_territory_and_saves_it_unchanged(
    session_factory, live_server, transactional_db, make_agency, administrator, language
):
    agency = make_agency("aumap", territory=TERRITORY)
    session = admin_session(session_factory, live_server, administrator, language)
    page = session.open(f"/admin/layers/agency/{agency.pk}/change/")

    territory_map = page.locator(".leaflet-container")
    expect(territory_map).to_be_visible()
    # The territory is drawn (both of its polygons, as one or two paths) and
    # can be edited: leaflet.draw's toolbar is there.
    expect(territory_map.locator("path.leaflet-interactive").first).to_be_visible()
    drawn = territory_map.locator("path.leaflet-interactive").first.bounding_box()
    assert drawn["width"] > 50
    assert drawn["height"] > 50
    expect(territory_map.locator(".leaflet-draw-draw-polygon")).to_be_visible()
    expect(territory_map.locator(".leaflet-draw-edit-edit")).to_have_attribute(
        "title", EDIT_TITLE[language]
    )
    zoom_in, zoom_out = ZOOM_TITLES[language]
    expect(territory_map.locator(".leaflet-control-zoom-in")).to_have_attribute(
        "title", zoom_in
    )
    expect(territory_map.locator(".leaflet-control-zoom-out")).to_have_attribute(
        "aria-label", zoom_out
    )
    assert page.evaluate("window.cspViolations") == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    territory_map.screenshot(path=str(SCREENSHOTS / f"admin-territory-{language}.png"))

    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(agency.code)
    assert page.evaluate("window.cspViolations") == []
    agency.refresh_from_db()
    assert agency.territory.num_geom == 2
    assert agency.territory.equals_exact(TERRITORY, tolerance=1e-9)
    assert session.console_errors == []
    assert session.external_requests == []


def draw_a_triangle_north_east(page) -> int:
    """Zoom out once and draw a triangle north-east of the territory, clear of
    it and of the controls; returns how many paths the map drew before."""
    territory_map = page.locator(".leaflet-container")
    expect(territory_map.locator("path.leaflet-interactive").first).to_be_visible()
    territory_map.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(400)  # Leaflet's zoom animation
    box = territory_map.bounding_box()
    drawn = [
        path.bounding_box()
        for path in territory_map.locator("path.leaflet-interactive").all()
    ]
    east = max(b["x"] + b["width"] for b in drawn)
    north = min(b["y"] for b in drawn)
    assert box["x"] + box["width"] - east > 40
    assert north - box["y"] > 40
    territory_map.locator(".leaflet-draw-draw-polygon").click()
    corners = [
        (east + 15, north - 15),
        (box["x"] + box["width"] - 15, north - 15),
        (box["x"] + box["width"] - 15, box["y"] + 15),
    ]
    for x, y in [*corners, corners[0]]:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    expect(territory_map.locator("path.leaflet-interactive")).to_have_count(
        len(drawn) + 1
    )
    return len(drawn)


def added_polygon(agency):
    agency.refresh_from_db()
    assert agency.territory.num_geom == 3
    added = [p for p in agency.territory if not TERRITORY.contains(p.centroid)]
    assert len(added) == 1
    assert added[0].centroid.x > -6.805
    assert added[0].centroid.y > 33.99
    return added[0]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_polygon_drawn_on_the_agency_page_is_added_to_its_territory(
    session_factory, live_server, transactional_db, make_agency, administrator, language
):
    agency = make_agency("aumap", territory=TERRITORY)
    session = admin_session(session_factory, live_server, administrator, language)
    page = session.open(f"/admin/layers/agency/{agency.pk}/change/")
    draw_a_triangle_north_east(page)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(agency.code)
    added_polygon(agency)
    assert page.evaluate("window.cspViolations") == []


OVERLAP_WORDS = {"fr": "chevauche celui de", "ar": "يتداخل مع نفوذ"}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_polygon_drawn_over_another_agency_needs_a_reason_the_log_keeps(
    session_factory, live_server, transactional_db, make_agency, administrator, language
):
    agency = make_agency("aumap", territory=TERRITORY)
    neighbour = make_agency(
        "auvoisin",
        territory=MultiPolygon(
            GEOSGeometry(shapely.box(-6.804, 33.991, -6.7, 34.1).wkt, srid=4326),
            srid=4326,
        ),
    )
    session = admin_session(session_factory, live_server, administrator, language)
    page = session.open(f"/admin/layers/agency/{agency.pk}/change/")
    paths = draw_a_triangle_north_east(page)
    page.locator("input[name=_save]").click()

    # Refused, naming the neighbour; the page keeps the drawing on its map.
    refusal = page.locator(".field-territory .errorlist")
    expect(refusal).to_contain_text(OVERLAP_WORDS[language])
    expect(refusal).to_contain_text(neighbour.code)
    expect(page.locator(".leaflet-container path.leaflet-interactive")).to_have_count(
        paths + 1
    )
    agency.refresh_from_db()
    assert agency.territory.equals_exact(TERRITORY, tolerance=1e-9)

    page.locator("textarea[name=overlap_reason]").fill(
        "Limite provisoire, arrêté en préparation."
    )
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(agency.code)
    added_polygon(agency)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.TERRITORY_OVERLAP_ACCEPTED, object_id=str(agency.pk)
    )
    assert event.actor == administrator
    assert event.details["reason"] == "Limite provisoire, arrêté en préparation."
    assert [o["agency"] for o in event.details["overlaps"]] == [neighbour.code]
    assert page.evaluate("window.cspViolations") == []
