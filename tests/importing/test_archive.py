"""Hostile or broken uploads are refused with a clear message, before anything
is extracted or written."""

from __future__ import annotations

import stat
import zipfile

import pytest

from importing.errors import (
    ArchiveTooLarge,
    EmptyFile,
    ImportRefused,
    UnknownCRS,
    UnreadableFile,
    UnsafeArchive,
    UploadTooLarge,
)
from layers.models import LayerVersion
from layers.services import layer_import

from .conftest import PLU, SHAPEFILE_PARTS, shapefile_zip, zoning_file


def _refused(layer, path, error):
    with pytest.raises(error) as caught:
        layer_import(layer=layer, path=path)
    assert not LayerVersion.objects.filter(layer=layer).exists()
    return caught.value.message


def test_member_climbing_out_of_the_archive_is_refused(zoning_layer, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("zonage.geojson", "{}")
        archive.writestr("../evil.txt", "owned")
    message = _refused(zoning_layer, path, UnsafeArchive)
    assert "../evil.txt" in message
    assert not (tmp_path.parent / "evil.txt").exists()


def test_absolute_member_path_is_refused(zoning_layer, tmp_path):
    path = tmp_path / "absolute.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("/tmp/evil.geojson", "{}")
    assert "/tmp/evil.geojson" in _refused(zoning_layer, path, UnsafeArchive)


def test_symbolic_link_member_is_refused(zoning_layer, tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("zonage.shp")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert "zonage.shp" in _refused(zoning_layer, path, UnsafeArchive)


def test_zip_bomb_is_refused_before_extraction(zoning_layer, tmp_path, settings):
    settings.GEOPORTAIL_MAX_EXPANDED_BYTES = 5 * 1024 * 1024
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zonage.geojson", b" " * (20 * 1024 * 1024))
    assert path.stat().st_size < 100_000  # small file, huge expansion
    _refused(zoning_layer, path, ArchiveTooLarge)
    assert not list(tmp_path.rglob("zonage.geojson"))


def test_truncated_zip_is_reported_as_corrupt(zoning_layer, tmp_path):
    whole = shapefile_zip(tmp_path).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: len(whole) // 2])
    assert "corrompue" in _refused(zoning_layer, path, UnreadableFile)


def test_truncated_shapefile_is_refused(zoning_layer, tmp_path):
    for suffix in SHAPEFILE_PARTS:
        data = (PLU / f"ZONE_URBA{suffix}").read_bytes()
        if suffix == ".shp":
            data = data[: len(data) // 3]
        (tmp_path / f"ZONE_URBA{suffix}").write_bytes(data)
    _refused(zoning_layer, tmp_path / "ZONE_URBA.shp", UnreadableFile)


def test_shapefile_without_shx_and_dbf_says_what_is_missing(zoning_layer, tmp_path):
    path = tmp_path / "alone.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(PLU / "ZONE_URBA.shp", "ZONE_URBA.shp")
        archive.write(PLU / "ZONE_URBA.prj", "ZONE_URBA.prj")
    message = _refused(zoning_layer, path, UnreadableFile)
    assert ".shx" in message
    assert ".dbf" in message


def test_text_file_renamed_geojson_is_not_readable(zoning_layer, tmp_path):
    path = tmp_path / "notes.geojson"
    path.write_text("Réunion du conseil : ordre du jour\n")
    assert "notes.geojson" in _refused(zoning_layer, path, UnreadableFile)


def test_empty_feature_collection_is_refused(zoning_layer, tmp_path):
    path = tmp_path / "vide.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    _refused(zoning_layer, path, EmptyFile)


def test_file_over_the_upload_limit_is_refused(zoning_layer, tmp_path, settings):
    settings.GEOPORTAIL_MAX_UPLOAD_BYTES = 1024
    message = _refused(zoning_layer, shapefile_zip(tmp_path), UploadTooLarge)
    assert "1,0\xa0Kio" in message  # the limit, in the planner's language


def test_small_member_compressed_past_the_ratio_is_refused(
    zoning_layer, tmp_path, settings
):
    """Under 1 MiB too: the ratio is checked on every member."""
    settings.GEOPORTAIL_MAX_COMPRESSION_RATIO = 100
    path = tmp_path / "small-bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zonage.geojson", b" " * (200 * 1024))
    info = zipfile.ZipFile(path).getinfo("zonage.geojson")
    assert info.file_size < 1 << 20
    assert info.file_size / info.compress_size > 100
    message = _refused(zoning_layer, path, ArchiveTooLarge)
    assert "zonage.geojson" in message
    assert not list(tmp_path.rglob("zonage.geojson"))


def test_dbf_with_a_damaged_header_is_read_or_refused(zoning_layer, tmp_path):
    """A record length cut short makes GDAL name several fields "": found by
    the fuzzer as a KeyError (a 500)."""
    path = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252"
    )
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    dbf[10:12] = (225).to_bytes(2, "little")  # was 481: six fields of 80
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    try:
        version = layer_import(layer=zoning_layer, path=path)
    except ImportRefused as exc:
        refusal = exc.message
    else:
        refusal = None
        assert version.feature_count == 4
    assert refusal is None or "zonage" in refusal


def test_prj_that_is_not_utf8_is_refused_naming_it(zoning_layer, tmp_path):
    """pyogrio fails on it with an UnboundLocalError: found by the fuzzer."""
    path = zoning_file(
        tmp_path, driver="ESRI Shapefile", suffix=".shp", encoding="cp1252"
    )
    prj = path.with_suffix(".prj")
    prj.write_bytes(prj.read_bytes().replace(b"Greenwich", b"\x80reenwich"))
    with pytest.raises(UnknownCRS) as caught:
        layer_import(layer=zoning_layer, path=path)
    assert "zonage.prj" in caught.value.message
