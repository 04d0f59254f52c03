"""The SQL of WFS queries: fixed fragments, the compiled filter, parameters.

GML is written by PostgreSQL: each feature element comes out of the database
whole, its values escaped and its geometry written by ``ST_AsGML``, and goes
to the response as the UTF-8 bytes it arrived in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from psycopg import capabilities
from psycopg.adapt import Loader

from core.replicas import read_connection
from layers.models import Layer
from ows.crs import Crs, is_geographic
from ows.filters.fes import value_sql
from ows.formats.gml import NOT_XML, FeatureTags
from ows.wfs.featuretypes import FIXED, FeatureType
from ows.wfs.query import Query

FIXED_COLUMNS = ", ".join(f"f.{name}" for name in FIXED)
FETCH_SIZE = 2000
# Features per chunk of GML (about 400 KB), sent on while PostgreSQL writes
# the next ones.
STREAM_SIZE = 500
MAX_ARGUMENTS = 100  # of a PostgreSQL function call, concat() included

# Text that escaping would change (markup, a carriage return, NOT_XML), and
# JSON text whose strings would: jsonb writes control characters as \b, \f,
# \r or \u00XX, and the rest as they are.
NOT_PLAIN_TEXT = r"[&<>\r\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
NOT_PLAIN_JSON = r"[&<>\ufffe\uffff]|\\[bfru]"

# GML 3.2 wants a distinct gml:id on a geometry and on each of its parts, but
# ST_AsGML gives them all the one id it is given. For a single-part polygon or
# line (nearly every zone), PostGIS writes the part and we write the collection
# ST_Multi would make of it: (collection, member, geometry types it fits).
SINGLE_PART = {
    Layer.GeometryType.POLYGON: (
        "MultiSurface",
        "surfaceMember",
        "'POLYGON', 'MULTIPOLYGON'",
    ),
    Layer.GeometryType.LINE: (
        "MultiCurve",
        "curveMember",
        "'LINESTRING', 'MULTILINESTRING'",
    ),
}


def decimals(srid: int) -> int:
    """Digits kept: 1e-9 degree or a tenth of a millimetre, well under 1 cm."""
    return 9 if is_geographic(srid) else 4


def _where(query: Query) -> tuple[str, list]:
    return (
        f"f.version_id = %s AND ({query.condition.sql})",
        [query.ftype.version_id, *query.condition.params],
    )


def count(query: Query) -> int:
    """How many features of the query's version match its condition."""
    where, params = _where(query)
    with read_connection().cursor() as cursor:
        # The SQL text is assembled from fixed fragments; values are parameters.
        sql = f"SELECT count(*) FROM layers_feature f WHERE {where}"  # noqa: S608
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _order(query: Query) -> tuple[str, list]:
    parts, params = [], []
    for prop, descending in query.sort:
        sql, extra = value_sql(prop)
        parts.append(f"{sql} {'DESC' if descending else 'ASC'} NULLS LAST")
        params += list(extra)
    parts.append("f.id")  # a stable order under every page
    return ", ".join(parts), params


def _geometry(query: Query) -> tuple[str, list]:
    """The geometry in the query's CRS (stored in EPSG:4326: no transform)."""
    if query.crs.srid == 4326:
        return "f.geom", []
    return "ST_Transform(f.geom, %s::int)", [query.crs.srid]


def _page(query: Query, offset: int, limit: int) -> tuple[str, list]:
    """The features of a page, to select from as ``f``.

    It has the columns the properties and the sort keys read, and ``geom``
    already in the query's CRS: transformed once, however often it is used.
    """
    where, where_params = _where(query)
    order, order_params = _order(query)
    geometry, geometry_params = _geometry(query)
    # Fixed fragments only; every value is a parameter.
    sql = (
        f"(SELECT f.id, {FIXED_COLUMNS}, f.attributes, {geometry} AS geom "  # noqa: S608
        f"FROM layers_feature f WHERE {where} ORDER BY {order} "
        "LIMIT %s OFFSET %s) f"
    )
    return sql, [*geometry_params, *where_params, *order_params, limit, offset]


def _gml_options(crs: Crs) -> tuple[int, str]:
    """``ST_AsGML`` options for ``crs`` and the srsName PostGIS then writes."""
    options = 4  # <LineString> rather than <Curve>
    srs_name = f"EPSG:{crs.srid}"
    if crs.name.lower().startswith(("urn:", "http")):
        options |= 1
        srs_name = f"urn:ogc:def:crs:EPSG::{crs.srid}"
    if crs.lat_first:
        options |= 16
    return options, srs_name


def geometry_gml(query: Query, gml32: bool, id_prefix: str) -> tuple[str, list]:
    """``ST_AsGML`` of the page's ``f.geom`` (see ``_page``) in the query's axis
    order; polygons and lines as multi-geometries, as the schema declares.

    In GML 3.2 each geometry element has a gml:id: ``id_prefix``, the feature's
    primary key and ``.g<n>``, n counting the elements from 0 (the geometry)
    in document order.
    """
    ftype = query.ftype
    options, srs_name = _gml_options(query.crs)
    digits = decimals(query.crs.srid)
    geom = "ST_Multi(f.geom)" if ftype.multi else "f.geom"
    if not gml32:
        return f"ST_AsGML(3, {geom}, %s::int, %s::int)", [digits, options]
    # Any geometry: PostGIS writes "@" for every id; they are numbered here.
    numbered = (
        "(SELECT string_agg(CASE WHEN part.n = 1 THEN part.piece "  # noqa: S608
        "ELSE concat('gml:id=\"', %s::text, f.id, '.g', part.n - 2, '\"', part.piece) "
        "END, '' ORDER BY part.n) "
        f"FROM unnest(string_to_array(ST_AsGML(3, {geom}, %s::int, %s::int, 'gml', "
        "'@'), 'gml:id=\"@\"')) WITH ORDINALITY AS part (piece, n))"
    )
    numbered_params = [id_prefix, digits, options]
    if ftype.multi:
        collection, member, types = SINGLE_PART[ftype.entry.layer.geometry_type]
        single = f"GeometryType(f.geom) IN ({types}) AND ST_NumGeometries(f.geom) = 1"
        fast = (
            "concat(%s::text, f.id, %s::text, ST_AsGML(3, "
            "ST_SetSRID(ST_GeometryN(f.geom, 1), 0), %s::int, %s::int, 'gml', "
            "concat(%s::text, f.id, '.g1')), %s::text)"
        )
        fast_params = [
            f'<gml:{collection} srsName="{srs_name}" gml:id="{id_prefix}',
            f'.g0"><gml:{member}>',
            digits,
            options,
            id_prefix,
            f"</gml:{member}></gml:{collection}>",
        ]
    else:  # a point has one id
        single = "GeometryType(f.geom) = 'POINT'"
        fast = (
            "ST_AsGML(3, f.geom, %s::int, %s::int, 'gml', "
            "concat(%s::text, f.id, '.g0'))"
        )
        fast_params = [digits, options, id_prefix]
    return (
        f"CASE WHEN {single} THEN {fast} ELSE {numbered} END",
        [*fast_params, *numbered_params],
    )


def geometry_geojson(query: Query) -> tuple[str, list]:
    """``ST_AsGeoJSON`` in the query's CRS (x/y order, as GeoJSON requires)."""
    geom, params = _geometry(query)
    return f"ST_AsGeoJSON({geom}, %s::int)", [*params, decimals(query.crs.srid)]


def xml_text(value: tuple[str, list]) -> tuple[str, list]:
    """SQL writing the text expression ``value`` as XML character data.

    ``&``, ``<`` and ``>`` become entities and a carriage return a character
    reference (a parser would read a raw one as a line feed); the control
    characters XML 1.0 cannot carry at all become U+FFFD.
    """
    sql, params = value
    text = f"regexp_replace({sql}, '{NOT_XML}', '\N{REPLACEMENT CHARACTER}', 'g')"
    for char, reference in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = f"replace({text}, '{char}', '{reference}')"
    return f"replace({text}, chr(13), '&#13;')", params


def _plain(ftype: FeatureType) -> str:
    """SQL telling whether no text of the page's feature needs escaping."""
    plain = f"concat({FIXED_COLUMNS}) !~ '{NOT_PLAIN_TEXT}'"
    if any(prop.is_attribute for prop in ftype.properties):
        plain += f" AND f.attributes::text !~ '{NOT_PLAIN_JSON}'"
    return plain


def _concat(parts: list[str | tuple[str, list]]) -> tuple[str, list]:
    """SQL concatenating literal strings and (sql, params) expressions.

    Literals become parameters, adjacent ones merged; an expression that is
    NULL adds nothing.
    """
    arguments, params = [], []
    for literal, group in itertools.groupby(parts, lambda part: isinstance(part, str)):
        if literal:
            arguments.append("%s::text")
            params.append("".join(group))
            continue
        for sql, extra in group:
            arguments.append(sql)
            params += extra
    while len(arguments) > MAX_ARGUMENTS:
        arguments = [
            f"concat({', '.join(arguments[start : start + MAX_ARGUMENTS])})"
            for start in range(0, len(arguments), MAX_ARGUMENTS)
        ]
    return f"concat({', '.join(arguments)})", params


class _Utf8(Loader):
    """Text as its UTF-8 bytes (the connection's encoding), not decoded."""

    def load(self, data) -> bytes:
        return bytes(data)


def _feature(
    tags: FeatureTags,
    member: tuple[str, str],
    geometry: tuple[str, list],
    text: Callable[[tuple[str, list]], tuple[str, list]],
) -> tuple[str, list]:
    """SQL writing the page's feature between the ``member`` tags, each text
    value through ``text``."""
    parts: list[str | tuple[str, list]] = [
        member[0] + tags.open + tags.id_prefix,
        ("f.id", []),
        '">',
    ]
    for prop, start, end in tags.properties:
        value, params = text((prop.sql, [prop.key] if prop.is_attribute else []))
        if prop.is_attribute:  # left out without a value
            parts.append((f"%s::text || ({value}) || %s::text", [start, *params, end]))
        else:
            parts += [start, (value, params), end]
    if tags.geometry:
        start, end = tags.geometry
        parts.append(
            (f"%s::text || ({geometry[0]}) || %s::text", [start, *geometry[1], end])
        )
    parts.append(tags.close + member[1])
    return _concat(parts)


def gml_features(
    query: Query,
    *,
    tags: FeatureTags,
    member: tuple[str, str],
    gml32: bool,
    offset: int,
    limit: int,
) -> Iterator[bytes]:
    """Feature elements written by PostgreSQL, each between the ``member``
    tags, as UTF-8 bytes in chunks of up to STREAM_SIZE features."""
    geometry = geometry_gml(query, gml32, tags.id_prefix)
    # Escaping costs more than the test whether a feature needs it, once for
    # all its text: most features are written as they are.
    plain, plain_params = _feature(tags, member, geometry, lambda value: value)
    escaped, escaped_params = _feature(tags, member, geometry, xml_text)
    page, page_params = _page(query, offset, limit)
    # Rows selected from the ordered page keep its order only when told to;
    # PostgreSQL then sees that they already are in order and sorts nothing.
    order, order_params = _order(query)
    sql = (
        f"SELECT CASE WHEN {_plain(query.ftype)} THEN {plain} ELSE {escaped} END "  # noqa: S608
        f"FROM {page} ORDER BY {order}"
    )
    params = [*plain_params, *escaped_params, *page_params, *order_params]
    connection = read_connection()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.adapters.register_loader("text", _Utf8)
        # Streamed (psycopg's cursor, not Django's execute()), so that the
        # first features go out while PostgreSQL writes the others; row by
        # row with a libpq older than 17.
        size = STREAM_SIZE if capabilities.has_stream_chunked() else 1
        rows = cursor.stream(sql, params, size=size)
        for chunk in itertools.batched(rows, STREAM_SIZE):
            yield b"".join(row[0] for row in chunk)


def rows(
    query: Query, geometry: tuple[str, list], offset: int, limit: int
) -> Iterator[tuple]:
    """(id, source_id, code, label_fr, label_ar, category, attributes, geometry)."""
    where, where_params = _where(query)
    order, order_params = _order(query)
    geometry_sql, geometry_params = geometry
    # Fixed fragments only; every value is a parameter.
    sql = (
        f"SELECT f.id, {FIXED_COLUMNS}, f.attributes::text, {geometry_sql} "  # noqa: S608
        f"FROM layers_feature f WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    params = [*geometry_params, *where_params, *order_params, limit, offset]
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


def values(query: Query, prop_sql: tuple[str, list], offset: int, limit: int):
    """(id, value) of one property (an expression on ``_page``), in the
    query's order."""
    page, page_params = _page(query, offset, limit)
    order, order_params = _order(query)
    sql = f"SELECT f.id, {prop_sql[0]} FROM {page} ORDER BY {order}"  # noqa: S608
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*prop_sql[1], *page_params, *order_params])
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch
