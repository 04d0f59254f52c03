"""GetFeature / GetPropertyValue requests parsed into typed queries.

KVP and XML (POST) encodings give the same ``FeatureRequest``. The SQL of a
query is assembled here from fixed fragments and the compiled filter, with
every value a parameter.
"""

from __future__ import annotations

import dataclasses
import re

from django.utils.translation import gettext as _
from lxml import etree

from ows.crs import COMMON_SRIDS, Crs, parse_crs
from ows.exceptions import (
    InvalidParameterValue,
    MissingParameterValue,
    OwsError,
)
from ows.filters.fes import (
    TRUE,
    Condition,
    FilterCompiler,
    envelope_condition,
    parse_filters,
    resource_pk,
)
from ows.limits import check_layer_count
from ows.params import OwsRequest, parse_bbox, parse_instant, parse_int
from ows.wfs.dialects import Dialect, dialect
from ows.wfs.featuretypes import (
    FeatureType,
    Property,
    lookup_types,
    parse_namespaces,
)
from ows.xmlrequest import in_scope, local_name, parse_xml

COUNT_DEFAULT = 1000
COUNT_MAX = 100_000
GET_FEATURE_BY_ID = "http://www.opengis.net/def/query/OGC-WFS/0/GetFeatureById"
# WFS 2.0.0 named it by URN; 2.0.2 by URI. Clients and suites use both.
GET_FEATURE_BY_ID_URN = "urn:ogc:def:query:OGC-WFS::GetFeatureById"
GET_FEATURE_BY_ID_NAMES = (GET_FEATURE_BY_ID, GET_FEATURE_BY_ID_URN)
DEFAULT_CRS_NAME = "urn:ogc:def:crs:EPSG::4326"


@dataclasses.dataclass(frozen=True)
class Query:
    """One type's part of a request: which features, in which order and CRS."""

    ftype: FeatureType
    condition: Condition
    sort: tuple[tuple[Property, bool], ...]  # (property, descending)
    crs: Crs


@dataclasses.dataclass(frozen=True)
class FeatureRequest:
    queries: tuple[Query, ...]
    dialect: Dialect
    output_format: str
    count: int
    start_index: int
    hits: bool
    by_id: bool = False  # GetFeatureById: one bare feature, 404 when absent
    value_reference: str | None = None  # GetPropertyValue


def default_crs() -> Crs:
    return parse_crs(DEFAULT_CRS_NAME)


def query_crs(name: str, ftype: FeatureType, locator: str = "srsName") -> Crs:
    """The CRS of ``srsName``; raises InvalidParameterValue unless offered."""
    if not name:
        return default_crs()
    crs = parse_crs(name)
    if crs is None or (
        crs.srid not in COMMON_SRIDS and crs.srid != ftype.entry.source_srid
    ):
        raise InvalidParameterValue(
            _("CRS %(name)s is not offered.") % {"name": name}, locator=locator
        )
    return crs


def parse_sort(text: str, ftype: FeatureType) -> tuple[tuple[Property, bool], ...]:
    """KVP SORTBY: ``name [ASC|DESC|A|D]``, comma-separated."""
    keys = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        words = item.split()
        prop = ftype.property(words[0], "SORTBY")
        order = words[1].upper() if len(words) > 1 else "ASC"
        if order not in ("ASC", "DESC", "A", "D"):
            raise InvalidParameterValue(
                _("Sort order must be ASC or DESC."), locator="SORTBY"
            )
        keys.append((prop, order in ("DESC", "D")))
    return tuple(keys)


def _paging(ows_request: OwsRequest, version: str) -> tuple[int, int]:
    names = ("COUNT", "MAXFEATURES") if version == "2.0.0" else ("MAXFEATURES", "COUNT")
    count = default_count(version)
    for name in names:
        if ows_request.get(name).strip():
            count = parse_int(ows_request.get(name), name, minimum=0, maximum=COUNT_MAX)
            break
    start = parse_int(ows_request.get("STARTINDEX", "0") or "0", "STARTINDEX")
    return count, start


def default_count(version: str) -> int:
    """Features per answer when the client sets no count: WFS 2.0 pages,
    WFS 1.1.0 has no standard paging, so its clients expect everything."""
    return COUNT_DEFAULT if version == "2.0.0" else COUNT_MAX


def _output_format(value: str, dia: Dialect) -> str:
    output = dia.output_format(value)
    if output is None:
        raise InvalidParameterValue(
            _("Unsupported output format: %(name)s.") % {"name": value},
            locator="outputFormat",
        )
    return output


def _result_type(value: str) -> bool:
    value = (value or "results").lower()
    if value not in ("results", "hits"):
        raise InvalidParameterValue(
            _("resultType must be results or hits."), locator="resultType"
        )
    return value == "hits"


def _instant(ows_request: OwsRequest):
    try:
        return parse_instant(ows_request.get("TIME"))
    except OwsError as error:
        raise InvalidParameterValue(error.message, locator="TIME") from error


def parse_kvp(ows_request: OwsRequest, context) -> FeatureRequest:
    """The request from its KVP encoding; raises OGC exceptions."""
    dia = dialect(ows_request.version)
    at = _instant(ows_request)
    count, start = _paging(ows_request, dia.version)
    output = _output_format(ows_request.get("OUTPUTFORMAT"), dia)
    hits = _result_type(ows_request.get("RESULTTYPE"))
    stored = ows_request.get("STOREDQUERY_ID").strip()
    if stored:
        return _stored_query(ows_request.get("ID"), stored, dia, context, at, output)
    type_param = "TYPENAMES" if ows_request.has("TYPENAMES") else "TYPENAME"
    names = [n.strip() for n in ows_request.get(type_param).split(",") if n.strip()]
    resource_ids = [
        rid.strip()
        for rid in ows_request.get("RESOURCEID", ows_request.get("FEATUREID")).split(
            ","
        )
        if rid.strip()
    ]
    if not names and resource_ids:
        names = sorted({rid.rsplit(".", 1)[0] for rid in resource_ids})
        names = _names_from_ids(names, context, at)
    if not names:
        raise MissingParameterValue(
            _("The parameter TYPENAMES is required."), locator="typeNames"
        )
    namespaces = parse_namespaces(
        ows_request.get("NAMESPACES") or ows_request.get("NAMESPACE")
    )
    types = lookup_types(
        names, context, at=at, locator="typeNames", namespaces=namespaces
    )
    exclusive = [
        p for p in ("FILTER", "BBOX", "RESOURCEID") if ows_request.get(p).strip()
    ]
    if len(exclusive) > 1:
        raise InvalidParameterValue(
            _("FILTER, BBOX and RESOURCEID are mutually exclusive."),
            locator=exclusive[1],
        )
    filters = (
        parse_filters(ows_request.get("FILTER"), namespaces)
        if ows_request.get("FILTER").strip()
        else []
    )
    if filters and len(filters) != len(types):
        raise InvalidParameterValue(
            _("Give one filter per type name."), locator="FILTER"
        )
    srs_name = ows_request.get("SRSNAME").strip()
    local_names = tuple(t.local_name for t in types)
    projections = _property_names(ows_request.get("PROPERTYNAME"), len(types))
    queries = []
    for index, ftype in enumerate(types):
        crs = query_crs(srs_name, ftype)
        condition = TRUE
        if filters:
            compiler = FilterCompiler(ftype, crs, local_names)
            condition = compiler.compile(filters[index])
        elif ows_request.get("BBOX").strip():
            numbers, crs_name = parse_bbox(ows_request.get("BBOX"))
            box_crs = query_crs(crs_name, ftype, "BBOX") if crs_name else crs
            condition = envelope_condition(numbers, box_crs)
        elif resource_ids:
            pks = [resource_pk(rid, ftype, local_names) for rid in resource_ids]
            pks = [pk for pk in pks if pk is not None]
            condition = Condition("f.id = ANY(%s)", (pks,))
        sort = parse_sort(ows_request.get("SORTBY"), ftype)
        if projections[index]:
            ftype = ftype.projected(projections[index], "PROPERTYNAME")
        queries.append(Query(ftype, condition, sort, crs))
    return FeatureRequest(
        tuple(queries),
        dia,
        output,
        count,
        start,
        hits,
        value_reference=(
            ows_request.get("VALUEREFERENCE")
            if ows_request.has("VALUEREFERENCE")
            else None
        ),
    )


def _property_names(text: str, types: int) -> list[list[str]]:
    """KVP PROPERTYNAME: per type, the properties asked for (empty: all).

    One list in parentheses per type, ``(a,b)(c)``, or one list for every type.
    Raises InvalidParameterValue when the lists and the types do not pair up.
    """
    text = text.strip()
    if not text:
        return [[]] * types
    lists = re.findall(r"\(([^()]*)\)", text) if text.startswith("(") else [text]
    if len(lists) == 1:
        lists *= types
    if len(lists) != types:
        raise InvalidParameterValue(
            _("Give one list of property names per type name."),
            locator="PROPERTYNAME",
        )
    return [[name for name in item.split(",") if name.strip()] for item in lists]


def _names_from_ids(local_names: list[str], context, at) -> list[str]:
    from ows.catalog import catalog_layers

    catalog = catalog_layers(user=context.user, agency_code=context.agency_code, at=at)
    known = {entry.local_name: entry.name for entry in catalog}
    names = []
    for name in local_names:
        bare = name.split(":", 1)[-1]
        if bare not in known:
            raise InvalidParameterValue(
                _("%(rid)s is not an identifier of a feature type.") % {"rid": name},
                locator="RESOURCEID",
            )
        names.append(known[bare])
    return names


def _stored_query(
    rid: str, stored: str, dia: Dialect, context, at, output: str
) -> FeatureRequest:
    if stored not in GET_FEATURE_BY_ID_NAMES:
        raise InvalidParameterValue(
            _("Unknown stored query: %(id)s.") % {"id": stored},
            locator="STOREDQUERY_ID",
        )
    rid = rid.strip()
    if not rid:
        raise MissingParameterValue(_("The parameter ID is required."), locator="ID")
    from ows.exceptions import NotFound

    try:
        names = _names_from_ids([rid.rsplit(".", 1)[0]], context, at)
        ftype = lookup_types(names, context, at=at)[0]
        pk = resource_pk(rid, ftype)
    except InvalidParameterValue:
        raise NotFound(
            _("No feature has the identifier %(id)s.") % {"id": rid}, locator="ID"
        ) from None
    query = Query(ftype, Condition("f.id = %s", (pk,)), (), default_crs())
    return FeatureRequest((query,), dia, output, 1, 0, False, by_id=True)


def parse_xml_request(ows_request: OwsRequest, context) -> FeatureRequest:
    """The request from its XML encoding (POST); raises OGC exceptions."""
    root = parse_xml(ows_request.body)
    dia = dialect(ows_request.version)
    at = _instant(ows_request)
    count_attr = root.get("count") or root.get("maxFeatures")
    count = (
        parse_int(count_attr, "count", minimum=0, maximum=COUNT_MAX)
        if count_attr
        else default_count(dia.version)
    )
    start = parse_int(root.get("startIndex", "0"), "startIndex")
    output = _output_format(root.get("outputFormat", ""), dia)
    hits = _result_type(root.get("resultType", "results"))
    queries = []
    query_elements = _query_elements(root)
    for element in query_elements:
        if local_name(element) == "StoredQuery":
            rid = ""
            for param in element:
                if isinstance(param.tag, str) and param.get("name", "").upper() == "ID":
                    rid = "".join(param.itertext())
            return _stored_query(rid, element.get("id", ""), dia, context, at, output)
    names_per_query = []
    for element in query_elements:
        if local_name(element) != "Query":
            continue
        names = (element.get("typeNames") or element.get("typeName") or "").split()
        names = [n for name in names for n in name.split(",") if n]
        if not names:
            raise MissingParameterValue(
                _("A Query needs typeNames."), locator="typeNames"
            )
        names_per_query.append((element, names))
    if not names_per_query:
        raise MissingParameterValue(_("A GetFeature needs a Query."), locator="Query")
    # Each name is one query (a count, then its rows): bounded in all.
    check_layer_count(
        [name for _element, names in names_per_query for name in names], "typeNames"
    )
    all_types = {
        name: ftype
        for element, names in names_per_query
        for name, ftype in zip(
            names,
            lookup_types(names, context, at=at, namespaces=in_scope(element)),
            strict=True,
        )
    }
    local_names = tuple(t.local_name for t in all_types.values())
    for element, names in names_per_query:
        for name in names:
            ftype = all_types[name]
            crs = query_crs(element.get("srsName", ""), ftype)
            condition, sort, projection = TRUE, (), []
            for child in element:
                if not isinstance(child.tag, str):
                    continue
                if local_name(child) == "Filter":
                    condition = FilterCompiler(ftype, crs, local_names).compile(child)
                elif local_name(child) == "SortBy":
                    sort = _xml_sort(child, ftype)
                elif local_name(child) == "PropertyName":
                    projection.append(child.text or "")
            if projection:
                ftype = ftype.projected(projection, "PropertyName")
            queries.append(Query(ftype, condition, sort, crs))
    return FeatureRequest(
        tuple(queries),
        dia,
        output,
        count,
        start,
        hits,
        value_reference=root.get("valueReference"),
    )


def _query_elements(root: etree._Element) -> list[etree._Element]:
    """The queries of a GetFeature or GetPropertyValue entity: its children
    in its own (WFS) namespace, each a Query or a StoredQuery; children of
    other namespaces are no queries. Raises InvalidParameterValue for another
    element of the WFS namespace."""
    namespace = etree.QName(root).namespace
    elements = []
    for child in root:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != namespace:
            continue
        if local_name(child) not in ("Query", "StoredQuery"):
            raise InvalidParameterValue(
                _("%(name)s is not a query (wfs:Query or wfs:StoredQuery).")
                % {"name": local_name(child)},
                locator=local_name(child),
            )
        elements.append(child)
    return elements


def _xml_sort(element: etree._Element, ftype: FeatureType):
    keys = []
    for prop_element in element:
        if not isinstance(prop_element.tag, str):
            continue
        name, order = "", "ASC"
        for child in prop_element:
            if not isinstance(child.tag, str):
                continue
            if local_name(child) in ("ValueReference", "PropertyName"):
                name = child.text or ""
            elif local_name(child) == "SortOrder":
                order = (child.text or "ASC").strip().upper()
        keys.append((ftype.property(name, "SortBy"), order in ("DESC", "D")))
    return tuple(keys)


def parse(ows_request: OwsRequest, context) -> FeatureRequest:
    """KVP or XML, whichever the request used."""
    if ows_request.body:
        return parse_xml_request(ows_request, context)
    return parse_kvp(ows_request, context)
