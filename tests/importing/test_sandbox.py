"""An upload can read nothing but itself: no other file of the server (GDAL VRT,
``!`` paths), no URL (``/vsicurl/``, a GeoJSON's linked CRS), and its errors
never show the server's folders."""

from __future__ import annotations

import http.server
import json
import threading
import zipfile

import pyogrio
import pytest
from django.test import Client

from accounts.tokens import api_token_create

from .conftest import geojson_file, zoning_features

MARKER = "k3y-0f-th3-s3rv3r-must-n0t-l34k"


@pytest.fixture
def secret(tmp_path):
    """A file only the server may read, like .local/secret_key."""
    folder = tmp_path / "server"
    folder.mkdir()
    path = folder / "secret_key"
    path.write_text(f"{MARKER}\n")
    return path


@pytest.fixture
def client(planner):
    key = api_token_create(user=planner)[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")


@pytest.fixture
def listener():
    """A loopback HTTP server that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'GEOGCS["WGS 84",DATUM["WGS_1984"]]\n')

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def _vrt(source: str, layer: str) -> str:
    """A GDAL VRT that reads ``source`` as CSV rows, without a header."""
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='zones'>"
        f"<SrcDataSource>{source}</SrcDataSource><SrcLayer>{layer}</SrcLayer>"
        "<OpenOptions><OOI key='HEADERS'>NO</OOI></OpenOptions>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def _inspect(client, layer, path):
    with path.open("rb") as stream:
        return client.post(f"/api/v1/layers/{layer.pk}/inspect", {"file": stream})


@pytest.mark.parametrize(
    "name", ["zones.geojson", "zones.csv", "zones.kml", "zones.zip"]
)
def test_vrt_pointing_at_a_secret_file_is_refused(
    zoning_layer, client, secret, tmp_path, name
):
    vrt = _vrt(f"CSV:{secret}", secret.name)
    path = tmp_path / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("zones.geojson", vrt)
    else:
        path.write_text(vrt)
    response = _inspect(client, zoning_layer, path)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] in {"unreadable_file", "no_geometry", "wrong_format"}
    assert "zones." in error["message"]  # the planner's own file name
    assert MARKER not in response.content.decode()
    # No advice to name a driver with a "CSV:"-style prefix.
    assert "driver" not in error["message"]


def test_vrt_upload_makes_no_draft_and_leaks_nothing(
    zoning_layer, client, secret, tmp_path
):
    path = tmp_path / "zones.geojson"
    path.write_text(_vrt(f"CSV:{secret}", secret.name))
    with path.open("rb") as stream:
        response = client.post(
            f"/api/v1/layers/{zoning_layer.pk}/versions", {"file": stream}
        )
    assert response.status_code == 400
    assert MARKER not in response.content.decode()
    assert not zoning_layer.versions.exists()


def test_file_name_with_a_bang_cannot_point_elsewhere(zoning_layer, client, tmp_path):
    """pyogrio reads "a!/b" as the member /b of an archive "a": a zip member
    named so would read any file of the server with a vector suffix."""
    (tmp_path / "other-agency").mkdir()
    victim = geojson_file(
        tmp_path / "other-agency" / "zonage.geojson",
        [(geometry, {"ZONE": MARKER}) for geometry, _props in zoning_features()],
    )
    path = tmp_path / "innocent.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"x!{victim}", "{}")
    response = _inspect(client, zoning_layer, path)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "unsafe_name"
    assert MARKER not in response.content.decode()


def test_vrt_fetching_a_url_sends_no_request(zoning_layer, client, tmp_path, listener):
    url, requests = listener
    path = tmp_path / "zones.csv"
    path.write_text(_vrt(f"CSV:/vsicurl/{url}/zones.csv", "zones"))
    response = _inspect(client, zoning_layer, path)
    assert response.status_code == 400
    assert requests == []


def test_geojson_linked_crs_is_not_fetched(zoning_layer, client, tmp_path, listener):
    """GeoJSON is an allowed format, and GDAL fetches a "link" CRS by HTTP."""
    url, requests = listener
    path = geojson_file(tmp_path / "zonage.geojson", zoning_features())
    collection = json.loads(path.read_text())
    collection["crs"] = {
        "type": "link",
        "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"},
    }
    path.write_text(json.dumps(collection))
    response = _inspect(client, zoning_layer, path)
    assert response.status_code < 500
    assert requests == []


def test_gdal_has_no_network_and_only_the_readers_drivers(listener):
    url, requests = listener
    for target in (
        f"/vsicurl/{url}/a.csv",
        f"CSV:/vsicurl/{url}/b.csv",
        f"/vsicurl_streaming/{url}/c.csv",
    ):
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(target)
    assert requests == []
    assert set(pyogrio.list_drivers()) == {
        "ESRI Shapefile",
        "GPKG",
        "GeoJSON",
        "KML",
        "CSV",
        "DXF",
    }


def test_content_that_does_not_match_the_name_is_refused(
    zoning_layer, client, tmp_path
):
    """A GeoPackage named .csv is read by no driver but CSV's."""
    from .conftest import zoning_file

    gpkg = zoning_file(tmp_path, driver="GPKG", suffix=".gpkg")
    path = tmp_path / "zonage.kml"
    path.write_bytes(gpkg.read_bytes())
    response = _inspect(client, zoning_layer, path)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "wrong_format"
    assert "KML" in response.json()["error"]["message"]


@pytest.mark.parametrize("endpoint", ["inspect", "versions"])
def test_error_of_a_broken_upload_shows_no_server_folder(
    zoning_layer, client, tmp_path, settings, endpoint
):
    path = tmp_path / "zonage.geojson"
    path.write_text("Réunion du conseil : ordre du jour\n")
    with path.open("rb") as stream:
        response = client.post(
            f"/api/v1/layers/{zoning_layer.pk}/{endpoint}", {"file": stream}
        )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "zonage.geojson" in message
    for folder in ("/tmp", "geoportail-", str(settings.MEDIA_ROOT), str(tmp_path)):
        assert folder not in message
