"""WFS GetPropertyValue: one property of the matching features."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from ows.exceptions import InvalidParameterValue, MissingParameterValue
from ows.formats import gml
from ows.params import OwsRequest
from ows.wfs import sql
from ows.wfs.getfeature import plan
from ows.wfs.query import parse


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """A wfs:ValueCollection of the property named by VALUEREFERENCE."""
    request = parse(ows_request, context)
    if request.value_reference is None:
        raise MissingParameterValue(
            _("The parameter valueReference is required."), locator="valueReference"
        )
    if not request.value_reference.strip():
        raise InvalidParameterValue(
            _("valueReference names no property."), locator="valueReference"
        )
    if ows_request.version != "2.0.0":
        raise InvalidParameterValue(
            _("GetPropertyValue is a WFS 2.0 operation."), locator="version"
        )
    props = [
        query.ftype.property(request.value_reference, "valueReference")
        for query in request.queries
    ]
    page = plan(request)
    dialect = request.dialect
    types = [query.ftype for query in request.queries]
    members = []
    for (query, offset, limit), prop in zip(page.slices, props, strict=False):
        prefix = query.ftype.prefix
        if prop.name == "id":  # @gml:id: the feature's identifier, as text
            for pk, _value in sql.values(query, ("NULL", []), offset, limit):
                members.append(f"<wfs:member>{query.ftype.feature_id(pk)}</wfs:member>")
            continue
        if prop.xsd_type == "geometry":
            id_prefix = gml.feature_tags(query.ftype).id_prefix
            geometry = sql.geometry_gml(query, True, id_prefix)
            for _pk, value in sql.values(query, geometry, offset, limit):
                members.append(f"<wfs:member>{value}</wfs:member>")
            continue
        if prop.is_attribute:
            value = (prop.sql, [prop.key])
        else:
            value = (f"{prop.sql}::text", [])
        for _pk, text in sql.values(query, sql.xml_text(value), offset, limit):
            members.append(
                f"<wfs:member><{prefix}:{prop.name}>{text or ''}</{prefix}:{prop.name}>"
                "</wfs:member>"
            )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<wfs:ValueCollection {gml.namespaces(dialect, types)} "
        f'xsi:schemaLocation="{dialect.wfs} {dialect.wfs_schema}" '
        f'timeStamp="{gml.timestamp()}" numberMatched="{page.matched}" '
        f'numberReturned="{len(members)}">'
    )
    body = head + "".join(members) + "</wfs:ValueCollection>"
    return HttpResponse(body, content_type="application/xml; charset=UTF-8")
