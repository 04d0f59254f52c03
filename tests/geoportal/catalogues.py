"""The portal's translation catalogues read as gettext reads them, for tests.

Each ``.po`` is compiled by ``msgfmt`` (as deployments do) and loaded with the
standard library, so a test sees exactly the entries Django would serve.
"""

from __future__ import annotations

import dataclasses
import gettext
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Entry:
    """One translated text: its English msgid and one of its translations
    (``form``: which plural form, None for a text without plural; ``context``:
    its msgctxt, None without — gettext keeps one text in two contexts apart)."""

    catalogue: str
    msgid: str
    msgstr: str
    form: int | None = None
    context: str | None = None


def catalogue_paths(language: str) -> list[Path]:
    """The ``django.po`` files of ``language``, the project's own only."""
    return sorted(
        p
        for p in REPO.glob(f"**/locale/{language}/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and ".local" not in p.parts
    )


def entries(language: str) -> list[Entry]:
    """Every translated text of ``language``: each plural form is one entry."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for po in catalogue_paths(language):
            mo = Path(folder) / "django.mo"
            subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
            with mo.open("rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
            name = str(po.relative_to(REPO))
            for key, msgstr in catalog.items():
                msgid, form = key if isinstance(key, tuple) else (key, None)
                if msgid:  # not the header
                    context, _, text = msgid.rpartition("\x04")
                    found.append(Entry(name, text, msgstr, form, context or None))
    return found
