"""Draw the installable app's icons from the site's favicon design.

    .venv/bin/python scripts/make_app_icons.py

Writes ``geoportal/static/geoportal/icons/``: ``icon-192.png`` and
``icon-512.png`` (the rounded tile of ``viewer/static/viewer/favicon.svg``) and
``maskable-512.png`` (full bleed, the glyph inside the central 80 % that every
launcher's mask keeps). The drawing uses only Pillow's own rasteriser, so the
same Pillow writes the same bytes: run it again after changing the design and
commit the PNGs.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "geoportal/static/geoportal/icons"
ACCENT = (11, 92, 173, 255)  # --accent of site.css, the manifest's theme colour
WHITE = (255, 255, 255, 255)
# favicon.svg's glyph (two peaks) on its 32-unit grid.
GLYPH = [(6, 22), (12, 10), (18, 18), (22, 13), (26, 22)]
SUPERSAMPLE = 4


def icon(size: int, *, maskable: bool) -> Image.Image:
    """The icon at ``size`` pixels: drawn large, then reduced (anti-aliasing)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
        scale, offset = big * 0.6 / 32, big * 0.2  # inside the safe zone
    else:
        draw.rounded_rectangle(
            (0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=ACCENT
        )
        scale, offset = big / 32, 0.0
    draw.polygon(
        [(offset + x * scale, offset + y * scale) for x, y in GLYPH], fill=WHITE
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
    ):
        icon(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
