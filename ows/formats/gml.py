"""GML feature collections: WFS 2.0 / GML 3.2 and WFS 1.1 / GML 3.1.1.

PostgreSQL writes the feature elements (``ows.wfs.sql.gml_features``) from the
tags this module gives; this module writes the documents around them.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from xml.sax.saxutils import quoteattr

from ows.wfs.dialects import XSI, Dialect
from ows.wfs.featuretypes import FeatureType, Property

SCHEMA_LOCATION = (
    "{url}?SERVICE=WFS&amp;VERSION={version}&amp;REQUEST=DescribeFeatureType"
    "&amp;TYPENAMES={names}"
)

# The characters XML 1.0 cannot carry, not even as character references, as a
# regular expression PostgreSQL (``ows.wfs.sql.xml_text``) and Python read
# alike; both write U+FFFD in their place.
NOT_XML = r"[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_NOT_XML = re.compile(NOT_XML)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


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


@dataclasses.dataclass(frozen=True)
class FeatureTags:
    """The markup of one type's feature elements, around the values.

    A feature is ``open``, its gml:id (``id_prefix`` and its primary key),
    ``'">'``, each property between its tags (an attribute without a value is
    left out), the geometry between ``geometry`` tags, then ``close``.
    """

    open: str
    id_prefix: str
    properties: tuple[tuple[Property, str, str], ...]
    geometry: tuple[str, str] | None  # None when a projection leaves it out
    close: str


def feature_tags(ftype: FeatureType) -> FeatureTags:
    prefix, name = ftype.prefix, ftype.local_name
    return FeatureTags(
        open=f'<{prefix}:{name} gml:id="',
        id_prefix=f"{name}.",
        properties=tuple(
            (prop, f"<{prefix}:{prop.name}>", f"</{prefix}:{prop.name}>")
            for prop in ftype.properties
        ),
        geometry=(f"<{prefix}:geom>", f"</{prefix}:geom>")
        if ftype.with_geometry
        else None,
        close=f"</{prefix}:{name}>",
    )


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
