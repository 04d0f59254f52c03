"""The importing package's plain words are the values the domain's choices store.

An import writes a zone's category, an overlay's type and a layer's geometry
family as plain strings (``importing.vocabulary``); a value the models do not
know would be stored, then drawn in no colour and named by no label.
"""

from __future__ import annotations

import pytest

from importing import vocabulary
from layers.models import Layer, ZoneCategory


@pytest.mark.parametrize(
    ("words", "choices"),
    [
        (vocabulary.Kind, Layer.Kind),
        (vocabulary.Family, Layer.GeometryType),
        (vocabulary.OverlayType, Layer.OverlayType),
        (vocabulary.ZoneCategory, ZoneCategory),
    ],
    ids=lambda value: getattr(value, "__qualname__", ""),
)
def test_importing_names_the_values_the_models_store(words, choices):
    assert vocabulary.all_values(words) == set(choices.values)
