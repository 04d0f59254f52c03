"""The machine path (``geoportal.machine``): its middleware is the declared
one, no middleware of the project is skipped unsaid, and a lane's failure is
answered by the handler (a client's mistake) or logged and answered as Django
would (anything else) — never swallowed."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.core.wsgi import get_wsgi_application
from django.urls import path

from core.routes import MachineRoutes, machine
from geoportal.machine import MachinePath, machine_middleware_check
from ows.exceptions import LayerNotDefined
from ows.fastlane import GetMapLane

pytestmark = pytest.mark.django_db

GETMAP = (
    "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=aurs:nothing&STYLES="
    "&CRS=EPSG:4326&BBOX=33.9,-6.9,34,-6.8&WIDTH=64&HEIGHT=64&FORMAT=image/png"
)
NEW = "tests.geoportal.test_machine.stamp"


def stamp(get_response):
    """A middleware that marks the responses it sees."""

    def middleware(request):
        response = get_response(request)
        response["X-Stamp"] = "seen"
        return response

    return middleware


def test_the_project_passes_the_check():
    assert machine_middleware_check(None) == []


def test_a_middleware_added_unclassified_fails_the_check(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, NEW]
    assert [error.id for error in machine_middleware_check(None)] == ["geoportal.E001"]
    with pytest.raises(SystemCheckError, match=r"geoportal\.E001"):
        call_command("check")
    settings.MACHINE_SKIPPED_MIDDLEWARE = {
        **settings.MACHINE_SKIPPED_MIDDLEWARE,
        NEW: "the machine requests do without it",
    }
    assert machine_middleware_check(None) == []


def test_the_machine_middleware_keeps_the_projects_order(settings):
    first, second, *rest = settings.MACHINE_MIDDLEWARE
    settings.MACHINE_MIDDLEWARE = [second, first, *rest]
    assert [error.id for error in machine_middleware_check(None)] == ["geoportal.E002"]


def test_the_lanes_account_for_every_machine_middleware(settings):
    settings.MACHINE_MIDDLEWARE = [*settings.MACHINE_MIDDLEWARE, NEW]
    errors = machine_middleware_check(None)
    assert [error.id for error in errors] == ["geoportal.E003"]
    assert isinstance(errors[0], Error)


def test_the_lanes_apply_only_machine_middleware(settings):
    settings.LANE_MIDDLEWARE = [*settings.LANE_MIDDLEWARE, NEW]
    assert [error.id for error in machine_middleware_check(None)] == ["geoportal.E004"]


def test_the_machine_handler_runs_the_machine_middleware_only(settings, wsgi_call):
    # identify refuses a point it cannot read before any query.
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, NEW]
    project_only = MachinePath(get_wsgi_application())
    settings.MACHINE_MIDDLEWARE = [*settings.MACHINE_MIDDLEWARE, NEW]
    both = MachinePath(get_wsgi_application())
    query = "lon=east&lat=north"
    skipped = wsgi_call("/api/v1/identify", query=query, application=project_only)
    ran = wsgi_call("/api/v1/identify", query=query, application=both)
    assert skipped.status == ran.status == 400
    assert "X-Stamp" not in skipped.headers
    assert ran.headers["X-Stamp"] == "seen"
    # The full path (a token) runs MIDDLEWARE.
    full = wsgi_call(
        "/api/v1/identify",
        query=query,
        headers={"Authorization": "Token none"},
        application=project_only,
    )
    assert full.headers["X-Stamp"] == "seen"


def test_a_lanes_typed_error_is_answered_by_the_handler_in_the_clients_language(
    monkeypatch, wsgi_call
):
    raised = []
    answer = GetMapLane.answer

    def spied(self, *args):
        try:
            return answer(self, *args)
        except Exception as error:
            raised.append(error)
            raise

    monkeypatch.setattr(GetMapLane, "answer", spied)
    response = wsgi_call("/ows", query=GETMAP, headers={"Accept-Language": "fr"})
    assert [type(error) for error in raised] == [LayerNotDefined]
    assert response.status == 400
    assert b'code="LayerNotDefined"' in response.content
    assert "Couche inconnue : aurs:nothing." in response.content.decode()
    assert response.headers["Content-Language"] == "fr"


def test_any_other_error_of_a_lane_is_logged_and_answered_500(
    monkeypatch, wsgi_call, caplog
):
    def broken(self, *args):
        raise RuntimeError("the lane broke")

    monkeypatch.setattr(GetMapLane, "answer", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = wsgi_call("/ows", query=GETMAP)
    assert response.status == 500
    assert b"the lane broke" not in response.content  # no traceback to a user
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info[0] is RuntimeError
    assert "/ows" in record.getMessage()


def test_an_api_error_of_the_tile_lane_is_the_handlers_json(monkeypatch, wsgi_call):
    from core.api import NotFound
    from tiles.fastlane import TileLane

    def refused(self, *args):
        raise NotFound("never shown")

    # The handler answers the request again: an unknown layer, in French.
    monkeypatch.setattr(TileLane, "answer", refused)
    response = wsgi_call(
        "/tiles/aurs:nothing/14/7800/6500.mvt", headers={"Accept-Language": "fr"}
    )
    assert response.status == 404
    error = json.loads(response.content)["error"]
    assert error["code"] == "tileset_not_found"
    assert error["message"] == "Il n’existe pas de couche nommée « aurs:nothing »."
    assert response.headers["Content-Language"] == "fr"


def test_machine_routes_are_found_in_the_url_configuration():
    assert set(MachineRoutes().routes) == {
        "ows:ows",
        "ows:wms",
        "ows:wfs",
        "ows:agency",
        "tiles:tile",
        "tiles:raster_tile",
        "notes:identify",
        "notes:compose",
        "library:api-search",
        "library:api-text",
        "library:api-article",
    }


def test_a_machine_route_needs_a_name():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        machine(path("nameless", stamp), methods=("GET",))
