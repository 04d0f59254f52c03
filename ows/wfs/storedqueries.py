"""WFS 2.0 stored queries: only the mandatory GetFeatureById."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from ows.exceptions import InvalidParameterValue
from ows.params import OwsRequest
from ows.wfs.dialects import FES20, WFS20, XSI
from ows.wfs.featuretypes import feature_types
from ows.wfs.query import GET_FEATURE_BY_ID_NAMES
from ows.xmlrequest import parse_xml

XSD = "http://www.w3.org/2001/XMLSchema"
SCHEMA = f"{WFS20} http://schemas.opengis.net/wfs/2.0/wfs.xsd"


def _document(root) -> HttpResponse:
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="application/xml; charset=UTF-8")


def _maker(context) -> tuple[ElementMaker, list[str]]:
    """An ElementMaker declaring every agency prefix (QName values use them)."""
    nsmap = {"wfs": WFS20, "fes": FES20, "xsi": XSI, "xsd": XSD}
    types = feature_types(context)
    for ftype in types:
        nsmap[ftype.prefix] = ftype.namespace
    return ElementMaker(namespace=WFS20, nsmap=nsmap), [t.name for t in types]


def handle_list(ows_request: OwsRequest, context) -> HttpResponse:
    """wfs:ListStoredQueriesResponse."""
    W, names = _maker(context)
    root = W.ListStoredQueriesResponse(
        *[
            W.StoredQuery(
                W.Title(_("Get a feature by its identifier")),
                *[W.ReturnFeatureType(name) for name in names],
                id=identifier,
            )
            for identifier in GET_FEATURE_BY_ID_NAMES
        ]
    )
    return _document(root)


def _asked(ows_request: OwsRequest) -> list[str]:
    """STOREDQUERY_ID (KVP), or the StoredQueryId elements (XML)."""
    if ows_request.body:
        root = parse_xml(ows_request.body)
        return [
            (element.text or "").strip()
            for element in root.iterchildren("{*}StoredQueryId")
            if (element.text or "").strip()
        ]
    return [
        i.strip() for i in ows_request.get("STOREDQUERY_ID").split(",") if i.strip()
    ]


def handle_describe(ows_request: OwsRequest, context) -> HttpResponse:
    """wfs:DescribeStoredQueriesResponse; raises for an unknown id."""
    asked = _asked(ows_request) or list(GET_FEATURE_BY_ID_NAMES)
    for identifier in asked:
        if identifier not in GET_FEATURE_BY_ID_NAMES:
            raise InvalidParameterValue(
                _("Unknown stored query: %(id)s.") % {"id": identifier},
                locator="STOREDQUERY_ID",
            )
    W, types = _maker(context)
    names = " ".join(types)
    descriptions = [
        W.StoredQueryDescription(
            W.Title(_("Get a feature by its identifier")),
            W.Abstract(_("Returns the single feature whose identifier is ID.")),
            W.Parameter(name="id", type="xsd:string"),
            W.QueryExpressionText(
                returnFeatureTypes=names,
                language="urn:ogc:def:queryLanguage:OGC-WFS::WFS_QueryExpression",
                isPrivate="true",
            ),
            id=identifier,
        )
        for identifier in dict.fromkeys(asked)
    ]
    return _document(W.DescribeStoredQueriesResponse(*descriptions))
