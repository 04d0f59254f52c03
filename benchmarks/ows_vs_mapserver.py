"""Our WMS/WFS side by side with MapServer 8 on the benchmark database.

Serves the 50,000-zone benchmark layer (``benchmarks/generate.py``) through
  * ours in-process (the WSGI application granian serves, without HTTP),
  * ours over HTTP through granian, as ``scripts/run`` starts it (1 worker),
  * MapServer in-process (python3-mapscript, run with Debian's /usr/bin/python3),
  * MapServer through its CGI (``mapserv``, one process per request),
with an equivalent mapfile generated into a temporary folder (same PostGIS
table, same colours by category, 1-px outlines, zone codes at the same
scales, transparent 256×256 PNG). MapServer keeps its PostGIS connection
(``CLOSE_CONNECTION=DEFER``).

Measured: GetMap over random tiles at zooms 12–17 (fixed seed), and GetFeature
of 10,000 zones as GML 3.2 and as GeoJSON. Ours and mapscript run
interleaved, request by request, so that a busy machine slows both alike.
Prints p50/p95/mean and the ratios ours / MapServer.

    .venv/bin/python benchmarks/ows_vs_mapserver.py [--tiles 300] [--cgi-tiles 40]

Needs: Debian's cgi-mapserver mapserver-bin python3-mapscript; the database
``geoportail_bench`` (``benchmarks/generate.py``). Results and what changed
them: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder's modules (tiles.py, …) must not shadow the project's apps.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_url  # noqa: E402
from benchmarks.serving import free_port, start_portal  # noqa: E402

TERRITORY = (-6.915, 33.829, -6.641, 34.058)  # lon/lat, from benchmarks/README.md
LABEL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FEATURES = 10_000
GML32 = "application/gml+xml; version=3.2"


def tiles(count: int, seed: int = 42) -> list[tuple[int, int, int]]:
    """Random (z, x, y) tiles over the territory, zooms 12–17."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        z = rng.randint(12, 17)
        lon = rng.uniform(TERRITORY[0], TERRITORY[2])
        lat = rng.uniform(TERRITORY[1], TERRITORY[3])
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        out.append((z, x, y))
    return out


def tile_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * 20037508.342789244 / 2**z
    minx = -20037508.342789244 + x * size
    maxy = 20037508.342789244 - y * size
    return (minx, maxy - size, minx + size, maxy)


def getmap_query(layer: str, tile) -> str:
    bbox = ",".join(f"{v:.6f}" for v in tile_bbox(*tile))
    return urllib.parse.urlencode(
        {
            "SERVICE": "WMS",
            "VERSION": "1.3.0",
            "REQUEST": "GetMap",
            "LAYERS": layer,
            "STYLES": "",
            "CRS": "EPSG:3857",
            "BBOX": bbox,
            "WIDTH": "256",
            "HEIGHT": "256",
            "FORMAT": "image/png",
            "TRANSPARENT": "TRUE",
        }
    )


def getfeature_query(type_name: str, output: str) -> str:
    return urllib.parse.urlencode(
        {
            "SERVICE": "WFS",
            "VERSION": "2.0.0",
            "REQUEST": "GetFeature",
            "TYPENAMES": type_name,
            "COUNT": str(FEATURES),
            "SRSNAME": "urn:ogc:def:crs:EPSG::4326",
            "OUTPUTFORMAT": output,
        }
    )


def summary(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    return {
        "p50": statistics.median(ms),
        "p95": ms[min(len(ms) - 1, int(len(ms) * 0.95))],
        "mean": statistics.fmean(ms),
        "n": len(ms),
    }


# Ours ---------------------------------------------------------------------


@contextlib.contextmanager
def granian(database_url: str):
    """Our server as ``scripts/run`` starts it (1 worker); yields a GET function."""
    port = free_port()
    server = start_portal(port=port, env={"DATABASE_URL": database_url}, workers=1)
    try:
        connections = [_wait_for(port)]

        def get(query: str) -> None:
            try:
                status, body = _http_get(connections[0], "/ows?" + query)
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server closes idle keep-alive connections: open another.
                connections[0].close()
                connections[0] = http.client.HTTPConnection("127.0.0.1", port)
                status, body = _http_get(connections[0], "/ows?" + query)
            assert status == 200, body[:300]

        yield get
    finally:
        server.terminate()
        server.wait(timeout=20)


def in_process():
    """Ours through the WSGI application granian serves (``geoportal.wsgi``:
    its machine path and GetMap fast lane included), without HTTP: a GET
    function."""
    import io

    from geoportal.wsgi import application

    def get(query: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/ows",
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = b"".join(
            application(environ, lambda line, headers, *_: status.append(line))
        )
        assert status[0].startswith("200"), body[:300]

    return get


def _wait_for(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, _ = _http_get(connection, "/healthz")
            if status < 500:
                return connection
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("granian did not start")


def _http_get(connection: http.client.HTTPConnection, path: str):
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    return response.status, response.read()


# MapServer ------------------------------------------------------------------

MAPSCRIPT_RUNNER = textwrap.dedent(
    """
    import json, sys, time
    import mapscript

    mapfile, queries_file, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
    m = mapscript.mapObj(mapfile)

    def run(query):
        request = mapscript.OWSRequest()
        request.loadParamsFromURL(query)
        mapscript.msIO_installStdoutToBuffer()
        status = m.OWSDispatch(request)
        content_type = mapscript.msIO_stripStdoutBufferContentType()
        body = mapscript.msIO_getStdoutBufferBytes()
        mapscript.msIO_resetHandlers()
        return status, content_type, body

    if queries_file == "-":
        # Serve one query per stdin line; answer its time (interleaved runs).
        for line in sys.stdin:
            start = time.perf_counter()
            status, content_type, body = run(line.strip())
            elapsed = time.perf_counter() - start
            print(json.dumps({"t": elapsed, "n": len(body), "status": status}))
            sys.stdout.flush()
        sys.exit(0)
    queries = json.load(open(queries_file))
    for query in queries[:5]:
        run(query)
    times, sizes = [], []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            status, content_type, body = run(query)
            times.append(time.perf_counter() - start)
            sizes.append(len(body))
            failed = b"Exception" in body[:400] and "xml" in content_type
            if status != 0 or failed:
                sys.stderr.write(body[:800].decode("utf-8", "replace"))
                sys.exit(1)
    print(json.dumps({"times": times, "sizes": sizes}))
    """
)


def mapfile(directory: Path, database_url: str, version_id: int, document_id: int):
    from layers.styles import ZONE_CATEGORY_SWATCHES, ZONE_OUTLINE, rgb, zone_swatch
    from ows.render import LABEL_RESOLUTION

    parsed = urllib.parse.urlparse(database_url)
    query = urllib.parse.parse_qs(parsed.query)
    connection = (
        f"host={query.get('host', [parsed.hostname or 'localhost'])[0]} "
        f"port={query.get('port', [parsed.port or 5432])[0]} "
        f"dbname={parsed.path.lstrip('/')} user={parsed.username}"
    )
    if parsed.password:
        connection += f" password={parsed.password}"
    subquery = (
        "(SELECT f.id, f.{geom} AS g, f.source_id, f.code, f.label_fr, f.label_ar, "
        "COALESCE(NULLIF(f.category, ''), z.category, '') AS cat "
        "FROM layers_feature f LEFT JOIN layers_zonerule z "
        f"ON z.document_id = {document_id} AND z.code = f.code "
        f"WHERE f.version_id = {version_id} ORDER BY f.id) AS sub"
    )
    # Zone codes written as ours writes them (ows.render, ows.paths): below
    # 2.5 m a pixel (1:8,929), on zones of at least 30 × 30 pixels, DejaVu
    # Sans Bold of the same look (MapServer's size 9 is skia's 12 px) in a
    # white halo, without collision detection.
    label = f"""      LABEL
        MAXSCALEDENOM {LABEL_RESOLUTION / 0.00028:.0f}
        TYPE TRUETYPE FONT "bold" SIZE 9
        COLOR 30 30 30 OUTLINECOLOR 255 255 255 OUTLINEWIDTH 2
        POSITION CC MINFEATURESIZE 30 FORCE TRUE PARTIALS TRUE
      END"""
    outline = " ".join(map(str, rgb(ZONE_OUTLINE)))
    classes = "\n".join(
        f"""    CLASS
      EXPRESSION "{category}"
      STYLE COLOR {r} {g} {b} OPACITY {round(a / 2.55)} END
      STYLE OUTLINECOLOR {outline} WIDTH 1 END
{label}
    END"""
        for category, (r, g, b, a) in (
            (category, swatch.fill_rgba())
            for category, swatch in ZONE_CATEGORY_SWATCHES.items()
        )
    )
    fallback = zone_swatch("other").fill_rgba()
    layer_template = """
  LAYER
    NAME "{name}"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "{connection}"
    PROCESSING "CLOSE_CONNECTION=DEFER"
    DATA "g from {subquery} using unique id using srid={srid}"
    PROJECTION "init=epsg:{srid}" END
    METADATA
      "wms_title" "{name}"
      "wfs_title" "{name}"
      "gml_include_items" "source_id,code,label_fr,label_ar,cat"
      "gml_featureid" "id"
      "gml_types" "auto"
      "wfs_srs" "EPSG:4326 EPSG:3857"
      "wfs_enable_request" "*"
      "wms_enable_request" "*"
    END
    CLASSITEM "cat"
    LABELITEM "code"
{classes}
    CLASS
      STYLE COLOR {fr} {fg} {fb} OPACITY {fa} END
      STYLE OUTLINECOLOR {outline} WIDTH 1 END
{label}
    END
  END"""
    layers = "".join(
        layer_template.format(
            name=name,
            connection=connection,
            subquery=subquery.format(geom=column),
            srid=srid,
            classes=classes,
            label=label,
            outline=outline,
            fr=fallback[0],
            fg=fallback[1],
            fb=fallback[2],
            fa=round(fallback[3] / 2.55),
        )
        for name, column, srid in (
            ("zones", "geom_3857", 3857),
            ("zones4326", "geom", 4326),
        )
    )
    fontset = directory / "fonts.txt"
    fontset.write_text(f"bold {LABEL_FONT}\n")
    text = f"""MAP
  NAME "bench"
  EXTENT -20037508 -20037508 20037508 20037508
  SIZE 256 256
  UNITS METERS
  MAXSIZE 4096
  PROJECTION "init=epsg:3857" END
  IMAGETYPE "png"
  FONTSET "{fontset}"
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    EXTENSION "png"
    TRANSPARENT ON
  END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "FORM=SIMPLE"
  END
  WEB
    METADATA
      "ows_title" "bench"
      "ows_onlineresource" "http://127.0.0.1/mapserv?"
      "ows_srs" "EPSG:3857 EPSG:4326"
      "ows_enable_request" "*"
      "wfs_getfeature_formatlist" "geojson"
      "wfs_maxfeatures" "{FEATURES}"
    END
  END
{layers}
END
"""
    path = directory / "bench.map"
    path.write_text(text)
    return path


class MapscriptWorker:
    """A mapscript process answering one query per line, for interleaved runs
    (ours and MapServer alternate, so a noisy machine weighs on both alike)."""

    def __init__(self, map_path: Path) -> None:
        runner = map_path.parent / "runner.py"
        runner.write_text(MAPSCRIPT_RUNNER)
        self.process = subprocess.Popen(
            ["/usr/bin/python3", str(runner), str(map_path), "-", "1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def time(self, query: str) -> float:
        self.process.stdin.write(query + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer["status"] != 0:
            raise RuntimeError(f"mapscript failed on {query}")
        return answer["t"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def interleaved(get, ours: list[str], theirs: list[str], worker, repeat: int = 1):
    """(our times, MapServer times), alternating who goes first per query."""
    for query, other in list(zip(ours, theirs, strict=True))[:5]:
        get(query)
        worker.time(other)
    mine, others = [], []
    for _ in range(repeat):
        for index, (query, other) in enumerate(zip(ours, theirs, strict=True)):
            if index % 2:
                others.append(worker.time(other))
            start = time.perf_counter()
            get(query)
            mine.append(time.perf_counter() - start)
            if not index % 2:
                others.append(worker.time(other))
    return mine, others


def cgi_times(map_path: Path, queries: list[str]) -> list[float]:
    config = map_path.parent / "mapserver.conf"
    config.write_text(f'CONFIG\n  ENV\n    MS_MAPFILE "{map_path}"\n  END\nEND\n')
    times = []
    for query in queries:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin"),
            "MAPSERVER_CONFIG_FILE": str(config),
            "QUERY_STRING": query,
            "REQUEST_METHOD": "GET",
        }
        start = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/mapserv"], env=env, capture_output=True, check=False
        )
        times.append(time.perf_counter() - start)
        head = result.stdout[:300]
        if result.returncode != 0 or b"Content-Type: image/png" not in head:
            raise RuntimeError(f"mapserv CGI failed: {result.stdout[:600]!r}")
    return times


# Main -----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiles", type=int, default=300)
    parser.add_argument("--cgi-tiles", type=int, default=40)
    parser.add_argument("--wfs-repeat", type=int, default=5)
    args = parser.parse_args()

    database_url = bench_url()
    os.environ["DATABASE_URL"] = database_url
    # In-process as granian serves it (benchmarks/serving.py).
    os.environ.setdefault("DATABASE_PREPARED", "true")
    os.environ.setdefault("DATABASE_HEALTH_CHECKS", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from ows.catalog import catalog_layers

    entry = next(
        e
        for e in catalog_layers(agency_code="bench")
        if e.layer.name == "zonage" and not e.is_draft
    )
    print(
        f"layer {entry.name}: version {entry.version.pk}, "
        f"{entry.version.feature_count} features"
    )

    sample = tiles(args.tiles)
    ours_maps = [getmap_query(entry.name, tile) for tile in sample]
    ms_maps = [getmap_query("zones", tile) for tile in sample]
    results: dict[str, dict] = {}

    with tempfile.TemporaryDirectory(prefix="ows-bench-") as tmp:
        map_path = mapfile(
            Path(tmp), database_url, entry.version.pk, entry.layer.document_id
        )
        print("GetMap 256×256 PNG,", len(sample), "tiles, zooms 12–17")
        worker = MapscriptWorker(map_path)
        wfs = [
            (
                label,
                [getfeature_query(entry.name, output)],
                [
                    getfeature_query(
                        "zones4326", GML32 if output == GML32 else "geojson"
                    )
                ],
            )
            for label, output in (("GML 3.2", GML32), ("GeoJSON", "application/json"))
        ]
        try:
            with granian(database_url) as over_http:
                for name, get in (("in-process", in_process()), ("granian", over_http)):
                    mine, theirs = interleaved(get, ours_maps, ms_maps, worker)
                    results[f"getmap ours {name}"] = summary(mine)
                    results[f"getmap mapscript (with {name})"] = summary(theirs)
                    for label, ours_q, ms_q in wfs:
                        mine, theirs = interleaved(
                            get, ours_q, ms_q, worker, args.wfs_repeat
                        )
                        results[f"getfeature {label} ours {name}"] = summary(mine)
                        results[f"getfeature {label} mapscript (with {name})"] = (
                            summary(theirs)
                        )
        finally:
            worker.close()
        results["getmap mapserv CGI"] = summary(
            cgi_times(map_path, ms_maps[: args.cgi_tiles])
        )

    print(f"\n{'measure':50} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'n':>5}")
    for name, row in results.items():
        print(
            f"{name:50} {row['p50']:9.2f} {row['p95']:9.2f} {row['mean']:9.2f} "
            f"{row['n']:5d}"
        )
    print("\nratios ours / MapServer (p50; < 1 means faster than MapServer)")
    pairs = [("getmap ours granian", "getmap mapserv CGI")]
    for name in ("in-process", "granian"):
        pairs.append((f"getmap ours {name}", f"getmap mapscript (with {name})"))
        for label in ("GML 3.2", "GeoJSON"):
            pairs.append(
                (
                    f"getfeature {label} ours {name}",
                    f"getfeature {label} mapscript (with {name})",
                )
            )
    for ours, theirs in pairs:
        ratio = results[ours]["p50"] / results[theirs]["p50"]
        print(f"  {ours:36} / {theirs:42} = {ratio:5.2f}")


if __name__ == "__main__":
    main()
