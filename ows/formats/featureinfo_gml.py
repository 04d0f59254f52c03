"""GetFeatureInfo as GML (WMS 1.1.1 ``application/vnd.ogc.gml``).

A GML 3.1.1 ``gml:FeatureCollection`` whose ``gml:featureMember``s are the
features as WFS 1.1.0 writes them: each layer's feature type in its agency's
namespace, its properties in the order of the type's DescribeFeatureType
(``ows.wfs.featuretypes``), which ``xsi:schemaLocation`` names — so a GML
validator checks the answer against the schema of the very features, as the
OGC suite's does.
"""

from __future__ import annotations

from lxml import etree

from core.replicas import read_connection
from ows.crs import Crs, is_geographic
from ows.formats.featureinfo import FeatureInfo
from ows.formats.gml import xml_safe
from ows.wfs.dialects import WFS_1_1, XSI
from ows.wfs.featuretypes import GEOMETRY, FeatureType, feature_type

GML = WFS_1_1.gml
# ST_AsGML options: <LineString> rather than <Curve>; short EPSG:<code> names
# with x/y axes, as WMS 1.1.1 writes every CRS.
ST_ASGML_OPTIONS = 4


def _geometries(
    ftype: FeatureType, ids: list[int], crs: Crs
) -> dict[int, etree._Element]:
    """The features' geometries as GML 3.1.1 elements in ``crs``, by id;
    polygons and lines as multi-geometries, as the type's schema declares."""
    geom = "ST_Transform(geom, %s)"
    if ftype.multi:
        geom = f"ST_Multi({geom})"
    digits = 9 if is_geographic(crs.srid) else 4
    sql = (
        f"SELECT id, ST_AsGML(3, {geom}, %s, %s) "  # noqa: S608 (fixed text)
        "FROM layers_feature WHERE id = ANY(%s)"
    )
    wrapper = f'<g xmlns:gml="{GML}">{{}}</g>'
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [crs.srid, digits, ST_ASGML_OPTIONS, ids])
        return {pk: etree.fromstring(wrapper.format(text))[0] for pk, text in cursor}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))


def gml(info: FeatureInfo) -> bytes:
    """The features of ``info`` as one collection, geometries in its CRS."""
    types = [(feature_type(result.entry), result.features) for result in info.layers]
    nsmap = {"gml": GML, "xsi": XSI}
    locations = [f"{GML} {WFS_1_1.gml_schema}"]
    by_namespace: dict[str, list[str]] = {}
    for ftype, _features in types:
        nsmap[ftype.prefix] = ftype.namespace
        by_namespace.setdefault(ftype.namespace, []).append(ftype.name)
    for namespace, names in by_namespace.items():
        locations.append(
            f"{namespace} {info.url}?SERVICE=WFS&VERSION={WFS_1_1.version}"
            f"&REQUEST=DescribeFeatureType&TYPENAME={','.join(names)}"
        )
    root = etree.Element(f"{{{GML}}}FeatureCollection", nsmap=nsmap)
    root.set(f"{{{XSI}}}schemaLocation", " ".join(locations))
    for ftype, features in types:
        geometries = _geometries(ftype, [feature.pk for feature in features], info.crs)
        for feature in features:
            member = etree.SubElement(root, f"{{{GML}}}featureMember")
            element = etree.SubElement(
                member, f"{{{ftype.namespace}}}{ftype.local_name}"
            )
            element.set(f"{{{GML}}}id", ftype.feature_id(feature.pk))
            attributes = feature.attributes or {}
            for prop in ftype.properties:
                value = (
                    attributes.get(prop.key)
                    if prop.is_attribute
                    else getattr(feature, prop.name)
                )
                if value is not None:
                    child = etree.SubElement(
                        element, f"{{{ftype.namespace}}}{prop.name}"
                    )
                    child.text = _text(value)
            geometry = etree.SubElement(element, f"{{{ftype.namespace}}}{GEOMETRY}")
            geometry.append(geometries[feature.pk])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
