"""A small bundle of the tests' own texts (numbers no real or demo text
uses), written to a folder and imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.services import library_import


def text_file(folder: Path, name: str, **values) -> Path:
    """Write one text of the import format to ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    return path


def law(number: str, *, articles: list[dict], **values) -> dict:
    """A law of the import format, in force from 2001-03-01."""
    return {
        "kind": "law",
        "number": number,
        "title": {"fr": f"Loi n° {number} d'essai", "ar": f"القانون رقم {number}"},
        "authority": {"fr": "Parlement", "ar": "البرلمان"},
        "published_on": "2001-03-01",
        "in_force_on": "2001-03-01",
        "articles": articles,
        **values,
    }


def article(number: str, fr: str, ar: str = "") -> dict:
    return {"number": number, "body": {"fr": fr, "ar": ar} if ar else {"fr": fr}}


@pytest.fixture
def import_texts(db, tmp_path):
    """Import the given texts (dicts of the format) as one bundle."""
    counter = iter(range(1000))

    def run(*texts: dict):
        folder = tmp_path / f"bundle-{next(counter)}"
        for index, values in enumerate(texts):
            text_file(folder, f"{index}.json", **values)
        return library_import(path=folder)

    return run
