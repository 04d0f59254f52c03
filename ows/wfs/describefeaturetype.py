"""WFS DescribeFeatureType: a GML application schema (XSD) of the types.

Types of one agency share its namespace and go in one schema; asking for
types of several agencies gives a schema that imports one per agency.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from lxml import etree

from ows.exceptions import InvalidParameterValue
from ows.params import OwsRequest
from ows.wfs.dialects import GML32_FORMATS, GML311_FORMAT, Dialect, dialect
from ows.wfs.featuretypes import (
    FeatureType,
    feature_types,
    lookup_types,
    parse_namespaces,
)
from ows.xmlrequest import in_scope, local_name, parse_xml

XSD = "http://www.w3.org/2001/XMLSchema"
XSD_TYPES = {
    "string": "xsd:string",
    "integer": "xsd:long",
    "double": "xsd:double",
    "boolean": "xsd:boolean",
}


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The XSD of TYPENAMES (every type when absent)."""
    dia = dialect(ows_request.version)
    accepted = {*GML32_FORMATS, GML311_FORMAT, "application/gml+xml; version=3.2"}
    output = ows_request.get("OUTPUTFORMAT").strip()
    if output and dia.output_format(output) is None and output not in accepted:
        raise InvalidParameterValue(
            _("Unsupported output format: %(name)s.") % {"name": output},
            locator="outputFormat",
        )
    names, namespaces = _type_names(ows_request)
    types = (
        lookup_types(names, context, locator="typeNames", namespaces=namespaces)
        if names
        else feature_types(context)
    )
    namespaces = {ftype.namespace for ftype in types}
    if len(namespaces) <= 1:
        body = application_schema(types, dia)
    else:
        body = import_schema(types, dia, context.url)
    content_type = "application/gml+xml; version=3.2" if dia.gml32 else GML311_FORMAT
    return HttpResponse(body, content_type=f"{content_type}; charset=UTF-8")


def _type_names(ows_request: OwsRequest) -> tuple[list[str], dict[str, str]]:
    """TYPENAMES (TYPENAME in 1.1.0) of KVP and the NAMESPACES binding their
    prefixes, or the TypeName elements of XML and their in-scope namespaces."""
    if ows_request.body:
        root = parse_xml(ows_request.body)
        elements = [
            element
            for element in root
            if isinstance(element.tag, str) and local_name(element) == "TypeName"
        ]
        namespaces = {}
        for element in elements:
            namespaces.update(in_scope(element))
        return [(element.text or "").strip() for element in elements], namespaces
    param = "TYPENAMES" if ows_request.has("TYPENAMES") else "TYPENAME"
    names = [name.strip() for name in ows_request.get(param).split(",") if name.strip()]
    namespaces = parse_namespaces(
        ows_request.get("NAMESPACES") or ows_request.get("NAMESPACE")
    )
    return names, namespaces


def application_schema(types: list[FeatureType], dia: Dialect) -> bytes:
    """One schema for types that share a namespace."""
    nsmap = {"xsd": XSD, "gml": dia.gml}
    target = types[0].namespace if types else "urn:geoportail:agency:"
    if types:
        nsmap[types[0].prefix] = target
    schema = etree.Element(
        f"{{{XSD}}}schema",
        nsmap=nsmap,
        targetNamespace=target,
        elementFormDefault="qualified",
        version="1.0",
    )
    etree.SubElement(
        schema, f"{{{XSD}}}import", namespace=dia.gml, schemaLocation=dia.gml_schema
    )
    for ftype in types:
        _describe(schema, ftype, dia)
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8")


def _describe(schema: etree._Element, ftype: FeatureType, dia: Dialect) -> None:
    type_name = f"{ftype.local_name}Type"
    complex_type = etree.SubElement(schema, f"{{{XSD}}}complexType", name=type_name)
    content = etree.SubElement(complex_type, f"{{{XSD}}}complexContent")
    extension = etree.SubElement(content, f"{{{XSD}}}extension", base=dia.feature_base)
    sequence = etree.SubElement(extension, f"{{{XSD}}}sequence")
    for prop in ftype.properties:
        etree.SubElement(
            sequence,
            f"{{{XSD}}}element",
            name=prop.name,
            type=XSD_TYPES[prop.xsd_type],
            minOccurs="0",
            maxOccurs="1",
            nillable="true",
        )
    etree.SubElement(
        sequence,
        f"{{{XSD}}}element",
        name="geom",
        type=f"gml:{ftype.gml_geometry_type}",
        minOccurs="0",
        maxOccurs="1",
        nillable="true",
    )
    etree.SubElement(
        schema,
        f"{{{XSD}}}element",
        name=ftype.local_name,
        type=f"{ftype.prefix}:{type_name}",
        substitutionGroup=dia.feature_group,
    )


def import_schema(types: list[FeatureType], dia: Dialect, url: str) -> bytes:
    """A schema importing each namespace's own DescribeFeatureType."""
    schema = etree.Element(f"{{{XSD}}}schema", nsmap={"xsd": XSD})
    by_namespace: dict[str, list[str]] = {}
    for ftype in types:
        by_namespace.setdefault(ftype.namespace, []).append(ftype.name)
    for namespace, names in by_namespace.items():
        location = (
            f"{url}?SERVICE=WFS&VERSION={dia.version}&REQUEST=DescribeFeatureType"
            f"&TYPENAMES={quote(','.join(names))}"
        )
        etree.SubElement(
            schema, f"{{{XSD}}}import", namespace=namespace, schemaLocation=location
        )
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8")
