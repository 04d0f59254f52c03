"""Property tests of the FES filter parser and compiler (``ows.filters.fes``):
a filter — well-formed-ish trees of every operator, or arbitrary text and
bytes — compiles to a condition PostgreSQL runs, or raises the typed OGC
exception; never another exception, and never SQL the database refuses
(that would be a 500 of GetFeature).
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from hypothesis import event, given
from hypothesis import strategies as st

from ows.catalog import catalog_layers
from ows.crs import parse_crs
from ows.exceptions import OwsError
from ows.filters.fes import FilterCompiler, parse_filters
from ows.wfs.featuretypes import feature_type, parse_namespaces
from ows.xmlrequest import xml_request_head
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import EDGE_VALUES, TEXT
from tests.ows.conftest import ows_data  # noqa: F401 - a fixture

ZONING = "aurs:pa-1-zonage"
FES = "http://www.opengis.net/fes/2.0"
GML = "http://www.opengis.net/gml/3.2"

# Mostly properties the type has (string, integer, double), at times not.
KNOWN = st.sampled_from(["code", "label_fr", "category", "height_m", "note", "id"])
PROPERTIES = st.one_of(
    KNOWN,
    KNOWN,
    KNOWN,
    st.sampled_from(["geom", "nope", "", "gml:name", "gml:boundedBy", "aurs:code"]),
)
LITERALS = st.one_of(st.sampled_from(EDGE_VALUES), TEXT)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["-6.85", "33.95", "1e308", "-1e308", "1e9", "0", "x", ""]),
)
SRS = st.sampled_from(
    [
        "",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:3857",
        "EPSG:26191",
        "EPSG:0",
        "EPSG:99999999999999999999",
        "nonsense",
    ]
)
ONE_CHAR = st.sampled_from(["*", "?", "\\", "!", "%", "_", "", "ab", "'"])


def attr(name: str, value: str) -> str:
    return f" {name}={quoteattr(value)}" if value else ""


def value_reference(name: str) -> str:
    return f"<fes:ValueReference>{escape(name)}</fes:ValueReference>"


def literal(value: str) -> str:
    return f"<fes:Literal>{escape(value)}</fes:Literal>"


comparisons = st.builds(
    lambda op, name, value, match: (
        f"<fes:{op}{attr('matchCase', match)}>"
        f"{value_reference(name)}{literal(value)}</fes:{op}>"
    ),
    st.sampled_from(
        [
            "PropertyIsEqualTo",
            "PropertyIsNotEqualTo",
            "PropertyIsLessThan",
            "PropertyIsGreaterThan",
            "PropertyIsLessThanOrEqualTo",
            "PropertyIsGreaterThanOrEqualTo",
        ]
    ),
    PROPERTIES,
    LITERALS,
    st.sampled_from(["", "true", "false"]),
)
likes = st.builds(
    lambda name, value, wild, single, esc: (
        f"<fes:PropertyIsLike{attr('wildCard', wild)}{attr('singleChar', single)}"
        f"{attr('escapeChar', esc)}>{value_reference(name)}{literal(value)}"
        "</fes:PropertyIsLike>"
    ),
    PROPERTIES,
    st.one_of(LITERALS, st.text(alphabet="*?\\!%_ab", max_size=8)),
    ONE_CHAR,
    ONE_CHAR,
    ONE_CHAR,
)
nulls = st.builds(
    lambda op, name: f"<fes:{op}>{value_reference(name)}</fes:{op}>",
    st.sampled_from(["PropertyIsNull", "PropertyIsNil"]),
    PROPERTIES,
)
betweens = st.builds(
    lambda name, low, high: (
        f"<fes:PropertyIsBetween>{value_reference(name)}"
        f"<fes:LowerBoundary>{literal(low)}</fes:LowerBoundary>"
        f"<fes:UpperBoundary>{literal(high)}</fes:UpperBoundary>"
        "</fes:PropertyIsBetween>"
    ),
    PROPERTIES,
    LITERALS,
    LITERALS,
)
envelopes = st.builds(
    lambda srs, a, b, c, d: (
        f"<gml:Envelope{attr('srsName', srs)}>"
        f"<gml:lowerCorner>{a} {b}</gml:lowerCorner>"
        f"<gml:upperCorner>{c} {d}</gml:upperCorner></gml:Envelope>"
    ),
    SRS,
    NUMBER,
    NUMBER,
    NUMBER,
    NUMBER,
)
points = st.builds(
    lambda srs, x, y: (
        f"<gml:Point{attr('srsName', srs)}><gml:pos>{x} {y}</gml:pos></gml:Point>"
    ),
    SRS,
    NUMBER,
    NUMBER,
)
polygons = st.builds(
    lambda srs, numbers: (
        f"<gml:Polygon{attr('srsName', srs)}><gml:exterior><gml:LinearRing>"
        f"<gml:posList>{' '.join(numbers)}</gml:posList>"
        "</gml:LinearRing></gml:exterior></gml:Polygon>"
    ),
    SRS,
    st.lists(NUMBER, max_size=10),
)
GEOMETRIES = st.one_of(envelopes, points, polygons)
spatials = st.builds(
    lambda op, name, geometry: (
        f"<fes:{op}>{value_reference(name)}{geometry}</fes:{op}>"
    ),
    st.sampled_from(["BBOX", "Intersects", "Within", "Contains", "Disjoint", "Equals"]),
    st.sampled_from(["geom", "code", ""]),
    GEOMETRIES,
)
distances = st.builds(
    lambda op, geometry, distance, uom: (
        f"<fes:{op}>{value_reference('geom')}{geometry}"
        f"<fes:Distance{attr('uom', uom)}>{distance}</fes:Distance></fes:{op}>"
    ),
    st.sampled_from(["DWithin", "Beyond"]),
    GEOMETRIES,
    NUMBER,
    st.sampled_from(["", "m", "km", "deg", "furlong"]),
)
resource_ids = st.builds(
    lambda rids: "".join(f"<fes:ResourceId{attr('rid', rid)}/>" for rid in rids),
    st.lists(
        st.one_of(
            st.integers(min_value=-(10**25), max_value=10**25).map(
                lambda n: f"{ZONING}.{n}"
            ),
            st.sampled_from(
                [f"{ZONING}.1", "pa-1-zonage.1", "aurs:pa-1-voirie.1", "x", ""]
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
OPERATORS = st.recursive(
    st.one_of(comparisons, likes, nulls, betweens, spatials, distances),
    lambda inner: st.one_of(
        st.builds(
            lambda op, parts: f"<fes:{op}>{''.join(parts)}</fes:{op}>",
            st.sampled_from(["And", "Or"]),
            st.lists(inner, min_size=2, max_size=3),
        ),
        st.builds(lambda part: f"<fes:Not>{part}</fes:Not>", inner),
    ),
    max_leaves=4,
)
FILTERS = st.builds(
    lambda body: f'<fes:Filter xmlns:fes="{FES}" xmlns:gml="{GML}">{body}</fes:Filter>',
    st.one_of(OPERATORS, resource_ids),
)


@pytest.fixture
def zoning_type(ows_data):  # noqa: F811 - ows_data is a fixture
    entry = next(
        entry for entry in catalog_layers(user=AnonymousUser()) if entry.name == ZONING
    )
    return feature_type(entry)


def compiled_and_run(text: str, ftype, namespaces: str = "") -> None:
    """Compile ``text`` (its prefixes bound by KVP ``namespaces``) for
    ``ftype`` and run it, as GetFeature would; a typed OGC exception is a fine
    outcome, any other is not."""
    try:
        elements = parse_filters(text, parse_namespaces(namespaces))
        compiler = FilterCompiler(ftype, parse_crs("EPSG:4326"), (ftype.local_name,))
        conditions = [compiler.compile(element) for element in elements]
    except OwsError as error:
        refused = error
    else:
        refused = None
    if refused is not None:
        assert 400 <= refused.http_status < 600
        assert refused.message
        event(f"refused: {refused.code}")
        return
    event("compiled")
    for condition in conditions:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM layers_feature f "
                f"WHERE f.version_id = %s AND ({condition.sql})",
                [ftype.version_id, *condition.params],
            )


@given(text=FILTERS)
@fuzz_settings(400)
def test_generated_filters_compile_and_run_or_are_refused(zoning_type, text):
    compiled_and_run(text, zoning_type)


@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(alphabet="<>/=\"' fes:FilterPropertyIsEqualTo&;#x0123", max_size=80),
        FILTERS.map(lambda text: text[: len(text) // 2]),
        st.builds("({})({})".format, FILTERS, st.text(max_size=20)),
    )
)
@fuzz_settings(300)
def test_arbitrary_text_is_a_filter_or_refused(zoning_type, text):
    compiled_and_run(text, zoning_type)


# KVP NAMESPACES: both syntaxes, odd prefixes and URIs, or any text.
PREFIXES = st.sampled_from(["", "fes", "f", "gml", "xml", "xmlns", "1x", "a b", "t"])
URIS = st.one_of(
    st.sampled_from([FES, GML, "urn:geoportail:agency:aurs", "", "a,b=c", '"<&']), TEXT
)
NAMESPACES = st.one_of(
    st.lists(
        st.builds(
            lambda prefix, sep, uri: f"xmlns({prefix}{sep}{uri})",
            PREFIXES,
            st.sampled_from([",", "=", ""]),
            URIS,
        ),
        max_size=4,
    ).map(",".join),
    TEXT,
)


@given(text=FILTERS, namespaces=NAMESPACES)
@fuzz_settings(200)
def test_filters_with_namespaces_compile_and_run_or_are_refused(
    zoning_type, text, namespaces
):
    compiled_and_run(text.replace("fes:", "f:"), zoning_type, namespaces)


@given(body=st.one_of(st.binary(max_size=300), FILTERS.map(str.encode)))
@fuzz_settings(200)
def test_arbitrary_post_bodies_are_read_or_refused(body):
    try:
        head = xml_request_head(body)
    except OwsError as error:
        head = {"error": error.ogc_code}
    assert head.get("REQUEST") or head["error"] == "OperationParsingFailed"
