"""The map page in headless Chromium: first picture, bytes, click to panel.

    .venv/bin/python benchmarks/viewer_load.py                 # demo data
    .venv/bin/python benchmarks/viewer_load.py --database bench  # 50k zones, 1M parcels
    .venv/bin/python benchmarks/viewer_load.py --since b58dac1   # bytes added since

Serves the portal as ``scripts/run`` does (collectstatic with compression,
granian WSGI, prepared statements) on a free localhost port, then drives
Debian's Chromium with Playwright:
- cold loads of ``/`` (new browser context each): time from navigation start
  to the first meaningful picture on the map — territories, a zoning overview
  image or a vector tile, whichever comes first (the page's
  ``first-layer-drawn`` performance mark) — and the compressed bytes of
  JavaScript and CSS other than Leaflet's own files (``encodedBodySize`` of the
  resource timings);
- with ``--database bench``, the same at the national start view (``/`` with
  no position: every agency's territory fitted, below every layer's tiles);
- the page's own JavaScript and CSS gzipped, and how much they grew since the
  git revision ``--since`` (issue 12 asks < 100 KB compressed added);
- clicks on parcels: time from the click to the panel showing the parcel and
  its zones (identify), and to the full panel (rules, overlays, documents).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import free_port, start_portal  # noqa: E402

CHROMIUM = "/usr/lib/chromium/chromium"
# The benchmark database holds 28 agencies across Morocco besides the bench
# agency, so the map would open on the whole country, below every layer's
# minimum zoom: open where it opened when the bench agency was alone (its
# territory fitted, zoom 11), and click its parcels.
BENCH_VIEW = "#map=11/33.943500/-6.778000"
# What "TF 1" found when the bench agency was alone (other agencies' "TF 1/…"
# now come first).
BENCH_PARCELS = [
    f"TF {n}/07" for n in (1, 10, 100, 1000, 10000, 100000, 1000000, 100001)
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def database_url(which: str) -> str:
    base = subprocess.run(
        [sys.executable, "-m", "geoportal.embedded_db", "url"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if which == "bench":
        return base.replace("/geoportail?", "/geoportail_bench?")
    return base


def serve(env: dict, port: int) -> subprocess.Popen:
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return start_portal(port=port, env=env)


# The page's own scripts and styles (Leaflet's are vendored, not counted).
OWN_STATIC = [
    "viewer/static/viewer/map.js",
    "viewer/static/viewer/mvt.js",
    "viewer/static/viewer/map.css",
]


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def static_growth(since: str | None) -> None:
    """Print the own JavaScript and CSS gzipped, now and since ``since``."""
    print("Own JavaScript and CSS, gzipped (-9):")
    total_now = total_then = 0
    for path in OWN_STATIC:
        now = gzipped_size((ROOT / path).read_bytes())
        total_now += now
        line = f"  {path:40s} {now:8,d} B"
        if since:
            shown = subprocess.run(
                ["git", "show", f"{since}:{path}"], cwd=ROOT, capture_output=True
            )
            then = gzipped_size(shown.stdout) if shown.returncode == 0 else 0
            total_then += then
            line += f"  (since {since}: {now - then:+,d} B)"
        print(line)
    print(f"  total {total_now:,} B", end="")
    print(f", added since {since}: {total_now - total_then:+,d} B" if since else "")


def national_start(browser, base: str, loads: int) -> list[float]:
    """First meaningful picture (ms) of cold loads at the national start view."""
    times = []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_function(
            "() => performance.getEntriesByName('first-layer-drawn').length > 0",
            timeout=30_000,
        )
        times.append(
            page.evaluate(
                "() => performance.getEntriesByName('first-layer-drawn')[0].startTime"
            )
        )
        context.close()
    return times


def measure(base: str, loads: int, clicks: int, *, bench: bool = False) -> None:
    import json

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        national = national_start(browser, base, loads) if bench else []
        first_layer, bytes_js_css, breakdown, phases = [], [], {}, []
        timeline: list = []
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(base + "/" + (BENCH_VIEW if bench else ""))
            page.wait_for_function(
                "() => performance.getEntriesByName('first-layer-drawn').length > 0",
                timeout=30_000,
            )
            first_layer.append(
                page.evaluate(
                    "() => performance.getEntriesByName('first-layer-drawn')[0]"
                    ".startTime"
                )
            )
            resources = page.evaluate(
                """() => performance.getEntriesByType('resource')
                   .filter(r => /\\.(js|css)(\\?|$)/.test(r.name))
                   .map(r => [r.name, r.encodedBodySize, r.decodedBodySize])"""
            )
            phases.append(
                page.evaluate(
                    """() => {
                      const n = performance.getEntriesByType('navigation')[0];
                      const tiles = performance.getEntriesByType('resource')
                        .filter(r => r.name.includes('.mvt'));
                      return [n.responseEnd, n.domContentLoadedEventEnd,
                              Math.min(...tiles.map(t => t.startTime)),
                              Math.min(...tiles.map(t => t.responseEnd)),
                              tiles.length];
                    }"""
                )
            )
            timeline = page.evaluate(
                """() => performance.getEntriesByType('resource').slice(0, 8)
                   .map(r => [r.name.split('/').pop(), Math.round(r.startTime),
                              Math.round(r.responseEnd)])
                   .concat(performance.getEntriesByType('mark')
                   .map(m => [m.name, Math.round(m.startTime), 0]))"""
            )
            own = [r for r in resources if "/static/leaflet/" not in r[0]]
            bytes_js_css.append(sum(r[1] for r in own))
            breakdown = {r[0].rsplit("/", 1)[-1]: (r[1], r[2]) for r in resources}
            context.close()

        parcels = []
        for query in BENCH_PARCELS if bench else ["TF 1"]:
            url = f"{base}/api/v1/search?q={urllib.parse.quote(query)}"
            search = json.load(urllib.request.urlopen(url))
            parcels += [r for r in search["results"] if r["kind"] == "parcel"]
        parcels = parcels[:clicks]
        to_panel, to_details = [], []
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        for parcel in parcels:
            lon, lat = parcel["anchor"]
            page.goto(f"{base}/#map=18/{lat}/{lon}")
            page.wait_for_function(
                "() => performance.getEntriesByName('first-layer-drawn').length > 0"
            )
            page.evaluate("() => { delete document.body.dataset.detailsShownAt; }")
            box = page.locator("#map").bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_function("() => document.body.dataset.detailsShownAt")
            times = page.evaluate(
                "() => [document.body.dataset.clickAt, document.body.dataset"
                ".panelShownAt, document.body.dataset.detailsShownAt].map(Number)"
            )
            to_panel.append(times[1] - times[0])
            to_details.append(times[2] - times[0])
        context.close()
        browser.close()

    print(f"Cold loads of /{BENCH_VIEW if bench else ''} ({loads}):")
    print(
        f"  first meaningful picture: median {statistics.median(first_layer):.0f} ms"
        f" (min {min(first_layer):.0f}, max {max(first_layer):.0f})"
    )
    if national:
        print(
            f"  national start view (/), first meaningful picture: median"
            f" {statistics.median(national):.0f} ms"
            f" (min {min(national):.0f}, max {max(national):.0f})"
        )
    print("  resources of the last load (name, start, end in ms):")
    for name, start, end in timeline:
        print(f"    {name[:50]:50s} {start:6d} {end:6d}")
    labels = ["HTML received", "DOM ready", "first tile asked", "first tile in"]
    for index, label in enumerate(labels):
        values = [phase[index] for phase in phases]
        print(f"    {label:18s} median {statistics.median(values):6.0f} ms")
    print(
        f"    tiles requested    median {statistics.median(p[4] for p in phases):.0f}"
    )
    print(
        f"  JS+CSS besides Leaflet, compressed: {statistics.median(bytes_js_css):,} B"
    )
    for name, (encoded, decoded) in sorted(breakdown.items()):
        print(f"    {name:40s} {encoded:8,d} B on the wire, {decoded:8,d} B decoded")
    if to_panel:
        print(f"Clicks on parcels ({len(to_panel)}):")
        print(
            f"  click → panel with zones: median {statistics.median(to_panel):.0f} ms"
            f" (max {max(to_panel):.0f})"
        )
        print(
            f"  click → full panel (rules, overlays, documents): median"
            f" {statistics.median(to_details):.0f} ms (max {max(to_details):.0f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["main", "bench"], default="main")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=8)
    parser.add_argument(
        "--since", help="git revision to compare the own JS and CSS sizes with"
    )
    args = parser.parse_args()
    static_growth(args.since)

    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(args.database),
            "DATABASE_PREPARED": "true",
            "STATIC_ROOT": static_root,
        }
        server = serve(env, port)
        # A user's first load, not the server's: both workers have imported
        # everything and opened their database connection.
        for _ in range(6):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
        try:
            measure(
                f"http://127.0.0.1:{port}",
                args.loads,
                args.clicks,
                bench=args.database == "bench",
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
