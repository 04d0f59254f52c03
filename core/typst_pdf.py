"""PDFs written by typst from a template and JSON data: the note, the
receipt, the commission's minutes.

Each template gets one compiler per process (``TypstTemplate``), made on
first use in a private folder holding a copy of the template and links to the
few fonts it needs, so that no system font discovery ever runs. typst's
compiler is not meant to be shared by threads at once: compiling holds a
lock. Files a rendering needs beside its data (the note's map image) are
written into the folder for that rendering only.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import threading
from pathlib import Path

import typst

NOTO = "/usr/share/fonts/truetype/noto"
# Latin and Arabic, regular and bold: what every template writes.
FONTS = (
    f"{NOTO}/NotoSans-Regular.ttf",
    f"{NOTO}/NotoSans-Bold.ttf",
    f"{NOTO}/NotoNaskhArabic-Regular.ttf",
    f"{NOTO}/NotoNaskhArabic-Bold.ttf",
)


class TypstTemplate:
    """The typst ``template`` (a ``.typ`` file) with ``fonts``."""

    def __init__(self, template: Path, *, fonts: tuple[str, ...] = FONTS) -> None:
        self.template = template
        self.fonts = fonts
        self.lock = threading.Lock()

    @functools.cached_property
    def _compiler(self) -> tuple[Path, typst.Compiler]:
        root = Path(tempfile.mkdtemp(prefix=f"geoportail-{self.template.stem}-pdf-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        fonts = root / "fonts"
        fonts.mkdir()
        for font in self.fonts:
            (fonts / Path(font).name).symlink_to(font)
        main = root / self.template.name
        main.write_bytes(self.template.read_bytes())
        compiler = typst.Compiler(
            str(main), root=str(root), font_paths=[str(fonts)], ignore_system_fonts=True
        )
        return root, compiler

    def pdf(self, data: dict, files: dict[str, bytes] | None = None) -> bytes:
        """The PDF of ``data`` (the template's ``sys.inputs.data``, as JSON),
        with ``files`` (name → bytes) beside the template while it compiles."""
        with self.lock:
            root, compiler = self._compiler
            names = []
            try:
                for name, payload in (files or {}).items():
                    (root / name).write_bytes(payload)
                    names.append(name)
                return compiler.compile(
                    format="pdf",
                    sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                    pdf_tags=False,
                )
            finally:
                for name in names:
                    (root / name).unlink(missing_ok=True)
