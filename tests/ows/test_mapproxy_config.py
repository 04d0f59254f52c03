"""``manage.py mapproxy_config``: the public WMS layers, caches named by the
catalogue revision and the code's release, written only when it changes
(MapProxy itself: tests/scaling/test_mapproxy.py)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from lxml import etree

from layers.models import Layer, PlanningDocument
from layers.selectors import catalogue_revision
from layers.services import layer_version_create, layer_version_publish
from tests.ows.conftest import zoning_features

WMS = "{http://www.opengis.net/wms}"


def run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("mapproxy_config", *args, stdout=out, **options)
    return out.getvalue()


def test_the_configuration_offers_what_getcapabilities_lists(
    client, ows_data, make_document, tmp_path, settings, release
):
    # Not public: a draft of the zoning, and the published zoning of a plan
    # under public inquiry.
    layer_version_create(layer=ows_data.zoning, features=zoning_features("v3"))
    inquiry = make_document(
        ows_data.agency, "PA-2", status=PlanningDocument.Status.PUBLIC_INQUIRY
    )
    layer = Layer.objects.create(
        document=inquiry, name="zonage", title_fr="Zonage", kind=Layer.Kind.ZONING
    )
    layer_version_publish(
        version=layer_version_create(layer=layer, features=zoning_features("v1"))
    )
    settings.GEOPORTAIL_PUBLIC_URL = "https://geoportail.example.ma"
    release("2026.12.1")
    output = tmp_path / "mapproxy.yaml"
    run(output=output, cache_dir=tmp_path / "tiles")
    config = json.loads(output.read_text())

    capabilities = client.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    listed = [
        name.text
        for name in etree.fromstring(capabilities.content).iter(f"{WMS}Name")
        if name.text.startswith("aurs:")
    ]
    offered = [
        layer["name"] for layer in config["layers"] if layer["name"].startswith("aurs:")
    ]
    assert offered == listed == [ows_data.zoning_name, ows_data.roads_name]
    assert "aurs:pa-2-zonage" not in output.read_text()
    revision = catalogue_revision()
    for layer in config["layers"]:
        if not layer["name"].startswith("aurs:"):
            continue
        (cache,) = layer["sources"]
        assert cache.endswith(f"_r{revision}-2026-12-1")
        directory = config["caches"][cache]["cache"]["directory"]
        assert directory.startswith(
            str(tmp_path / "tiles" / f"r{revision}-2026-12-1") + "/"
        )
        (source,) = config["caches"][cache]["sources"]
        request = config["sources"][source]["req"]
        assert request["url"] == "https://geoportail.example.ma/ows"
        assert request["layers"] == layer["name"]


@pytest.mark.parametrize(
    ("language", "refused", "bad_levels", "unchanged"),
    [
        (
            "fr",
            "Indiquez --portal-url",
            "vont de 0 à 19",
            r"inchangé : \d+ couches.*\n.*précalcul .* inchangée",
        ),
        (
            "ar",
            "حدّد --portal-url",
            "من 0 إلى 19",
            r"لم يتغير .*: .*طبق.*\n.*لم يتغير إعداد الحساب المسبق",
        ),
    ],
)
def test_written_once_and_refused_without_the_portals_address(
    ows_data, tmp_path, settings, language, refused, bad_levels, unchanged
):
    settings.GEOPORTAIL_PUBLIC_URL = ""
    output, seed = tmp_path / "mapproxy.yaml", tmp_path / "seed.yaml"
    options = {"output": output, "cache_dir": tmp_path / "tiles"}
    with translation.override(language):
        with pytest.raises(CommandError, match=refused):
            run(**options)
        assert not output.exists()
        options["portal_url"] = "http://127.0.0.1:8000"
        with pytest.raises(CommandError, match=bad_levels):
            run("--seed-levels", "15", "14", seed_output=seed, **options)
        with pytest.raises(CommandError, match=bad_levels):
            run("--seed-levels", "0", "20", seed_output=seed, **options)
        assert not output.exists()
        run(seed_output=seed, **options)
        written = output.stat().st_mtime_ns, seed.stat().st_mtime_ns
        said = run(seed_output=seed, **options)
    assert re.search(unchanged, said), said
    assert (output.stat().st_mtime_ns, seed.stat().st_mtime_ns) == written
    seeds = json.loads(seed.read_text())["seeds"]
    assert seeds["aurs--pa-1-zonage"]["levels"] == {"from": 0, "to": 14}


def fill(output: Path) -> None:
    """A tile in each cache of the configuration ``output``, as MapProxy
    would have stored."""
    for cache in json.loads(output.read_text())["caches"].values():
        folder = Path(cache["cache"]["directory"]) / "14"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "0.png").write_bytes(b"\x89PNG")


def test_prune_keeps_this_configurations_caches_and_the_replaced_ones(
    ows_data, tmp_path, settings, release
):
    # Three publishes, each followed by the command with --prune; MapProxy
    # filled a tile of each cache meanwhile. An orthophoto's cache of a
    # version no longer published is there too.
    settings.GEOPORTAIL_PUBLIC_URL = "http://127.0.0.1:8000"
    release("2026.12.1")
    tiles, output = tmp_path / "tiles", tmp_path / "mapproxy.yaml"
    stale = tiles / "orthophotos" / "v999" / "aurs" / "ortho" / "14"
    stale.mkdir(parents=True)
    revisions, said = [], ""
    for publish in range(3):
        layer_version_publish(
            version=layer_version_create(
                layer=ows_data.zoning, features=zoning_features(f"v{publish + 3}")
            )
        )
        with translation.override("fr"):
            said = run("--prune", output=output, cache_dir=tiles)
        revisions.append(catalogue_revision())
        fill(output)
    assert len(set(revisions)) == 3
    # The current revision's caches and the one before; not the first's.
    assert {path.name for path in tiles.glob("r*")} == {
        f"r{revision}-2026-12-1" for revision in revisions[1:]
    }
    assert not stale.exists()
    assert "1 cache qui n'est plus servi supprimé" in said


def test_a_new_release_of_the_code_gets_new_caches(
    ows_data, tmp_path, settings, release
):
    # The same catalogue drawn by another release: new caches; the old
    # release's go once no configuration kept names them.
    settings.GEOPORTAIL_PUBLIC_URL = "http://127.0.0.1:8000"
    tiles, output = tmp_path / "tiles", tmp_path / "mapproxy.yaml"
    revision = catalogue_revision()
    release("2026.12.1")
    run("--prune", output=output, cache_dir=tiles)
    fill(output)
    release("2026.12.2")
    with translation.override("en"):
        said = run("--prune", output=output, cache_dir=tiles)
    assert "written" in said
    fill(output)
    # The replaced configuration's caches stay (a MapProxy not yet reloaded).
    assert {path.name for path in tiles.glob("r*")} == {
        f"r{revision}-2026-12-1",
        f"r{revision}-2026-12-2",
    }

    with translation.override("en"):
        said = run("--prune", output=output, cache_dir=tiles)

    assert "unchanged" in said
    assert {path.name for path in tiles.glob("r*")} == {f"r{revision}-2026-12-2"}
