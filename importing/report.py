"""A stored validation report in words: for the pages, the API and a terminal.

A report is stored as data (``importing.issues``); each issue becomes a sentence
in the active language only here, when it is shown.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from importing.encoding import encoding_label
from importing.issues import ISSUE_KINDS, Severity
from importing.vocabulary import Family

# Geometry families as parameters of a sentence ("found", "expected").
FAMILY_WORDS = {
    Family.POLYGON: _("polygons"),
    Family.LINE: _("lines"),
    Family.POINT: _("points"),
    "other": _("geometry collections or other types"),
    "": _("points, lines or polygons"),
}


def _family_words(value) -> str:
    """``"other, polygon"`` in words of the active language."""
    names = str(value).split(", ") if value else [""]
    return ", ".join(str(FAMILY_WORDS.get(name, name)) for name in names)


def issue_message(issue: dict) -> str:
    """The sentence of a stored issue, in the active language."""
    kind = ISSUE_KINDS.get(issue.get("code", ""))
    if kind is None:
        return str(issue.get("code", ""))
    params = dict(issue.get("params", {}))
    if issue.get("code") == "wrong_geometry_type":
        for name in ("found", "expected"):
            params[name] = _family_words(params.get(name, ""))
    try:
        # A plural message picks its form from params["count"] here.
        return str(kind.message % params)
    except (KeyError, TypeError, ValueError):
        return str(kind.message) or kind.code


def encoding_text(encoding: dict | None) -> str:
    """The encoding a file declared, where, and the one its text was read in,
    as a sentence in the active language ("" for formats without one)."""
    if not encoding:
        return ""
    params = {
        "declared": encoding_label(encoding.get("declared", "")),
        "used": encoding_label(encoding.get("detected", "")),
    }
    by = encoding.get("declared_by", "")
    if by == ".cpg":
        text = _(
            "Text encoding: %(declared)s declared in the .cpg file, read as %(used)s."
        )
    elif by == ".dbf":
        text = _(
            "Text encoding: %(declared)s declared in the .dbf header, read as %(used)s."
        )
    elif by == "chosen":
        text = _("Text encoding: %(used)s, as chosen for this upload.")
    else:
        text = _("Text encoding: none declared, read as %(used)s.")
    return str(text) % params


def report_render(report: dict) -> dict:
    """A stored report with every issue's message in the active language, and
    its encoding in words (``encoding_text``)."""
    issues = [
        {**issue, "message": issue_message(issue)} for issue in report.get("issues", [])
    ]
    return {
        **report,
        "issues": issues,
        "encoding_text": encoding_text(report.get("summary", {}).get("encoding")),
    }


def report_counts(report: dict | None) -> str:
    """ "1 error, 3 warnings": a report's counts in the active language."""
    errors = int((report or {}).get("errors", 0))
    warnings = int((report or {}).get("warnings", 0))
    return gettext("%(errors)s, %(warnings)s") % {
        "errors": ngettext("%(count)s error", "%(count)s errors", errors)
        % {"count": errors},
        "warnings": ngettext("%(count)s warning", "%(count)s warnings", warnings)
        % {"count": warnings},
    }


def report_has_errors(report: dict | None) -> bool:
    """Whether a stored report blocks publishing."""
    return bool(report) and int(report.get("errors", 0)) > 0


def report_text(report: dict) -> str:
    """The report as plain text for a terminal, in the active language."""
    lines = []
    summary = report.get("summary", {})
    if summary:
        features = int(summary.get("features", 0))
        lines.append(
            ngettext(
                "%(features)s feature read from %(source)s (EPSG:%(srid)s).",
                "%(features)s features read from %(source)s (EPSG:%(srid)s).",
                features,
            )
            % {
                "features": features,
                "source": summary.get("source", "?"),
                "srid": summary.get("srid", "?"),
            }
        )
        encoding = encoding_text(summary.get("encoding"))
        if encoding:
            lines.append(encoding)
    for issue in report_render(report).get("issues", []):
        label = (
            gettext("ERROR")
            if issue.get("severity") == Severity.ERROR
            else gettext("warning")
        )
        line = f"  {label}: {issue['message']}"
        if issue.get("features"):
            shown = ", ".join(issue["features"][:10])
            more = " …" if len(issue["features"]) > 10 else ""
            line += " [" + gettext("ids: %(ids)s") % {"ids": shown + more} + "]"
        if issue.get("locations"):
            lon, lat = issue["locations"][0]
            line += f" @ {lon:.6f},{lat:.6f}"
        lines.append(line)
    lines.append(report_counts(report) + ".")
    return "\n".join(lines)
