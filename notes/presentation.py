"""A note's content made readable in one language: for the pages and the PDF.

Everything is derived from the snapshot (language-neutral codes, French and
Arabic labels), so a note reads the same whenever it is shown or re-rendered.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import number_text
from layers.models import LandUse, Layer, PlanningDocument, ZoneCategory
from notes.warnings import warning_message

LRM = "\u200e"  # keeps "2-19-345" or "R+4" in order inside Arabic text
LIST_SEPARATORS = {"ar": "، "}
COLONS = {"fr": "\u00a0: "}  # French typography: a space before the colon


def number(value: float | int | None, language: str, digits: int = 2) -> str:
    """``value`` as ``language`` writes numbers ("" for None)."""
    return "" if value is None else number_text(value, language, digits)


def square_metres(value: float | int | None, language: str, digits: int = 2) -> str:
    """An area with its unit in ``language`` ("1 234,56 m²", "1.234,56 م²")."""
    if value is None:
        return ""
    return _("%(value)s m²") % {"value": number(value, language, digits)}


def metres(value: float | int, language: str, digits: int = 2) -> str:
    """A length with its unit in ``language`` ("12,50 m", "12,50 م")."""
    return _("%(value)s m") % {"value": number(value, language, digits)}


def distance(value_m: float, language: str) -> str:
    """A round distance such as a scale bar's: "200 m", "1,5 km" in French."""
    if value_m < 1000:
        return metres(value_m, language, 0)
    kilometres = value_m / 1000
    digits = 0 if kilometres == int(kilometres) else 1
    return _("%(value)s km") % {"value": number(kilometres, language, digits)}


def percent(value: float | int, language: str, digits: int = 2) -> str:
    return f"{number(value, language, digits)} %"


def listing(items: list[str], language: str) -> str:
    """``items`` one after the other, with the Arabic comma in Arabic."""
    return LIST_SEPARATORS.get(language, ", ").join(items)


def _pick(item: dict, field: str, language: str) -> str:
    if language == "ar" and item.get(f"{field}_ar"):
        return item[f"{field}_ar"]
    return item.get(f"{field}_fr") or item.get(field) or ""


def _ltr(text: str, language: str) -> str:
    """Latin codes and numbers with hyphens keep their order in Arabic text."""
    if language == "ar" and text and any(ch.isdigit() or ch.isascii() for ch in text):
        return LRM + text
    return text


def _choice_label(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def rule_lines(rules: dict | None, language: str) -> list[tuple[str, str]]:
    """The rules of a zone as (label, value) lines, in ``language``."""
    if not rules:
        return []
    lines = []

    def uses(key: str) -> str:
        return listing(
            [_choice_label(LandUse, use["code"]) for use in rules.get(key) or []],
            language,
        )

    if rules.get("allowed_uses"):
        lines.append((_("Allowed uses"), uses("allowed_uses")))
    if rules.get("forbidden_uses"):
        lines.append((_("Forbidden uses"), uses("forbidden_uses")))
    height = []
    if rules.get("height_label"):
        height.append(_ltr(rules["height_label"], language))
    if rules.get("max_height_m") is not None:
        height.append(metres(rules["max_height_m"], language))
    if height:
        lines.append((_("Maximum height"), " — ".join(height)))
    if rules.get("cos") is not None:
        lines.append((_("Floor-area ratio (COS)"), number(rules["cos"], language)))
    if rules.get("ces") is not None:
        lines.append((_("Coverage ratio (CES)"), percent(rules["ces"], language, 0)))
    if rules.get("min_plot_area_m2") is not None:
        lines.append(
            (
                _("Minimum plot area"),
                square_metres(rules["min_plot_area_m2"], language, 0),
            )
        )
    if rules.get("min_frontage_m") is not None:
        lines.append((_("Minimum frontage"), metres(rules["min_frontage_m"], language)))
    setbacks = [
        (label, rules.get(key))
        for key, label in (
            ("setback_road_m", _("road")),
            ("setback_side_m", _("sides")),
            ("setback_rear_m", _("rear")),
        )
        if rules.get(key) is not None
    ]
    if setbacks:
        lines.append(
            (
                _("Setbacks"),
                listing(
                    [f"{label} {metres(value, language)}" for label, value in setbacks],
                    language,
                ),
            )
        )
    parking = _pick(rules, "parking", language)
    if parking:
        lines.append((_("Parking"), parking))
    if rules.get("articles"):
        lines.append((_("Articles"), _ltr(rules["articles"], language)))
    if rules.get("citations"):
        cited = [_ltr(reference, language) for reference in rules["citations"]]
        lines.append((_("Articles of the law cited"), listing(cited, language)))
    excerpt = _pick(rules, "excerpt", language)
    if excerpt:
        lines.append((_("Regulation excerpt"), excerpt))
    if rules.get("regulation_url"):
        lines.append((_("Regulation"), rules["regulation_url"]))
    return lines


def _overlay_measure(overlay: dict, language: str) -> str:
    if overlay.get("area_m2") is not None:
        text = square_metres(overlay["area_m2"], language)
        if overlay.get("share") is not None:
            text += f" ({percent(overlay['share'], language)})"
        if overlay.get("type") == Layer.OverlayType.ROAD_WIDENING:
            text = _("%(area)s taken") % {"area": text}
        return text
    if overlay.get("length_m") is not None:
        return metres(overlay["length_m"], language)
    count = overlay.get("count", 1)
    return ngettext("%(count)s feature inside", "%(count)s features inside", count) % {
        "count": number(count, language, 0)
    }


def _document_lines(document: dict, language: str) -> dict:
    return {
        "reference": _ltr(document["reference"], language),
        "kind": _choice_label(PlanningDocument.Kind, document["kind"]),
        "title": _pick(document, "title", language),
        "status": _choice_label(PlanningDocument.Status, document["status"]),
        "approval_act": _ltr(document.get("approval_act") or "", language),
        "approval_date": _ltr(document.get("approval_date") or "", language),
        "bulletin_reference": _ltr(document.get("bulletin_reference") or "", language),
        "effective_date": _ltr(document.get("effective_date") or "", language),
        "expiry_date": _ltr(document.get("expiry_date") or "", language),
        "regulation_files": document.get("regulation_files") or [],
    }


def standing(note: dict) -> str:
    """What a note is worth, from its ``content["note"]``: official (paid,
    naming its order and receipt) or indicative (free of charge)."""
    paid = note.get("official")
    if paid:
        return _(
            "Official note, issued on payment of order %(order)s "
            "(receipt no. %(receipt)s)."
        ) % {"order": paid["order"], "receipt": paid["receipt"]}
    return _(
        "Indicative note, free of charge. The official note is issued once "
        "its fee is paid."
    )


def _article_lines(article: dict, language: str) -> dict:
    body = _pick(article, "body", language)
    return {
        "reference": _ltr(article["reference"], language),
        "label": article["label"],
        "title": _pick(article, "title", language),
        "body": body or "",
        "repealed": article.get("repealed", False),
        "missing": article.get("body_fr") is None,
        "url": article.get("url", ""),
    }


def display_content(content: dict, language: str) -> dict:
    """The content as strings ready to print in ``language`` ("fr", "ar", "en")."""
    with translation.override(language):
        subject = content["subject"]
        note = content.get("note", {})
        zones = [
            {
                "layer": _pick(zone, "layer_title", language) or zone["layer"],
                "code": _ltr(zone["code"], language),
                "label": _pick(zone, "label", language),
                "category": zone.get("category") or "",
                "category_label": _choice_label(ZoneCategory, zone.get("category"))
                if zone.get("category")
                else "",
                "area": square_metres(zone["area_m2"], language),
                "share": percent(zone["share"], language),
                "rules": [
                    {"label": label, "value": value}
                    for label, value in rule_lines(zone.get("rules"), language)
                ],
            }
            for zone in content.get("zones", [])
        ]
        overlays = [
            {
                "layer": _pick(overlay, "layer_title", language) or overlay["layer"],
                "type": _choice_label(Layer.OverlayType, overlay.get("type", "")),
                "code": _ltr(overlay.get("code", ""), language),
                "label": _pick(overlay, "label", language),
                "measure": _overlay_measure(overlay, language),
            }
            for overlay in content.get("overlays", [])
        ]
        official = subject.get("official_area_m2")
        paid = note.get("official") or {}
        return {
            "standing": standing(note),
            "official_order": _ltr(paid.get("order", ""), language),
            "official_receipt": _ltr(paid.get("receipt", ""), language),
            "language": language,
            "direction": "rtl" if language == "ar" else "ltr",
            "colon": COLONS.get(language, ": "),
            "reference": _ltr(note.get("reference", ""), language),
            "issued_at": _ltr((note.get("issued_at") or "")[:10], language),
            "as_of": _ltr(content.get("as_of", ""), language),
            "agency": _pick(content["agency"], "name", language),
            "subject_kind": str(
                {
                    "parcel": _("Parcel"),
                    "point": _("Parcel at a point"),
                    "polygon": _("Drawn area"),
                }.get(subject["kind"], subject["kind"])
            ),
            "subject_reference": _ltr(subject.get("reference") or "", language),
            "area": square_metres(subject["area_m2"], language),
            "official_area": square_metres(official, language) if official else "",
            "srs": subject.get("srs", ""),
            "outside_zoning": square_metres(content.get("outside_zoning_m2"), language)
            if content.get("outside_zoning_m2")
            else "",
            "zones": zones,
            "overlays": overlays,
            "documents": [
                _document_lines(document, language)
                for document in content.get("documents", [])
            ],
            # Notes issued before zone rules cited the library have none.
            "articles": [
                _article_lines(article, language)
                for article in content.get("articles", [])
            ],
            "warnings": [
                warning_message(item, language) for item in content.get("warnings", [])
            ],
            "layer_versions": listing(
                [
                    _("%(document)s / %(layer)s v%(number)s")
                    % {
                        "document": _ltr(version["document"], language),
                        "layer": version["layer"],
                        "number": version["version"],
                    }
                    for version in content.get("layer_versions", [])
                ],
                language,
            ),
        }


def note_context(content: dict, language: str | None) -> dict:
    """Template context for a note page: ``display`` and the raw ``content``."""
    language = (language or "fr").split("-")[0]
    if language not in ("fr", "ar", "en"):
        language = "fr"
    return {"display": display_content(content, language), "content": content}
