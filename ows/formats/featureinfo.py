"""GetFeatureInfo answers: HTML table, GeoJSON, plain XML."""

from __future__ import annotations

import dataclasses
import json

from django.template.loader import render_to_string
from lxml import etree

from core.i18n import localized
from ows.crs import Crs
from ows.formats.gml import xml_safe


@dataclasses.dataclass(frozen=True)
class FeatureInfo:
    """What a GetFeatureInfo answers: the features of each queried layer
    (``ows.wms.getfeatureinfo.LayerFeatures``), the map's CRS and the service's
    address."""

    layers: list
    crs: Crs
    url: str


def properties(feature) -> dict:
    """What a user is shown of a feature: code, label, category, attributes."""
    return {
        "code": feature.code,
        "label": localized(feature, "label"),
        "category": feature.category,
        "source_id": feature.source_id,
        **{str(key): value for key, value in (feature.attributes or {}).items()},
    }


def html(info: FeatureInfo) -> str:
    """An HTML fragment: one table per layer."""
    layers = [
        {
            "name": result.entry.name,
            "title": result.entry.title,
            "rows": [properties(feature) for feature in result.features],
        }
        for result in info.layers
    ]
    return render_to_string("ows/featureinfo.html", {"layers": layers})


def geojson(info: FeatureInfo) -> bytes:
    """A GeoJSON FeatureCollection (lon/lat), each feature tagged with its layer."""
    features = []
    for result in info.layers:
        for feature in result.features:
            features.append(
                {
                    "type": "Feature",
                    "id": f"{result.entry.local_name}.{feature.pk}",
                    "layer": result.entry.name,
                    "geometry": json.loads(feature.geom.geojson),
                    "properties": properties(feature),
                }
            )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


def xml(info: FeatureInfo) -> bytes:
    """``<FeatureInfoResponse>`` with one ``<Layer>`` per queried layer."""
    root = etree.Element("FeatureInfoResponse")
    for result in info.layers:
        layer = etree.SubElement(root, "Layer", name=result.entry.name)
        for feature in result.features:
            element = etree.SubElement(
                layer, "Feature", id=f"{result.entry.local_name}.{feature.pk}"
            )
            for name, value in properties(feature).items():
                etree.SubElement(
                    element,
                    "Attribute",
                    name=xml_safe(name),
                    value="" if value is None else xml_safe(str(value)),
                )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
