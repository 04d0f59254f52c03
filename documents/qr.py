"""The QR code every issued document prints: its verification URL and, after
``#``, its signed offline payload (``documents.services.PreparedDocument``)."""

from __future__ import annotations

import functools
import io

import segno


@functools.lru_cache(maxsize=256)
def qr_svg(text: str) -> str:
    """A QR code of ``text`` as an SVG document."""
    buffer = io.BytesIO()
    # segno picks the best of the eight masks (≈ 6 ms): a fixed mask saves that
    # but leaves some codes with patterns that readers fail on (about one in
    # two hundred with OpenCV). The quiet zone is the four modules the standard
    # asks for.
    segno.make_qr(text, error="m", boost_error=False).save(
        buffer, kind="svg", scale=4, border=4, xmldecl=False
    )
    return buffer.getvalue().decode()
