"""The note's map shows the streets around the subject, named in the note's
language, and the neighbouring parcels' outlines (demo agency)."""

from __future__ import annotations

import numpy as np
import pytest

from layers.styles import REFERENCE_TYPE_SWATCHES, rgb
from notes.compose import Moment, note_compose
from notes.pdf import mapimage
from notes.pdf.bearings import NAME_INK
from notes.subjects import SubjectQuery, subject_resolve
from parcels.models import Parcel

STREET = np.array(rgb(REFERENCE_TYPE_SWATCHES["street"].outline))


@pytest.fixture
def content(demo, django_db_blocker):
    with django_db_blocker.unblock():
        parcel = (
            Parcel.objects.filter(agency=demo, address__contains="Rue Ibn Sina")
            .order_by("reference_key")
            .first()
        )
        subject = subject_resolve(SubjectQuery.from_json({"parcel": parcel.reference}))
        return note_compose(subject=subject, moment=Moment.of())


def rgb_pixels(excerpt) -> np.ndarray:
    return (
        np.frombuffer(excerpt.rgb, np.uint8)
        .reshape(excerpt.height, excerpt.width, 3)
        .astype(int)
    )


def near(pixels: np.ndarray, colour, tolerance: int = 12) -> np.ndarray:
    return np.abs(pixels - np.array(colour[:3])).max(axis=2) <= tolerance


@pytest.mark.django_db
def test_streets_parcels_and_names_are_drawn_around_the_subject(content):
    bare = rgb_pixels(
        mapimage.render_map(
            {
                "subject": content["subject"],
                "layer_versions": content["layer_versions"],
            }
        )
    )
    french = rgb_pixels(mapimage.render_map(content, language="fr"))
    arabic = rgb_pixels(mapimage.render_map(content, language="ar"))

    # Streets: lines of their swatch's colour, which the plan alone lacks.
    assert near(bare, STREET).sum() < 50  # a few antialiased edges at most
    assert near(french, STREET).sum() > 1000
    # Names: dark ink where the plan has none, different in each language.
    # (the plan's zone codes and the scale bar have a few such pixels too).
    ink = near(bare, NAME_INK, 20).sum()
    assert near(french, NAME_INK, 20).sum() > ink + 200
    assert near(arabic, NAME_INK, 20).sum() > ink + 50  # Naskh strokes are thin
    differs = np.abs(french - arabic).max(axis=2) > 0
    assert differs.sum() > 200
    # Neighbouring parcels: outlines over the zones away from the streets.
    changed = np.abs(french - bare).max(axis=2) > 20
    outlines = changed & ~near(french, STREET, 40) & ~near(french, NAME_INK, 120)
    assert outlines.sum() > 1000
