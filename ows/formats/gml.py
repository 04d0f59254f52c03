"""GML feature collections: WFS 2.0 / GML 3.2 and WFS 1.1 / GML 3.1.1.

PostGIS writes the geometries (``ST_AsGML``); this module writes the feature
elements around them, escaping every value.
"""

from __future__ import annotations

import datetime
from xml.sax.saxutils import escape, quoteattr

import orjson

from ows.wfs.dialects import XSI, Dialect
from ows.wfs.featuretypes import FIXED, FeatureType

SCHEMA_LOCATION = (
    "{url}?SERVICE=WFS&amp;VERSION={version}&amp;REQUEST=DescribeFeatureType"
    "&amp;TYPENAMES={names}"
)


def timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def namespaces(dialect: Dialect, types: list[FeatureType]) -> str:
    """xmlns declarations of the wfs, gml and agency namespaces."""
    declared = {
        "wfs": dialect.wfs,
        "gml": dialect.gml,
        "xsi": XSI,
    }
    for ftype in types:
        declared[ftype.prefix] = ftype.namespace
    return " ".join(
        f"xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in declared.items()
    )


def schema_location(dialect: Dialect, types: list[FeatureType], url: str) -> str:
    pairs = [
        f"{dialect.wfs} {dialect.wfs_schema}",
        f"{dialect.gml} {dialect.gml_schema}",
    ]
    by_namespace: dict[str, list[str]] = {}
    for ftype in types:
        by_namespace.setdefault(ftype.namespace, []).append(ftype.name)
    for namespace, names in by_namespace.items():
        location = SCHEMA_LOCATION.format(
            url=url, version=dialect.version, names=",".join(names)
        )
        pairs.append(f"{namespace} {location}")
    return " ".join(pairs)


def text_value(value) -> str:
    """An attribute value as element text (JSON for numbers and structures)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(orjson.dumps(value).decode())


class FeatureWriter:
    """Writes feature elements of one type; tags are built once."""

    def __init__(self, ftype: FeatureType, gml32: bool) -> None:
        prefix = ftype.prefix
        self.ftype = ftype
        self.gml32 = gml32
        self.local_id = ftype.local_name + "."
        self.open = f'<{prefix}:{ftype.local_name} gml:id="'
        self.close = f"</{prefix}:{ftype.local_name}>"
        self.fixed = [(f"<{prefix}:{n}>", f"</{prefix}:{n}>") for n in FIXED]
        self.attributes = [
            (prop.key, f"<{prefix}:{prop.name}>", f"</{prefix}:{prop.name}>")
            for prop in ftype.properties[len(FIXED) :]
        ]
        self.geometry = (f"<{prefix}:geom>", f"</{prefix}:geom>")

    @property
    def sql_tags(self) -> dict:
        """Tags for PostgreSQL to write a member's head (``sql.gml_members``)."""
        return {
            "open": self.open + self.local_id,
            "open_end": '">',
            "fixed": self.fixed,
            "geom_start": self.geometry[0],
            "id_prefix": self.local_id,
        }

    @property
    def tail(self) -> str:
        return self.geometry[1] + self.close

    def number_ids(self, pk: int, geometry: str) -> str:
        """GML 3.2 geometry with PostGIS's ``@`` ids made unique."""
        fid = f"{self.local_id}{pk}"
        pieces = geometry.split('gml:id="@"')
        return pieces[0] + "".join(
            f'gml:id="{fid}.g{index}"{piece}' for index, piece in enumerate(pieces[1:])
        )

    def __call__(self, row: tuple) -> str:
        """One feature element from a row of ``ows.wfs.sql.rows``.

        The row holds either the five fixed values or, as one string, their
        elements already written by ``ows.wfs.sql.fixed_properties_xml``.
        """
        pk, *fixed, attributes_json, geometry = row
        fid = f"{self.local_id}{pk}"
        parts = [self.open, fid, '">']
        if len(fixed) == 1:
            parts.append(fixed[0])
        else:
            for (start, end), value in zip(self.fixed, fixed, strict=True):
                parts += (start, escape(value), end)
        if self.attributes and attributes_json != "{}":
            attributes = orjson.loads(attributes_json)
            for key, start, end in self.attributes:
                value = attributes.get(key)
                if value is not None:
                    parts += (start, text_value(value), end)
        if geometry:
            if self.gml32:
                pieces = geometry.split('gml:id="@"')
                geometry = pieces[0] + "".join(
                    f'gml:id="{fid}.g{index}"{piece}'
                    for index, piece in enumerate(pieces[1:])
                )
            parts += (self.geometry[0], geometry, self.geometry[1])
        parts.append(self.close)
        return "".join(parts)


def feature(ftype: FeatureType, row: tuple, gml32: bool) -> str:
    """One feature element (see FeatureWriter, for many features)."""
    return FeatureWriter(ftype, gml32)(row)


def collection_start(
    dialect: Dialect,
    types: list[FeatureType],
    url: str,
    *,
    matched: int,
    returned: int,
    next_url: str = "",
    previous_url: str = "",
    hits: bool = False,
) -> str:
    """The opening tag of wfs:FeatureCollection."""
    attrs = [
        namespaces(dialect, types),
        f'xsi:schemaLocation="{schema_location(dialect, types, url)}"',
        f'timeStamp="{timestamp()}"',
    ]
    if dialect.gml32:
        attrs += [f'numberMatched="{matched}"', f'numberReturned="{returned}"']
        if next_url:
            attrs.append(f"next={quoteattr(next_url)}")
        if previous_url:
            attrs.append(f"previous={quoteattr(previous_url)}")
    else:
        attrs.append(f'numberOfFeatures="{matched if hits else returned}"')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<wfs:FeatureCollection {' '.join(attrs)}>"
    )


def member_tags(dialect: Dialect) -> tuple[str, str]:
    """The tags around each feature of a collection."""
    if dialect.gml32:
        return "<wfs:member>", "</wfs:member>"
    return "<gml:featureMember>", "</gml:featureMember>"


COLLECTION_END = "</wfs:FeatureCollection>"


def standalone(dialect: Dialect, ftype: FeatureType, url: str, body: str) -> str:
    """One feature as a document (GetFeatureById), namespaces on its root."""
    head = f"<{ftype.prefix}:{ftype.local_name} "
    declarations = (
        f"{namespaces(dialect, [ftype])} "
        f'xsi:schemaLocation="{schema_location(dialect, [ftype], url)}" '
    )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace(
        head, head + declarations, 1
    )
