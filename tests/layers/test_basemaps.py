"""Orthophotos: an upload becomes a COG in Web Mercator with overviews, is
served as tiles with the right pixels, and bad TIFFs are refused in the
reader's language with nothing changed."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.files import File
from django.utils import translation
from PIL import Image

from geoportal.demo_orthophoto import orthophoto_pixels, orthophoto_write
from importing.errors import ImportRefused
from layers.basemaps import base_map_upload, base_map_version_publish
from layers.models import BaseMap, BaseMapVersion

# Lambert Nord Maroc, near Rabat; 0.5 m a pixel.
WEST, NORTH, RESOLUTION = 380000.0, 370000.0, 0.5
RED = (220, 20, 20)


def transform(x: float, y: float, source: str, target: str) -> tuple[float, float]:
    done = subprocess.run(
        ["gdaltransform", "-s_srs", source, "-t_srs", target, "-output_xy"],
        input=f"{x} {y}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    easting, northing = done.stdout.split()
    return float(easting), float(northing)


@pytest.fixture
def orthophoto(tmp_path) -> Path:
    """A 1200 × 1000 photo with a red square of 100 pixels (50 m) whose
    top-left corner is 100 m east and 100 m south of the photo's."""
    pixels = orthophoto_pixels(width=1200, height=1000)
    pixels[200:300, 200:300] = RED
    return orthophoto_write(
        path=tmp_path / "ortho.tif",
        pixels=pixels,
        srid=26191,
        west=WEST,
        north=NORTH,
        resolution=RESOLUTION,
    )


def upload(agency, path: Path, **extra) -> BaseMapVersion:
    with path.open("rb") as source:
        return base_map_upload(
            agency=agency,
            name="ortho",
            title_fr="Orthophoto 2024",
            title_ar="صورة جوية 2024",
            upload=File(source, name=path.name),
            background=False,
            **extra,
        )


def tile_address(agency, x: float, y: float, z: int) -> tuple[str, float, float]:
    """The address of the tile holding (x, y) of EPSG:26191 at zoom z, and
    the point's place in its tile (fractions of a tile)."""
    mx, my = transform(x, y, "EPSG:26191", "EPSG:3857")
    size = 2 * 20037508.342789244 / 2**z
    column, row = (mx + 20037508.342789244) / size, (20037508.342789244 - my) / size
    address = f"/tiles/raster/{agency.code}/ortho/{z}/{int(column)}/{int(row)}.webp"
    return address, column % 1, row % 1


def tile_pixel(client, agency, x: float, y: float, z: int) -> tuple:
    """The colour the tile server gives at (x, y) of EPSG:26191 at zoom z."""
    address, right, down = tile_address(agency, x, y, z)
    response = client.get(address)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/webp"
    image = Image.open(io.BytesIO(response.content)).convert("RGBA")
    return image.getpixel((int(right * 256), int(down * 256)))


def test_upload_becomes_a_cog_in_web_mercator_with_overviews(agency, orthophoto):
    version = upload(agency, orthophoto)

    assert version.status == BaseMapVersion.Status.DRAFT, version.error
    info = json.loads(
        subprocess.run(
            ["gdalinfo", "-json", version.cog.path], capture_output=True, check=True
        ).stdout
    )
    assert info["metadata"]["IMAGE_STRUCTURE"]["LAYOUT"] == "COG"
    assert info["metadata"]["IMAGE_STRUCTURE"]["COMPRESSION"] == "WEBP"
    assert info["stac"]["proj:epsg"] == 3857
    assert len(info["bands"][0]["overviews"]) >= 2
    assert version.max_zoom == 18
    assert not version.upload  # the upload is not kept once converted
    west, _south, _east, north = version.extent.extent
    assert west == pytest.approx(-6.696, abs=0.01)
    assert north == pytest.approx(33.923, abs=0.01)


def test_tiles_show_the_photo_at_its_place_at_every_zoom(client, agency, orthophoto):
    version = upload(agency, orthophoto)
    base_map_version_publish(version=version)

    inside_red = (WEST + 125, NORTH - 125)
    outside_red = (WEST + 400, NORTH - 125)
    for z in (18, 17, 16, 15):
        red = tile_pixel(client, agency, *inside_red, z)
        assert red[3] == 255, (z, red)
        assert red[0] > 180, (z, red)
        assert red[1] < 70, (z, red)
        other = tile_pixel(client, agency, *outside_red, z)
        assert other[3] == 255, (z, other)
        assert other[0] < 180 or other[1] > 70, (z, other)


def test_tiles_of_a_draft_are_not_served(client, agency, orthophoto):
    version = upload(agency, orthophoto)
    on_photo, _right, _down = tile_address(agency, WEST + 10, NORTH - 10, 17)
    assert client.get(on_photo).status_code == 404
    base_map_version_publish(version=version)

    assert client.get(on_photo).status_code == 200


def test_off_the_photo_tiles_are_transparent_and_other_zooms_absent(
    client, agency, orthophoto
):
    base_map_version_publish(version=upload(agency, orthophoto))

    off_photo = client.get(f"/tiles/raster/{agency.code}/ortho/18/1/1.webp")
    too_far = client.get(f"/tiles/raster/{agency.code}/ortho/5/15/12.webp")

    assert off_photo.status_code == 200
    image = Image.open(io.BytesIO(off_photo.content)).convert("RGBA")
    assert image.getextrema()[3] == (0, 0)
    assert too_far.status_code == 404
    assert too_far.json()["error"]["code"] == "not_found"


def test_tiles_carry_caching_headers_and_answer_304(client, agency, orthophoto):
    base_map_version_publish(version=upload(agency, orthophoto))
    address, _right, _down = tile_address(agency, WEST + 10, NORTH - 10, 17)

    first = client.get(address)
    again = client.get(address, headers={"If-None-Match": first["ETag"]})

    # Kept by shared caches, revalidated on each use: a new publication shows
    # at once.
    assert first["Cache-Control"] == "public, no-cache"
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "GeoTIFF lisible"), ("ar", "GeoTIFF")],
)
def test_a_corrupt_tiff_is_refused_in_the_readers_language(
    agency, orthophoto, tmp_path, language, words
):
    broken = tmp_path / "broken.tif"
    broken.write_bytes(orthophoto.read_bytes()[:200_000])

    with translation.override(language), pytest.raises(ImportRefused) as refused:
        upload(agency, broken)

    assert words in str(refused.value.message)
    if language == "ar":
        assert "ملف" in str(refused.value.message)
    assert not BaseMap.objects.filter(agency=agency).exists()
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "pas géoréférencée"), ("ar", "غير مرجعة جغرافيا")],
)
def test_a_tiff_without_georeferencing_is_refused(agency, tmp_path, language, words):
    plain = tmp_path / "plain.tif"
    Image.fromarray(orthophoto_pixels(width=300, height=200)).save(plain)

    with translation.override(language), pytest.raises(ImportRefused) as refused:
        upload(agency, plain)

    assert refused.value.code == "unknown_crs"
    assert words in str(refused.value.message)
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_a_planner_of_another_agency_may_not_upload(agency, other_planner, orthophoto):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        upload(agency, orthophoto, user=other_planner)
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_anonymous_tiles_take_the_machine_path(wsgi_call, agency, orthophoto):
    from core.routes import MachineRoutes

    base_map_version_publish(version=upload(agency, orthophoto))
    address, _right, _down = tile_address(agency, WEST + 10, NORTH - 10, 17)

    response = wsgi_call(address)

    assert MachineRoutes().resolve(address) is not None
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(response.content)).size == (256, 256)


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_is_converted_by_the_worker(agency, orthophoto, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GEOPORTAIL_INLINE_IMPORT_BYTES = 1000

    with orthophoto.open("rb") as source:
        version = base_map_upload(
            agency=agency,
            name="ortho",
            title_fr="Orthophoto 2024",
            upload=File(source, name=orthophoto.name),
        )
    assert version.status == BaseMapVersion.Status.CONVERTING
    assert version.task_id
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    version.refresh_from_db()
    assert version.status == BaseMapVersion.Status.DRAFT, version.error
    assert version.cog
    assert not version.upload


@pytest.mark.parametrize(
    ("srid", "west", "north", "resolution"),
    [
        (32629, 677000.0, 3757000.0, 0.5),  # UTM 29N, near Rabat
        (4326, -6.85, 33.95, 0.000005),  # longitude, latitude
    ],
)
def test_a_photo_in_another_crs_lands_at_its_place(
    client, agency, tmp_path, srid, west, north, resolution
):
    pixels = orthophoto_pixels(width=600, height=400)
    pixels[100:200, 100:200] = RED
    path = orthophoto_write(
        path=tmp_path / f"ortho-{srid}.tif",
        pixels=pixels,
        srid=srid,
        west=west,
        north=north,
        resolution=resolution,
    )
    base_map_version_publish(version=upload(agency, path))
    # The red square's middle, in EPSG:26191 for tile_pixel.
    middle = (west + 150 * resolution, north - 150 * resolution)
    # (longitude, latitude) order for the geographic CRS.
    source = "+proj=longlat +datum=WGS84" if srid == 4326 else f"EPSG:{srid}"
    x, y = transform(*middle, source, "EPSG:26191")

    red = tile_pixel(client, agency, x, y, 17)

    assert red[3] == 255
    assert red[0] > 180
    assert red[1] < 70


def test_an_image_that_is_no_geotiff_is_refused(agency, tmp_path):
    picture = tmp_path / "photo.png"
    Image.fromarray(orthophoto_pixels(width=50, height=50)).save(picture)

    with translation.override("fr"), pytest.raises(ImportRefused) as refused:
        upload(agency, picture)

    assert "GeoTIFF" in str(refused.value.message)
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_an_upload_past_the_limit_is_refused(agency, orthophoto, settings):
    settings.GEOPORTAIL_MAX_UPLOAD_BYTES = 1000

    with pytest.raises(ImportRefused) as refused:
        upload(agency, orthophoto)

    assert refused.value.code == "upload_too_large"
    assert refused.value.http_status == 413
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_publishing_supersedes_and_an_older_version_can_come_back(
    client, agency, orthophoto
):
    first = base_map_version_publish(version=upload(agency, orthophoto))
    address, _right, _down = tile_address(agency, WEST + 10, NORTH - 10, 17)
    first_etag = client.get(address)["ETag"]
    second = base_map_version_publish(version=upload(agency, orthophoto))
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "published")
    second_etag = client.get(address)["ETag"]
    assert second_etag != first_etag

    base_map_version_publish(version=first)

    second.refresh_from_db()
    assert second.status == BaseMapVersion.Status.SUPERSEDED
    assert client.get(address)["ETag"] == first_etag
    stale = client.get(address, headers={"If-None-Match": second_etag})
    assert stale.status_code == 200


def test_a_new_release_of_the_code_encodes_the_tile_again(
    client, agency, orthophoto, release
):
    base_map_version_publish(version=upload(agency, orthophoto))
    address, _right, _down = tile_address(agency, WEST + 10, NORTH - 10, 17)
    release("2026.12.1")
    etag = client.get(address)["ETag"]
    release("2026.12.2")

    again = client.get(address, headers={"If-None-Match": etag})

    assert again.status_code == 200
    assert again["ETag"] != etag
    assert again["Content-Type"] == "image/webp"


def test_a_published_version_cannot_be_published_again(agency, orthophoto):
    from layers.basemaps import BaseMapNotPublishable

    version = base_map_version_publish(version=upload(agency, orthophoto))

    with pytest.raises(BaseMapNotPublishable):
        base_map_version_publish(version=version)


# Hostile uploads (../shared/SECURITY.md): the photo is read by GDAL's GTiff
# driver only, and a zip goes through the archive rules of the layers' imports.


def test_a_zip_member_climbing_out_of_the_work_folder_is_refused(
    agency, orthophoto, tmp_path
):
    archive = tmp_path / "photo.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(orthophoto, "../../escaped.tif")

    with pytest.raises(ImportRefused):
        upload(agency, archive)

    assert not (tmp_path / "escaped.tif").exists()
    assert not list(Path(tempfile.gettempdir()).glob("escaped.tif"))
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()


def test_a_vrt_posing_as_a_tiff_reads_no_other_file(agency, orthophoto, tmp_path):
    secret = tmp_path / "secret.tif"
    secret.write_bytes(orthophoto.read_bytes())  # what the VRT would disclose
    # A whole, georeferenced VRT of it: accepted, were it read as a VRT.
    posing = tmp_path / "photo.tif"
    subprocess.run(
        ["gdal_translate", "-q", "-of", "VRT", str(secret), str(posing)], check=True
    )
    relative = '<SourceFilename relativeToVRT="1">secret.tif'
    absolute = f'<SourceFilename relativeToVRT="0">{secret}'
    posing.write_text(posing.read_text().replace(relative, absolute))

    with pytest.raises(ImportRefused) as refused:
        upload(agency, posing)

    assert str(secret) not in str(refused.value.message)
    assert not BaseMapVersion.objects.filter(base_map__agency=agency).exists()
