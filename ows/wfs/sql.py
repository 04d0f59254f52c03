"""The SQL of WFS queries: fixed fragments, the compiled filter, parameters."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from ows.crs import is_geographic
from ows.filters.fes import value_sql
from ows.wfs.featuretypes import FIXED
from ows.wfs.query import Query

FIXED_COLUMNS = ", ".join(f"f.{name}" for name in FIXED)
FETCH_SIZE = 2000


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
    with connection.cursor() as cursor:
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


def geometry_gml(query: Query, gml32: bool) -> tuple[str, list]:
    """``ST_AsGML`` of the geometry in the query's CRS and axis order.

    GML 3.2 requires a gml:id on every geometry: PostGIS writes ``@`` that the
    writer numbers.
    """
    crs = query.crs
    options = 4  # <LineString> rather than <Curve>
    if crs.name.lower().startswith(("urn:", "http")):
        options |= 1  # urn:ogc:def:crs:EPSG::n
    if crs.lat_first:
        options |= 16
    geom, params = _geometry(query)
    if query.ftype.multi:
        geom = f"ST_Multi({geom})"
    sql = f"ST_AsGML(3, {geom}, %s::int, %s::int, 'gml', %s::text)"
    return sql, [*params, decimals(crs.srid), options, "@" if gml32 else None]


def _geometry(query: Query) -> tuple[str, list]:
    """The geometry in the query's CRS (stored in EPSG:4326: no transform)."""
    if query.crs.srid == 4326:
        return "f.geom", []
    return "ST_Transform(f.geom, %s::int)", [query.crs.srid]


def geometry_geojson(query: Query) -> tuple[str, list]:
    """``ST_AsGeoJSON`` in the query's CRS (x/y order, as GeoJSON requires)."""
    geom, params = _geometry(query)
    return f"ST_AsGeoJSON({geom}, %s::int)", [*params, decimals(query.crs.srid)]


def _escaped(column: str) -> str:
    return (
        f"replace(replace(replace({column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    )


def fixed_properties_xml(tags: list[tuple[str, str]]) -> tuple[str, list]:
    """SQL writing the fixed properties as XML elements, escaped by PostgreSQL.

    ``tags`` are the (start, end) tags of FIXED, passed as parameters.
    """
    parts, params = [], []
    for (start, end), name in zip(tags, FIXED, strict=True):
        parts.append(f"%s::text, {_escaped('f.' + name)}, %s::text")
        params += [start, end]
    return f"concat({', '.join(parts)})", params


def rows(
    query: Query,
    geometry: tuple[str, list],
    offset: int,
    limit: int,
    columns: tuple[str, list] | None = None,
) -> Iterator[tuple]:
    """(id, source_id, code, label_fr, label_ar, category, attributes, geometry).

    ``columns`` replaces the five fixed properties by one SQL expression.
    """
    where, where_params = _where(query)
    order, order_params = _order(query)
    geometry_sql, geometry_params = geometry
    columns_sql, columns_params = columns or (FIXED_COLUMNS, [])
    # Fixed fragments only; every value is a parameter.
    sql = (
        f"SELECT f.id, {columns_sql}, f.attributes::text, {geometry_sql} "  # noqa: S608
        f"FROM layers_feature f WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    params = [
        *columns_params,
        *geometry_params,
        *where_params,
        *order_params,
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


def values(query: Query, prop_sql: tuple[str, list], offset: int, limit: int):
    """(id, value) of one property, in the query's order."""
    where, where_params = _where(query)
    order, order_params = _order(query)
    sql = (
        f"SELECT f.id, {prop_sql[0]} FROM layers_feature f "  # noqa: S608
        f"WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    params = [*prop_sql[1], *where_params, *order_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


def gml_members(
    query: Query,
    *,
    gml32: bool,
    tags: dict[str, str],
    offset: int,
    limit: int,
) -> Iterator[tuple[str | None, int, str | None]]:
    """Members written by PostgreSQL, for types without attribute properties.

    Yields (head, id, geometry, raw geometry): ``head`` is the feature's
    opening tag, its properties and the geometry property's start tag;
    ``geometry`` is its GML with unique ids, or None for a multi-part GML 3.2
    geometry whose part ids PostGIS cannot number: then ``raw geometry`` has
    ``@`` ids for the writer to number. ``tags`` are parameters.
    """
    crs = query.crs
    geom, geom_params = _geometry(query)
    if query.ftype.multi:
        geom = f"ST_Multi({geom})"
    options = 4 | (1 if crs.name.lower().startswith(("urn:", "http")) else 0)
    options |= 16 if crs.lat_first else 0
    digits = decimals(crs.srid)
    fixed_sql, fixed_params = fixed_properties_xml(tags["fixed"])
    head = f"concat(%s::text, f.id, %s::text, {fixed_sql}, %s::text)"
    head_params = [tags["open"], tags["open_end"], *fixed_params, tags["geom_start"]]
    if gml32:
        # One part: PostGIS names the collection and its part alike; the
        # first id (the collection's) is renamed ".m", the part keeps ".g".
        one_part = "ST_NumGeometries(f.geom) <= 1"
        single = (
            f"CASE WHEN {one_part} THEN regexp_replace(ST_AsGML(3, {geom}, %s::int, "
            "%s::int, 'gml', concat(%s::text, f.id, '.g')), '[.]g\"', '.m\"') END"
        )
        single_params = [*geom_params, digits, options, tags["id_prefix"]]
        multi = (
            f"CASE WHEN {one_part} THEN NULL "
            f"ELSE ST_AsGML(3, {geom}, %s::int, %s::int, 'gml', '@') END"
        )
        multi_params = [*geom_params, digits, options]
    else:
        single = f"ST_AsGML(3, {geom}, %s::int, %s::int)"
        single_params = [*geom_params, digits, options]
        multi, multi_params = "NULL", []
    where, where_params = _where(query)
    order, order_params = _order(query)
    sql = (
        f"SELECT {head}, f.id, {single}, {multi} FROM layers_feature f "  # noqa: S608
        f"WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    params = [
        *head_params,
        *single_params,
        *multi_params,
        *where_params,
        *order_params,
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch
