"""What differs between WFS 2.0.0 and 1.1.0: namespaces, names, formats."""

from __future__ import annotations

import dataclasses

from ows.params import format_key

GML32 = "http://www.opengis.net/gml/3.2"
GML311 = "http://www.opengis.net/gml"
WFS20 = "http://www.opengis.net/wfs/2.0"
WFS11 = "http://www.opengis.net/wfs"
FES20 = "http://www.opengis.net/fes/2.0"
OGC = "http://www.opengis.net/ogc"
OWS11 = "http://www.opengis.net/ows/1.1"
OWS10 = "http://www.opengis.net/ows"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

GML32_FORMATS = ("application/gml+xml; version=3.2", "text/xml; subtype=gml/3.2")
GML311_FORMAT = "text/xml; subtype=gml/3.1.1"
JSON_FORMAT = "application/json"


@dataclasses.dataclass(frozen=True)
class Dialect:
    version: str
    wfs: str
    gml: str
    gml_schema: str
    wfs_schema: str
    output_formats: tuple[str, ...]  # the first is the default
    feature_base: str
    feature_group: str

    @property
    def gml32(self) -> bool:
        return self.gml == GML32

    def output_format(self, name: str) -> str | None:
        """The advertised format ``name`` designates, or None."""
        if not name:
            return self.output_formats[0]
        key = format_key(name)
        for candidate in self.output_formats:
            if format_key(candidate) == key:
                return candidate
        return None


WFS_2_0 = Dialect(
    version="2.0.0",
    wfs=WFS20,
    gml=GML32,
    gml_schema="http://schemas.opengis.net/gml/3.2.1/gml.xsd",
    wfs_schema="http://schemas.opengis.net/wfs/2.0/wfs.xsd",
    output_formats=(*GML32_FORMATS, JSON_FORMAT),
    feature_base="gml:AbstractFeatureType",
    feature_group="gml:AbstractFeature",
)
WFS_1_1 = Dialect(
    version="1.1.0",
    wfs=WFS11,
    gml=GML311,
    gml_schema="http://schemas.opengis.net/gml/3.1.1/base/gml.xsd",
    wfs_schema="http://schemas.opengis.net/wfs/1.1.0/wfs.xsd",
    output_formats=(GML311_FORMAT, JSON_FORMAT),
    feature_base="gml:AbstractFeatureType",
    feature_group="gml:_Feature",
)


def dialect(version: str) -> Dialect:
    return WFS_1_1 if version == "1.1.0" else WFS_2_0
