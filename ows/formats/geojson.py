"""GeoJSON feature collections (RFC 7946), geometries written by PostGIS."""

from __future__ import annotations

import orjson

from ows.wfs.featuretypes import FIXED, FeatureType


def feature(ftype: FeatureType, row: tuple) -> bytes:
    """One GeoJSON Feature from a row of ``ows.wfs.sql.rows``."""
    pk, *fixed, attributes_json, geometry = row
    # The type's properties only: a projection (PROPERTYNAME) may leave any out.
    names = {prop.name for prop in ftype.properties}
    properties = {
        name: value for name, value in zip(FIXED, fixed, strict=True) if name in names
    }
    if attributes_json != "{}":
        attributes = orjson.loads(attributes_json)
        for prop in ftype.properties:
            if prop.is_attribute and prop.key in attributes:
                properties[prop.name] = attributes[prop.key]
    head = orjson.dumps(
        {"type": "Feature", "id": ftype.feature_id(pk), "properties": properties}
    )
    if not ftype.with_geometry:
        geometry = None
    return head[:-1] + b',"geometry":' + (geometry or "null").encode() + b"}"


def collection_start(
    *, matched: int, returned: int, crs_name: str, next_url: str, previous_url: str
) -> bytes:
    head = {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": returned,
    }
    if crs_name:
        head["crs"] = {"type": "name", "properties": {"name": crs_name}}
    links = []
    if next_url:
        links.append({"rel": "next", "href": next_url, "type": "application/json"})
    if previous_url:
        links.append(
            {"rel": "previous", "href": previous_url, "type": "application/json"}
        )
    if links:
        head["links"] = links
    return orjson.dumps(head)[:-1] + b',"features":['


COLLECTION_END = b"]}"
