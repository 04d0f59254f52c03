"""Each part of a note's content as JSON-ready data, named as the API says.

Zones, overlays, rules, documents, the agency, the subject and the layer
versions used: numbers as floats, areas in m² rounded to the centimetre²,
shares as percentages of the subject's area with four decimals, labels in
French, Arabic and the active language. ``notes.compose`` gathers the parts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import orjson
from django.contrib.gis.gdal import OGRGeometry
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.i18n import localized
from layers.models import (
    Agency,
    LandUse,
    Layer,
    PlanningDocument,
    RegulationFile,
    ZoneRule,
)
from library.citations import CitedArticle
from notes import sql
from notes.subjects import Subject, srs_name

AREA_DIGITS = 2
SHARE_DIGITS = 4


def share(area: float, total: float) -> float:
    """``area`` as a percentage of ``total``, four decimals (0 without a total)."""
    return round(100.0 * area / total, SHARE_DIGITS) if total > 0 else 0.0


def version_data(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    """A layer version the note used: layer, document, number, validity."""
    return {
        "layer": row.layer,
        "kind": row.layer_kind,
        "document": document.reference if document else "",
        "version": row.version_number,
        "version_id": row.version_id,
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
    }


def _layer_fields(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    return {
        "layer": row.layer,
        "layer_title": pick(row.layer_title_fr, row.layer_title_ar),
        "layer_title_fr": row.layer_title_fr or "",
        "layer_title_ar": row.layer_title_ar or "",
        "document": document.reference if document else "",
        "version": row.version_number,
    }


def pick(fr: str | None, ar: str | None) -> str:
    """The Arabic text for Arabic readers when there is one, else the French."""
    language = (get_language() or "fr").split("-")[0]
    if language == "ar" and ar:
        return ar
    return fr or ar or ""


def zone_data(
    row: sql.ComposeRow, document: PlanningDocument | None, rule: ZoneRule | None
) -> dict:
    """A zone met, its area still to add up (``finish_zones``)."""
    label_fr = row.label_fr or (rule.label_fr if rule else "")
    label_ar = row.label_ar or (rule.label_ar if rule else "")
    category = (rule.category if rule else "") or row.category or ""
    return {
        **_layer_fields(row, document),
        "code": row.code,
        "label": pick(label_fr, label_ar),
        "label_fr": label_fr,
        "label_ar": label_ar,
        "category": category,
        "area_m2": 0.0,
        "share": 0.0,
        "rules": rule_data(rule) if rule else None,
    }


def overlay_data(row: sql.ComposeRow, document: PlanningDocument | None) -> dict:
    """An overlay met, its count and measures still to add up."""
    overlay_type = row.overlay_type or Layer.OverlayType.OTHER
    return {
        **_layer_fields(row, document),
        "type": overlay_type,
        "type_label": _labels("overlay")[overlay_type],
        "geometry_type": row.geometry_type,
        "code": row.code or "",
        "label": pick(row.label_fr, row.label_ar),
        "label_fr": row.label_fr or "",
        "label_ar": row.label_ar or "",
        "count": 0,
        "area_m2": None,
        "share": None,
        "length_m": None,
    }


def finish_zones(zones: Iterable[dict], subject_area: float) -> list[dict]:
    """The zones with their share and rounded area, by document, layer, size."""
    result = []
    for zone in zones:
        zone["share"] = share(zone["area_m2"], subject_area)
        zone["area_m2"] = round(zone["area_m2"], AREA_DIGITS)
        result.append(zone)
    return sorted(result, key=lambda z: (z["document"], z["layer"], -z["area_m2"]))


def finish_overlays(overlays: Iterable[dict], subject_area: float) -> list[dict]:
    """The overlays with their shares and rounded measures, sorted."""
    result = []
    for overlay in overlays:
        if overlay["area_m2"] is not None:
            overlay["share"] = share(overlay["area_m2"], subject_area)
            overlay["area_m2"] = round(overlay["area_m2"], AREA_DIGITS)
        if overlay["length_m"] is not None:
            overlay["length_m"] = round(overlay["length_m"], AREA_DIGITS)
        if overlay["type"] == Layer.OverlayType.ROAD_WIDENING:
            # What the widening takes from the land, in the words of the issue.
            overlay["area_taken_m2"] = overlay["area_m2"]
        result.append(overlay)
    return sorted(result, key=lambda o: (o["document"], o["layer"], o["code"]))


# Labels by code (``get_FOO_display`` and an enum's ``values`` rebuild these
# on every call: a tenth of a composition's Python), translated once per
# language: a note names a dozen uses, kinds and statuses, each a gettext.
_LABELS = {
    "use": dict(LandUse.choices),
    "kind": dict(PlanningDocument.Kind.choices),
    "status": dict(PlanningDocument.Status.choices),
    "overlay": dict(Layer.OverlayType.choices),
}


@functools.cache
def _labels_in(language: str | None) -> dict[str, dict[str, str]]:
    """``_LABELS`` translated into ``language`` (catalogs do not change while
    the process runs)."""
    with translation.override(language):
        return {
            name: {code: str(label) for code, label in labels.items()}
            for name, labels in _LABELS.items()
        }


def _labels(name: str) -> dict[str, str]:
    """The labels of ``_LABELS[name]`` by code, in the active language."""
    return _labels_in(get_language())[name]


def rule_data(rule: ZoneRule) -> dict:
    """A zone rule as JSON-ready data (numbers as floats, uses as codes+labels)."""

    def number(value):
        return None if value is None else float(value)

    labels = _labels("use")

    def uses(codes: list[str]) -> list[dict]:
        return [
            {"code": code, "label": labels[code]} for code in codes if code in labels
        ]

    regulation = rule.regulation_file
    return {
        "allowed_uses": uses(rule.allowed_uses),
        "forbidden_uses": uses(rule.forbidden_uses),
        "max_height_m": number(rule.max_height_m),
        "floors_above_ground": rule.floors_above_ground,
        "height_label": rule.height_label,
        "cos": number(rule.cos),
        "ces": number(rule.ces),
        "min_plot_area_m2": rule.min_plot_area_m2,
        "min_frontage_m": number(rule.min_frontage_m),
        "setback_road_m": number(rule.setback_road_m),
        "setback_side_m": number(rule.setback_side_m),
        "setback_rear_m": number(rule.setback_rear_m),
        "parking_fr": rule.parking_fr,
        "parking_ar": rule.parking_ar,
        "articles": rule.articles,
        "citations": list(rule.citations),
        "excerpt_fr": rule.excerpt_fr,
        "excerpt_ar": rule.excerpt_ar,
        "regulation_url": regulation.file.url if regulation else None,
    }


def cited_article_data(cited: CitedArticle) -> dict:
    """An article of the law a zone rule cites, as it read on the note's day:
    its reference, text, wording (None when it had none then) and page."""
    text, wording = cited.text, cited.wording
    return {
        "reference": cited.reference,
        "text": text.key if text else "",
        "number": cited.number,
        "label": _("%(text)s, article %(number)s")
        % {"text": text, "number": cited.number}
        if text
        else cited.reference,
        "title": text.title if text else "",
        "title_fr": text.title_fr if text else "",
        "title_ar": text.title_ar if text else "",
        "is_excerpt": text.is_excerpt if text else False,
        "body_fr": wording.body_fr if wording else None,
        "body_ar": wording.body_ar if wording else None,
        "repealed": wording.repealed if wording else False,
        "valid_from": wording.valid_from.isoformat() if wording else None,
        "url": cited.url,
    }


def agency_data(agency: Agency) -> dict:
    """The agency: code, names, native CRS."""
    return {
        "code": agency.code,
        "name": agency.name,
        "name_fr": agency.name_fr,
        "name_ar": agency.name_ar,
        "srid": agency.srid,
    }


def subject_data(subject: Subject, area: float) -> dict:
    """The subject: kind, reference, areas, CRS given, point and geometry."""
    parcel = subject.parcel
    official = (
        float(parcel.official_area_m2)
        if parcel is not None and parcel.official_area_m2 is not None
        else None
    )
    return {
        "kind": subject.kind,
        "reference": parcel.reference if parcel else None,
        "area_m2": round(area, AREA_DIGITS),
        "official_area_m2": official,
        "srs": f"EPSG:{subject.srid}",
        "srs_name": srs_name(subject.srid),
        "point": list(subject.point) if subject.point else None,
        "geometry": geojson(subject.geom),
    }


def geojson(geom) -> dict:
    """``geom`` (GEOS) as GeoJSON data, exactly what ``json.loads(geom.json)``
    gives — the same GDAL writer fed the same WKB — without the spatial
    reference that ``geom.json`` builds on every call for nothing (GeoJSON
    carries none) and the standard library's slower decoder. Not PostGIS's
    ``ST_AsGeoJSON``: it rounds differently in the last digit."""
    return orjson.loads(OGRGeometry(memoryview(geom.wkb)).json)


def document_data(document: PlanningDocument, files: list[RegulationFile]) -> dict:
    """A planning document: kind, status, approval, dates, regulation files."""

    def day(value):
        return value.isoformat() if value else None

    return {
        "reference": document.reference,
        "kind": document.kind,
        "kind_label": _labels("kind").get(document.kind, document.kind),
        "title": document.title,
        "title_fr": document.title_fr,
        "title_ar": document.title_ar,
        "status": document.status,
        "status_label": _labels("status").get(document.status, document.status),
        "approval_act": document.approval_act,
        "approval_date": day(document.approval_date),
        "bulletin_reference": document.bulletin_reference,
        "effective_date": day(document.effective_date),
        "expiry_date": day(document.expiry_date),
        "regulation_files": [
            {
                "title": localized(regulation, "title"),
                "language": regulation.language,
                "url": regulation.file.url,
            }
            for regulation in files
        ],
    }
