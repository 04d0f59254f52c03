"""The extra fields of a kind of request, described by a small JSON schema.

A kind's ``extra_schema`` is a subset of JSON Schema that a form can be drawn
from and checked against without a library:

    {"type": "object",
     "properties": {"permit_number": {"type": "string", "maxLength": 40,
                                      "title_fr": "…", "title_ar": "…"},
                    "floors": {"type": "integer", "minimum": 0, "maximum": 60},
                    "use": {"type": "string", "enum": ["housing", "retail"]}},
     "required": ["permit_number"]}

Types: string (``maxLength``, ``enum``), integer and number (``minimum``,
``maximum``), boolean. Names not in ``properties`` are refused. Messages
name the field by its title in the reader's language.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from core.i18n import localized
from requete.errors import FilingRefused

TYPES = {"string", "integer", "number", "boolean"}
KEYWORDS = {
    "type",
    "maxLength",
    "enum",
    "minimum",
    "maximum",
    "title_fr",
    "title_ar",
    "title_en",
}


class _Titled:
    def __init__(self, spec: dict):
        for language in ("fr", "ar", "en"):
            setattr(self, f"title_{language}", spec.get(f"title_{language}", ""))


def field_title(name: str, spec: dict) -> str:
    """The title of field ``name`` in the reader's language, else its name."""
    return localized(_Titled(spec), "title") or name


def schema_check(schema: dict) -> list[str]:
    """What is wrong with ``schema`` as a kind's extra fields (empty: fine)."""
    if schema in ({}, None):
        return []
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return [_("The schema must be an object with “type”: “object”.")]
    properties = schema.get("properties", {})
    problems = []
    if not isinstance(properties, dict):
        return [_("“properties” must be an object.")]
    for name, spec in properties.items():
        if not isinstance(spec, dict) or spec.get("type") not in TYPES:
            problems.append(
                _(
                    "Field “%(name)s”: the type must be string, integer, number or "
                    "boolean."
                )
                % {"name": name}
            )
        elif set(spec) - KEYWORDS:
            problems.append(
                _("Field “%(name)s”: unknown keywords %(keywords)s.")
                % {"name": name, "keywords": ", ".join(sorted(set(spec) - KEYWORDS))}
            )
    required = schema.get("required", [])
    if not isinstance(required, list) or set(required) - set(properties):
        problems.append(_("“required” must list fields of “properties”."))
    return problems


def _field_error(name: str, spec: dict, value) -> str | None:
    kind = spec["type"]
    if kind == "boolean":
        return None if isinstance(value, bool) else _("Answer yes or no.")
    if kind == "string":
        if not isinstance(value, str):
            return _("Write text.")
        if "enum" in spec and value not in spec["enum"]:
            return _("Choose one of: %(choices)s.") % {
                "choices": ", ".join(map(str, spec["enum"]))
            }
        if len(value) > spec.get("maxLength", 2000):
            return _("At most %(count)d characters.") % {
                "count": spec.get("maxLength", 2000)
            }
        return None
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if not numeric or (isinstance(value, float) and not math.isfinite(value)):
        return _("Write a number.")
    if kind == "integer" and not float(value).is_integer():
        return _("Write a whole number.")
    if "minimum" in spec and value < spec["minimum"]:
        return _("At least %(minimum)s.") % {"minimum": spec["minimum"]}
    if "maximum" in spec and value > spec["maximum"]:
        return _("At most %(maximum)s.") % {"maximum": spec["maximum"]}
    return None


def extra_validate(schema: dict, data: object) -> dict:
    """``data`` checked against ``schema``; return it without empty values.

    Raises FilingRefused whose ``details["fields"]`` maps each wrong field to
    its message, in the active language.
    """
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise FilingRefused(_("The extra fields must be an object."))
    properties = (schema or {}).get("properties", {})
    errors = {}
    for name in sorted(set(data) - set(properties)):
        errors[name] = _("This kind of request has no such field.")
    kept = {}
    for name, spec in properties.items():
        value = data.get(name)
        if value in (None, ""):
            if name in (schema or {}).get("required", []):
                errors[name] = _("%(field)s is required.") % {
                    "field": localized(_Titled(spec), "title") or name
                }
            continue
        problem = _field_error(name, spec, value)
        if problem:
            title = localized(_Titled(spec), "title") or name
            errors[name] = _("%(field)s: %(problem)s") % {
                "field": title,
                "problem": problem,
            }
        else:
            kept[name] = value
    if errors:
        raise FilingRefused(
            _("Some fields of the request are missing or wrong."),
            details={"fields": errors},
        )
    return kept
