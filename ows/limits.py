"""What one OGC request may cost: bounds on anonymous work (SECURITY.md, rule 4).

A map costs about its layers times its pixels: each layer is drawn on the
whole image. The bounds are settings (``OWS_MAX_*``) read per request, and
GetCapabilities advertises them (``LayerLimit``, ``MaxWidth``, ``MaxHeight``).
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.utils.translation import gettext as _

from ows.exceptions import InvalidParameterValue


@dataclasses.dataclass(frozen=True)
class MapLimits:
    layers: int  # names in LAYERS (repeated names count each time)
    width: int
    height: int
    layer_pixels: int  # layers × width × height
    feature_info: int  # FEATURE_COUNT of GetFeatureInfo


def map_limits() -> MapLimits:
    """The limits of this deployment's settings."""
    return MapLimits(
        layers=settings.OWS_MAX_LAYERS,
        width=settings.OWS_MAX_WIDTH,
        height=settings.OWS_MAX_HEIGHT,
        layer_pixels=settings.OWS_MAX_LAYER_PIXELS,
        feature_info=settings.OWS_MAX_FEATURE_INFO,
    )


def check_layer_count(names: list[str], locator: str) -> None:
    """Raise InvalidParameterValue when ``names`` lists more layers than allowed."""
    limit = map_limits().layers
    if len(names) > limit:
        raise InvalidParameterValue(
            _("%(name)s lists %(count)s layers; at most %(max)s are allowed.")
            % {"name": locator, "count": len(names), "max": limit},
            locator=locator,
        )


def check_map_cost(layer_count: int, width: int, height: int) -> None:
    """Raise InvalidParameterValue when layers × width × height is over budget."""
    budget = map_limits().layer_pixels
    if layer_count * width * height > budget:
        raise InvalidParameterValue(
            _(
                "The map is too large: %(layers)s layers × %(width)s × %(height)s "
                "pixels exceeds %(max)s; ask for fewer layers or a smaller image."
            )
            % {
                "layers": layer_count,
                "width": width,
                "height": height,
                "max": f"{budget:,}".replace(",", " "),
            },
            locator="LAYERS",
        )
