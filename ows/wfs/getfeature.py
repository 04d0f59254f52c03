"""WFS GetFeature: count, page, stream GML 3.2 / GML 3.1.1 / GeoJSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from ows.exceptions import NotFound
from ows.formats import geojson, gml
from ows.params import OwsRequest
from ows.wfs import sql
from ows.wfs.dialects import JSON_FORMAT
from ows.wfs.query import FeatureRequest, Query, parse


@dataclasses.dataclass(frozen=True)
class Page:
    """What a request returns: per query, the offset and number of rows."""

    matched: int
    slices: tuple[tuple[Query, int, int], ...]  # (query, offset, limit)

    @property
    def returned(self) -> int:
        return sum(limit for _query, _offset, limit in self.slices)


def plan(request: FeatureRequest) -> Page:
    """Counts of every query and the slice of each that the page covers."""
    counts = [sql.count(query) for query in request.queries]
    slices = []
    offset, remaining = request.start_index, 0 if request.hits else request.count
    for query, matched in zip(request.queries, counts, strict=True):
        if remaining <= 0:
            break
        if offset >= matched:
            offset -= matched
            continue
        take = min(remaining, matched - offset)
        slices.append((query, offset, take))
        remaining -= take
        offset = 0
    return Page(sum(counts), tuple(slices))


def page_links(
    ows_request: OwsRequest, request: FeatureRequest, page: Page, url: str
) -> tuple[str, str]:
    """The next and previous pages' URLs (KVP requests only).

    With resultType=hits, ``next`` is the page of results it counted (OGC
    09-025 7.7.4.2, which the WFS 2.0 test suite follows).
    """
    if ows_request.body:
        return "", ""
    params = {k: v for k, v in ows_request.params.items() if k != "MAXFEATURES"}
    params["COUNT"] = str(request.count)
    start = request.start_index
    next_url = previous_url = ""
    if request.hits:
        if start < page.matched and request.count > 0:
            params.update(RESULTTYPE="results", STARTINDEX=start)
            next_url = f"{url}?{urlencode(params)}"
        return next_url, ""
    if start + page.returned < page.matched and request.count > 0:
        next_url = f"{url}?{urlencode({**params, 'STARTINDEX': start + request.count})}"
    if start > 0:
        previous = max(0, start - request.count)
        previous_url = f"{url}?{urlencode({**params, 'STARTINDEX': previous})}"
    return next_url, previous_url


def handle(ows_request: OwsRequest, context) -> HttpResponse:
    """The features, streamed; GetFeatureById answers the bare feature."""
    request = parse(ows_request, context)
    page = plan(request)
    if request.by_id:
        return by_id(request, page, context.url)
    next_url, previous_url = page_links(ows_request, request, page, context.url)
    if request.output_format == JSON_FORMAT:
        body = _geojson(request, page, next_url, previous_url)
        content_type = "application/json"
    else:
        body = _gml(request, page, context.url, next_url, previous_url)
        content_type = f"{request.output_format}; charset=UTF-8"
    return StreamingHttpResponse(body, content_type=content_type)


def _gml(request, page, url, next_url, previous_url) -> Iterator[bytes]:
    dialect = request.dialect
    types = [query.ftype for query in request.queries]
    yield gml.collection_start(
        dialect,
        types,
        url,
        matched=page.matched,
        returned=page.returned,
        next_url=next_url,
        previous_url=previous_url,
        hits=request.hits,
    ).encode()
    for query, offset, limit in page.slices:
        yield from sql.gml_features(
            query,
            tags=gml.feature_tags(query.ftype),
            member=gml.member_tags(dialect),
            gml32=dialect.gml32,
            offset=offset,
            limit=limit,
        )
    yield gml.COLLECTION_END.encode()


def _geojson(request, page, next_url, previous_url) -> Iterator[bytes]:
    crs = request.queries[0].crs
    crs_name = "" if crs.srid == 4326 else f"urn:ogc:def:crs:EPSG::{crs.srid}"
    yield geojson.collection_start(
        matched=page.matched,
        returned=page.returned,
        crs_name=crs_name,
        next_url=next_url,
        previous_url=previous_url,
    )
    first = True
    for query, offset, limit in page.slices:
        geometry = sql.geometry_geojson(query)
        chunk = []
        for row in sql.rows(query, geometry, offset, limit):
            chunk.append(geojson.feature(query.ftype, row))
            if len(chunk) >= 500:
                yield (b"" if first else b",") + b",".join(chunk)
                first, chunk = False, []
        if chunk:
            yield (b"" if first else b",") + b",".join(chunk)
            first = False
    yield geojson.COLLECTION_END


def by_id(request: FeatureRequest, page: Page, url: str) -> HttpResponse:
    """GetFeatureById: the feature alone; raises NotFound when it does not exist."""
    query = request.queries[0]
    if page.matched == 0:
        raise NotFound(_("No feature has this identifier."), locator="ID")
    if request.output_format == JSON_FORMAT:
        row = next(sql.rows(query, sql.geometry_geojson(query), 0, 1))
        return HttpResponse(
            geojson.feature(query.ftype, row), content_type="application/json"
        )
    dialect = request.dialect
    body = b"".join(
        sql.gml_features(
            query,
            tags=gml.feature_tags(query.ftype),
            member=("", ""),
            gml32=dialect.gml32,
            offset=0,
            limit=1,
        )
    )
    document = gml.standalone(dialect, query.ftype, url, body.decode())
    return HttpResponse(
        document, content_type=f"{request.output_format}; charset=UTF-8"
    )
