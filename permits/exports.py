"""The open-data downloads of permit files: BLDS as CSV and as GeoJSON
(``permits.blds``), streamed so that 100,000 files never sit in memory.
``?agency=<code>`` narrows to one agency."""

from __future__ import annotations

import csv
import json

from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_http_methods

from permits.blds import FIELDS, blds_records


class _Echo:
    """A file-like object whose ``write`` returns the text: csv.writer's
    rows, one by one, for a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(agency: str):
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for record in blds_records(agency_code=agency):
        yield writer.writerow(
            "" if record[name] is None else record[name] for name in FIELDS
        )


@require_http_methods(["GET"])
def blds_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(request.GET.get("agency", "")), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="permits-blds.csv"'
    return response


def _geojson_parts(agency: str):
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for record in blds_records(agency_code=agency):
        longitude, latitude = record["Longitude"], record["Latitude"]
        geometry = (
            {"type": "Point", "coordinates": [longitude, latitude]}
            if longitude is not None
            else None
        )
        feature = {"type": "Feature", "geometry": geometry, "properties": record}
        yield separator + json.dumps(feature, ensure_ascii=False)
        separator = ",\n"
    yield "]}\n"


@require_http_methods(["GET"])
def blds_geojson(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _geojson_parts(request.GET.get("agency", "")),
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = 'attachment; filename="permits-blds.geojson"'
    return response
