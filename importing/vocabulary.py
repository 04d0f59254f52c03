"""The domain's words that an import reads and writes, as plain values.

The importing package imports no model, yet it decides a layer's geometry
family, a zone's category and an overlay's type. Those are spelled here as the
plain strings the domain's choices store (``layers.models``' ``Layer.Kind``,
``Layer.GeometryType``, ``Layer.OverlayType`` and ``ZoneCategory``); the
choices keep their translated labels, and tests/importing/test_vocabulary.py
checks that both name the same values.
"""

from __future__ import annotations


class Kind:
    """What a layer is: the zoning (a partition into zones), an overlay, or
    reference data (streets, neighbourhoods, landmarks)."""

    ZONING = "zoning"
    OVERLAY = "overlay"
    REFERENCE = "reference"


class Family:
    """The one geometry family a layer holds."""

    POLYGON = "polygon"
    LINE = "line"
    POINT = "point"


class OverlayType:
    ROAD_ALIGNMENT = "road_alignment"
    ROAD_WIDENING = "road_widening"
    RESERVED_SITE = "reserved_site"
    GREEN_SPACE = "green_space"
    HERITAGE = "heritage"
    RISK = "risk"
    EASEMENT = "easement"
    OTHER = "other"


class ZoneCategory:
    COLLECTIVE_HOUSING = "collective_housing"
    VILLA = "villa"
    INDIVIDUAL_HOUSING = "individual_housing"
    ECONOMIC_HOUSING = "economic_housing"
    MIXED = "mixed"
    INDUSTRIAL = "industrial"
    TOURISM = "tourism"
    EQUIPMENT = "equipment"
    GREEN_SPACE = "green_space"
    AGRICULTURAL = "agricultural"
    NATURAL = "natural"
    TO_URBANISE = "to_urbanise"
    OTHER = "other"


def all_values(words: type) -> frozenset[str]:
    """Every value a vocabulary class names (``all_values(ZoneCategory)``)."""
    return frozenset(
        value
        for name, value in vars(words).items()
        if name.isupper() and isinstance(value, str)
    )
