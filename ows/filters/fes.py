"""FES 2.0 and Filter 1.1 filters compiled to parameterised SQL.

``compile_filter`` walks the XML and returns a ``Condition``: an SQL fragment
on ``layers_feature f`` with ``%s`` placeholders and its parameters. Values
never enter the SQL text. Unknown properties raise InvalidParameterValue;
operators we do not implement raise OperationNotSupported.
"""

from __future__ import annotations

import dataclasses
import re
from xml.sax.saxutils import quoteattr

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from lxml import etree

from core.db import database_unavailable
from core.replicas import read_connection
from ows.crs import Crs, parse_crs, srid_exists
from ows.exceptions import (
    InvalidParameterValue,
    OperationNotSupported,
    OperationParsingFailed,
    OperationProcessingFailed,
)
from ows.wfs.featuretypes import GML_PROPERTIES, FeatureType, Property
from ows.xmlrequest import SAFE_PARSER, local_name, parse_xml

COMPARISONS = {
    "PropertyIsEqualTo": "=",
    "PropertyIsNotEqualTo": "<>",
    "PropertyIsLessThan": "<",
    "PropertyIsGreaterThan": ">",
    "PropertyIsLessThanOrEqualTo": "<=",
    "PropertyIsGreaterThanOrEqualTo": ">=",
}
SPATIAL = {
    "Intersects": "ST_Intersects",
    "Within": "ST_Within",
    "Contains": "ST_Contains",
    "Disjoint": "ST_Disjoint",
    "Touches": "ST_Touches",
    "Crosses": "ST_Crosses",
    "Overlaps": "ST_Overlaps",
    "Equals": "ST_Equals",
}
DISTANCE = {"DWithin": True, "Beyond": False}
UNITS = {"m": 1.0, "meter": 1.0, "metre": 1.0, "km": 1000.0, "kilometer": 1000.0}
NUMERIC = ("integer", "double")
ID_ELEMENTS = ("ResourceId", "FeatureId", "GmlObjectId")
# The operators on one property's value.
VALUE_OPERATORS = (
    *COMPARISONS,
    "PropertyIsLike",
    "PropertyIsNull",
    "PropertyIsNil",
    "PropertyIsBetween",
)
GML_NAMESPACES = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
LOCATOR = "FILTER"
_NCNAME_OR_EMPTY = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*)?$")


@dataclasses.dataclass(frozen=True)
class Condition:
    """An SQL boolean expression on ``layers_feature f`` and its parameters."""

    sql: str
    params: tuple = ()

    @staticmethod
    def combine(operator: str, conditions: list[Condition]) -> Condition:
        sql = f" {operator} ".join(f"({c.sql})" for c in conditions)
        params = tuple(p for c in conditions for p in c.params)
        return Condition(sql, params)


TRUE = Condition("TRUE")
FALSE = Condition("FALSE")


@dataclasses.dataclass(frozen=True)
class FilterCompiler:
    """Compiles filters for one feature type among those of the query."""

    ftype: FeatureType
    default_crs: Crs
    queried_types: tuple[str, ...] = ()  # local names, for ResourceId

    def compile(self, element: etree._Element) -> Condition:
        """The condition of a ``Filter`` element (or of a bare operator)."""
        if local_name(element) == "Filter":
            children = _elements(element)
            ids = [c for c in children if local_name(c) in ID_ELEMENTS]
            if ids:
                return self.resource_ids(ids)
            if len(children) != 1:
                raise InvalidParameterValue(
                    _("A filter must hold exactly one operator."), locator=LOCATOR
                )
            element = children[0]
        return self.operator(element)

    def operator(self, element: etree._Element) -> Condition:
        name = local_name(element)
        if name in ("And", "Or"):
            parts = [self.operator(child) for child in _elements(element)]
            if len(parts) < 2:
                raise InvalidParameterValue(
                    _("%(op)s needs two operands.") % {"op": name}, locator=LOCATOR
                )
            return Condition.combine(name.upper(), parts)
        if name == "Not":
            parts = _elements(element)
            if len(parts) != 1:
                raise InvalidParameterValue(
                    _("Not takes one operand."), locator=LOCATOR
                )
            inner = self.operator(parts[0])
            return Condition(f"NOT ({inner.sql})", inner.params)
        if name in VALUE_OPERATORS and (gml_name := self.gml_property(element)):
            return self.gml_standard(element, gml_name)
        if name in COMPARISONS:
            return self.comparison(element, COMPARISONS[name])
        if name == "PropertyIsLike":
            return self.like(element)
        if name == "PropertyIsNull":
            return self.is_null(element)
        if name == "PropertyIsNil":
            # Nil is an element written with xsi:nil="true", which the portal
            # never writes (a value it lacks, it leaves out: PropertyIsNull).
            self.property_of(element)
            return FALSE
        if name == "PropertyIsBetween":
            return self.between(element)
        if name == "BBOX":
            return self.spatial(element, "ST_Intersects")
        if name in SPATIAL:
            return self.spatial(element, SPATIAL[name])
        if name in DISTANCE:
            return self.distance(element, DISTANCE[name])
        if name in ID_ELEMENTS:
            return self.resource_ids([element])
        raise OperationNotSupported(
            _("Filter operator %(name)s is not supported.") % {"name": name},
            locator=LOCATOR,
        )

    # Operands ---------------------------------------------------------------

    def gml_property(self, element: etree._Element) -> str:
        """The GML property (gml:name, gml:boundedBy, …) that the operator's
        ValueReference names, "" for any other."""
        for child in _elements(element):
            if local_name(child) in ("ValueReference", "PropertyName"):
                step = (child.text or "").strip().split("/")[-1]
                prefix, _colon, name = step.rpartition(":")
                namespace = child.nsmap.get(prefix) if prefix else None
                if name in GML_PROPERTIES and (
                    namespace in GML_NAMESPACES or (prefix, namespace) == ("gml", None)
                ):
                    return name
                return ""
        return ""

    def gml_standard(self, element: etree._Element, name: str) -> Condition:
        """An operator on a GML property the features never carry: each is
        null; gml:boundedBy, an envelope, is no value to compare."""
        operator = local_name(element)
        if operator == "PropertyIsNull":
            return TRUE
        if name == "boundedBy" and operator != "PropertyIsNil":
            raise OperationProcessingFailed(
                _("%(op)s cannot compare gml:boundedBy, an envelope.")
                % {"op": operator},
                locator=LOCATOR,
            )
        return FALSE

    def property_of(self, element: etree._Element) -> Property:
        for child in _elements(element):
            if local_name(child) in ("ValueReference", "PropertyName"):
                return self.ftype.property(child.text or "", LOCATOR)
        raise InvalidParameterValue(
            _("%(op)s needs a ValueReference.") % {"op": local_name(element)},
            locator=LOCATOR,
        )

    def literal(self, element: etree._Element, tag: str = "Literal") -> str:
        for child in _elements(element):
            if local_name(child) == tag:
                return "".join(child.itertext())
        raise InvalidParameterValue(
            _("%(op)s needs a Literal.") % {"op": local_name(element)},
            locator=LOCATOR,
        )

    def typed(self, prop: Property, value: str):
        """``value`` as the property's type; raises InvalidParameterValue."""
        if prop.xsd_type in NUMERIC:
            try:
                return float(value)
            except ValueError:
                raise InvalidParameterValue(
                    _("%(value)s is not a number, as %(name)s is.")
                    % {"value": value, "name": prop.name},
                    locator=LOCATOR,
                ) from None
        return value

    # Operators --------------------------------------------------------------

    def comparison(self, element: etree._Element, operator: str) -> Condition:
        prop = self.property_of(element)
        value = self.typed(prop, self.literal(element))
        sql, params = value_sql(prop)
        if prop.xsd_type not in NUMERIC and element.get("matchCase") == "false":
            return Condition(f"lower({sql}) {operator} lower(%s)", (*params, value))
        return Condition(f"{sql} {operator} %s", (*params, value))

    def is_null(self, element: etree._Element) -> Condition:
        prop = self.property_of(element)
        if prop.xsd_type == "geometry":
            return Condition("f.geom IS NULL")
        sql, params = _text(prop)
        return Condition(f"NULLIF({sql}, '') IS NULL", params)

    def between(self, element: etree._Element) -> Condition:
        prop = self.property_of(element)
        bounds = {}
        for child in _elements(element):
            if local_name(child) in ("LowerBoundary", "UpperBoundary"):
                bounds[local_name(child)] = self.typed(prop, self.literal(child))
        if len(bounds) != 2:
            raise InvalidParameterValue(
                _("PropertyIsBetween needs both boundaries."), locator=LOCATOR
            )
        sql, params = value_sql(prop)
        return Condition(
            f"{sql} BETWEEN %s AND %s",
            (*params, bounds["LowerBoundary"], bounds["UpperBoundary"]),
        )

    def like(self, element: etree._Element) -> Condition:
        prop = self.property_of(element)
        pattern = like_pattern(
            self.literal(element),
            wild=element.get("wildCard", "*"),
            single=element.get("singleChar", "?"),
            escape=element.get("escapeChar", element.get("escape", "\\")),
        )
        sql, params = _text(prop)
        operator = "ILIKE" if element.get("matchCase") == "false" else "LIKE"
        return Condition(f"{sql} {operator} %s ESCAPE '\\'", (*params, pattern))

    def geometry_operand(self, element: etree._Element) -> Condition:
        """SQL of the geometry operand of a spatial operator, in EPSG:4326."""
        for child in _elements(element):
            if local_name(child) in ("ValueReference", "PropertyName"):
                prop = self.ftype.property(child.text or "", LOCATOR)
                if prop.xsd_type != "geometry":
                    raise InvalidParameterValue(
                        _("%(name)s is not a geometry.") % {"name": prop.name},
                        locator=LOCATOR,
                    )
                continue
            if local_name(child) == "Envelope":
                return self.envelope(child)
            return self.gml_geometry(child)
        raise InvalidParameterValue(
            _("%(op)s needs a geometry.") % {"op": local_name(element)},
            locator=LOCATOR,
        )

    def crs_of(self, element: etree._Element) -> Crs:
        name = element.get("srsName")
        if not name:
            return self.default_crs
        crs = parse_crs(name)
        if crs is None or not srid_exists(crs.srid):
            raise InvalidParameterValue(
                _("Unknown srsName: %(name)s.") % {"name": name}, locator=LOCATOR
            )
        return crs

    def envelope(self, element: etree._Element) -> Condition:
        crs = self.crs_of(element)
        corners = {}
        for child in _elements(element):
            try:
                corners[local_name(child)] = [float(v) for v in child.text.split()]
            except (AttributeError, ValueError):
                corners = {}
                break
        lower, upper = corners.get("lowerCorner"), corners.get("upperCorner")
        if not lower or not upper or len(lower) != 2 or len(upper) != 2:
            raise InvalidParameterValue(
                _("An Envelope needs a lowerCorner and an upperCorner."),
                locator=LOCATOR,
            )
        return envelope_geometry([*lower, *upper], crs)

    def gml_geometry(self, element: etree._Element) -> Condition:
        crs = self.crs_of(element)
        # PostGIS reads the URN form with the EPSG axis order, the short form
        # as x/y: name the CRS so that it reads what the client meant.
        element = _copy(element)
        element.set(
            "srsName",
            f"urn:ogc:def:crs:EPSG::{crs.srid}"
            if crs.lat_first
            else f"EPSG:{crs.srid}",
        )
        text = etree.tostring(element, encoding="unicode")
        sql = "ST_Transform(ST_GeomFromGML(%s), 4326)"
        check_geometry(sql, text)
        return Condition(sql, (text,))

    def spatial(self, element: etree._Element, function: str) -> Condition:
        operand = self.geometry_operand(element)
        if function == "ST_Intersects" and local_name(element) == "BBOX":
            return Condition(
                f"f.geom && {operand.sql} AND ST_Intersects(f.geom, {operand.sql})",
                operand.params * 2,
            )
        return Condition(f"{function}(f.geom, {operand.sql})", operand.params)

    def distance(self, element: etree._Element, within: bool) -> Condition:
        operand = self.geometry_operand(element)
        for child in _elements(element):
            if local_name(child) == "Distance":
                unit = UNITS.get((child.get("uom") or "m").lower())
                try:
                    metres = float(child.text) * unit
                except (TypeError, ValueError):
                    break
                sql = f"ST_DWithin(f.geom::geography, ({operand.sql})::geography, %s)"
                condition = Condition(sql, (*operand.params, metres))
                return (
                    condition
                    if within
                    else Condition(f"NOT ({condition.sql})", condition.params)
                )
        raise InvalidParameterValue(
            _("A distance in metres is required."), locator=LOCATOR
        )

    def resource_ids(self, elements: list[etree._Element]) -> Condition:
        ids = []
        for element in elements:
            rid = (
                element.get("rid")
                or element.get("fid")
                or element.get("{http://www.opengis.net/gml}id")
                or ""
            )
            pk = resource_pk(rid, self.ftype, self.queried_types)
            if pk is not None:
                ids.append(pk)
        if not ids:
            return FALSE
        return Condition("f.id = ANY(%s)", (ids,))


def check_geometry(sql: str, text: str) -> None:
    """Let PostGIS read the GML operand once, alone, so that a geometry it
    refuses is the client's InvalidParameterValue rather than a failed query.
    """
    try:
        connection = read_connection()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql}", [text])
    except DatabaseError as error:
        if database_unavailable(error):
            raise
        raise InvalidParameterValue(
            _("The GML geometry is not valid: %(error)s")
            % {"error": str(error).splitlines()[0]},
            locator=LOCATOR,
        ) from error


def resource_pk(
    rid: str, ftype: FeatureType, queried: tuple[str, ...] = ()
) -> int | None:
    """The feature id of ``rid`` if it belongs to ``ftype``, None for another
    queried type or an identifier not of the portal's ``<type>.<number>``
    form (it identifies nothing here: ISO 19142 7.2.2, and the WFS 2.0 test
    suite, want no feature then); raises InvalidParameterValue (locator
    RESOURCEID) for a feature of another type or a malformed number.
    """
    type_name, dot, number = rid.strip().rpartition(".")
    if not dot:
        return None
    type_name = type_name.split(":", 1)[-1]
    # isdigit() alone admits "²", which int() refuses, nor does it read
    # thousands of digits: ids are ASCII digits, as many as a bigint has.
    number = number if number.isascii() and len(number) <= 19 else ""
    if type_name == ftype.local_name and number.isdigit():
        return int(number)
    if type_name in queried and number.isdigit():
        return None
    raise InvalidParameterValue(
        _("%(rid)s is not an identifier of %(type)s.")
        % {"rid": rid, "type": ftype.name},
        locator="RESOURCEID",
    )


def envelope_condition(numbers: list[float], crs: Crs) -> Condition:
    """Features intersecting the box (corners in the axis order of ``crs``)."""
    box = envelope_geometry(numbers, crs)
    return Condition(
        f"f.geom && {box.sql} AND ST_Intersects(f.geom, {box.sql})", box.params * 2
    )


def envelope_geometry(numbers: list[float], crs: Crs) -> Condition:
    """The box (corners in the axis order of ``crs``) as an EPSG:4326 polygon.

    Raises InvalidParameterValue when a minimum exceeds its maximum.
    """
    minx, miny, maxx, maxy = numbers
    if crs.lat_first:
        minx, miny, maxx, maxy = miny, minx, maxy, maxx
    if minx > maxx or miny > maxy:
        raise InvalidParameterValue(
            _("BBOX minimum must be below its maximum on both axes."), locator="BBOX"
        )
    box = "ST_Transform(ST_Segmentize(ST_MakeEnvelope(%s, %s, %s, %s, %s), %s), 4326)"
    step = max(maxx - minx, maxy - miny, 1e-9) / 16
    return Condition(box, (minx, miny, maxx, maxy, crs.srid, step))


def like_pattern(text: str, *, wild: str, single: str, escape: str) -> str:
    """An SQL LIKE pattern (escape ``\\``) for an FES pattern."""
    out = []
    chars = iter(text)
    for char in chars:
        if char == escape:
            # A trailing escape escapes nothing: it stands for itself (else
            # PostgreSQL refuses a pattern that ends with its escape).
            nxt = next(chars, char)
            out.append("\\" + nxt if nxt in "%_\\" else nxt)
        elif char == wild:
            out.append("%")
        elif char == single:
            out.append("_")
        elif char in "%_\\":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element), SAFE_PARSER)


def _text(prop: Property) -> tuple[str, tuple]:
    if prop.is_attribute:
        return "(f.attributes->>%s::text)", (prop.key,)
    if prop.xsd_type == "geometry":
        raise InvalidParameterValue(
            _("%(name)s is a geometry.") % {"name": prop.name}, locator=LOCATOR
        )
    return (f"{prop.sql}::text" if prop.name == "id" else prop.sql), ()


def value_sql(prop: Property) -> tuple[str, tuple]:
    if prop.is_attribute and prop.xsd_type in NUMERIC:
        return "((f.attributes->>%s::text)::double precision)", (prop.key,)
    if prop.is_attribute and prop.xsd_type == "boolean":
        return "(f.attributes->>%s::text)", (prop.key,)
    if prop.name == "id":
        return "f.id", ()
    return _text(prop)


def parse_filters(
    text: str, namespaces: dict[str, str] | None = None
) -> list[etree._Element]:
    """KVP FILTER: one filter, or several in parentheses (one per type); its
    prefixes may be bound by NAMESPACES rather than in the filter."""
    text = text.strip()
    if text.startswith("("):
        parts, depth, start = [], 0, 0
        for index, char in enumerate(text):
            if char == "(" and depth == 0:
                start = index + 1
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    parts.append(text[start:index])
        texts = parts
    else:
        texts = [text]
    return [_parse_filter(part, namespaces or {}) for part in texts]


# The namespaces of a KVP filter that declares none.
FILTER_NAMESPACES = {
    "": "http://www.opengis.net/fes/2.0",
    "fes": "http://www.opengis.net/fes/2.0",
    "ogc": "http://www.opengis.net/ogc",
    "gml": "http://www.opengis.net/gml/3.2",
}


def _parse_filter(text: str, namespaces: dict[str, str]) -> etree._Element:
    # Clients often leave the namespaces out of KVP filters.
    if "xmlns" not in text.split(">", 1)[0]:
        head, sep, rest = text.partition(">")
        if head.endswith("/"):
            head, sep = head[:-1], "/>"
        declarations = "".join(
            f" xmlns{':' if prefix else ''}{prefix}={quoteattr(uri)}"
            for prefix, uri in {**FILTER_NAMESPACES, **namespaces}.items()
            if prefix not in ("xml", "xmlns") and _NCNAME_OR_EMPTY.match(prefix)
        )
        text = head + declarations + sep + rest
    try:
        return parse_xml(text, locator=LOCATOR)
    except OperationParsingFailed as error:
        raise InvalidParameterValue(error.message, locator=LOCATOR) from error
