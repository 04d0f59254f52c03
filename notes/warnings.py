"""The warnings a note may carry: when each applies, and its message.

A registry of codes and translatable messages; ``note_warnings`` and
``Defects`` decide which of them a composed note carries. A warning is stored
as its code and parameters (language-neutral, in the snapshot) and rendered
into the reader's language when shown.
"""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.i18n import number_text
from layers.models import PlanningDocument
from notes import sql
from notes.subjects import STRADDLE_MIN_M2, STRADDLE_MIN_SHARE

if TYPE_CHECKING:
    from notes.compose import Moment

# Official and computed areas may differ by this much before a warning (%).
AREA_MISMATCH_PERCENT = 5.0

MESSAGES = {
    "document_expired": _(
        "The document %(reference)s expired on %(date)s: it no longer applies."
    ),
    "document_under_revision": _(
        "The document %(reference)s is under revision; its rules may change."
    ),
    "draft_in_public_inquiry": _(
        "A new document, %(reference)s, is in public inquiry and may change the "
        "rules that apply here."
    ),
    "no_document_in_force": _(
        "No approved planning document is in force here on %(date)s."
    ),
    "area_mismatch": _(
        "The registry's official area (%(official)s m²) differs from the computed "
        "area (%(computed)s m²) by %(difference)s %%."
    ),
    "outside_zoning": _(
        "%(area)s m² (%(share)s %%) of the subject lie outside any zoning."
    ),
    "straddles_agencies": _(
        "The subject lies across the territories of several urban agencies."
    ),
    "published_despite_errors": ngettext_lazy(
        "Data quality: version %(version)s of the layer %(layer)s of "
        "%(reference)s was published despite %(errors)s error in its data; "
        "the zones %(zones)s met here are concerned. Reason given: %(reason)s",
        "Data quality: version %(version)s of the layer %(layer)s of "
        "%(reference)s was published despite %(errors)s errors in its data; "
        "the zones %(zones)s met here are concerned. Reason given: %(reason)s",
        "errors",
    ),
}
# Parameters stored as numbers' text ("9000.00", language-neutral), written
# as the reader writes numbers when shown; and the count a plural hangs on.
NUMBER_PARAMS = frozenset({"official", "computed", "difference", "area", "share"})
COUNT_PARAMS = frozenset({"errors"})


def warning(code: str, **params: str) -> dict:
    """A warning as stored: ``{"code", "params"}`` (no text yet)."""
    if code not in MESSAGES:
        raise KeyError(code)
    return {"code": code, "params": params}


def warning_message(item: dict, language: str | None = None) -> str:
    """The message of a stored warning, in ``language`` (the active one if None)."""
    template = MESSAGES.get(item.get("code", ""))
    if template is None:
        return item.get("code", "")
    active = translation.get_language()
    language = language or active
    # Activating a language costs more than the message: only for another one.
    with nullcontext() if language == active else translation.override(language):
        return str(template % _shown_params(item.get("params", {}), language))


def _shown_params(params: dict, language: str) -> dict:
    shown = {}
    for key, value in params.items():
        if key in NUMBER_PARAMS:
            decimals = len(value.partition(".")[2])
            value = number_text(Decimal(value), language, decimals)
        elif key in COUNT_PARAMS:
            value = int(value)
        shown[key] = value
    return shown


def with_messages(items: list[dict], language: str | None = None) -> list[dict]:
    """Copies of ``items`` with their ``message`` in ``language``."""
    return [{**item, "message": warning_message(item, language)} for item in items]


def note_warnings(
    moment: Moment,
    documents: list[PlanningDocument],
    content: dict,
    subject_area: float,
    rows_others_area: float,
) -> list[dict]:
    """The warnings about the documents, the subject's area and where it lies
    (``rows_others_area``: m² of it in other agencies), without messages."""
    items = []
    in_force = [d for d in documents if d.in_force_on(moment.day)]
    kinds_in_force = {document.kind for document in in_force}
    for document in documents:
        # An expired plan matters when nothing of its kind replaced it.
        if (
            document.status in PlanningDocument.ONCE_APPROVED
            and document.status != PlanningDocument.Status.SUPERSEDED
            and document.expiry_date is not None
            and document.expiry_date <= moment.day
            and document.kind not in kinds_in_force
        ):
            items.append(
                warning(
                    "document_expired",
                    reference=document.reference,
                    date=document.expiry_date.isoformat(),
                )
            )
    for document in in_force:
        if document.status == PlanningDocument.Status.UNDER_REVISION:
            items.append(
                warning("document_under_revision", reference=document.reference)
            )
    for document in documents:
        if document.status == PlanningDocument.Status.PUBLIC_INQUIRY:
            items.append(
                warning("draft_in_public_inquiry", reference=document.reference)
            )
    if not in_force:
        items.append(warning("no_document_in_force", date=moment.day.isoformat()))
    official = content["subject"]["official_area_m2"]
    if official and subject_area > 0:
        difference = abs(official - subject_area) / subject_area * 100.0
        if difference > AREA_MISMATCH_PERCENT:
            items.append(
                warning(
                    "area_mismatch",
                    official=f"{official:.2f}",
                    computed=f"{subject_area:.2f}",
                    difference=f"{difference:.1f}",
                )
            )
    if content["outside_zoning_m2"] > 0:
        items.append(
            warning(
                "outside_zoning",
                area=f"{content['outside_zoning_m2']:.2f}",
                share=f"{content['outside_zoning_share']:.2f}",
            )
        )
    others = float(rows_others_area)
    if others >= STRADDLE_MIN_M2 and others / subject_area >= STRADDLE_MIN_SHARE:
        items.append(warning("straddles_agencies"))
    return items


class Defects:
    """The features met that a planner published despite errors in them.

    A version published despite errors lists the features its errors involve
    (``errors_accepted.feature_ids``: the overlapping pair, the zone without a
    code…); a note about land that meets one of them warns about the data's
    quality, with the planner's reason, inside the signed snapshot.
    """

    def __init__(self) -> None:
        self._met: dict[int, dict] = {}

    def meet(self, row: sql.ComposeRow, document: PlanningDocument | None) -> None:
        accepted = row.errors_accepted
        if not accepted or row.feature_id not in accepted.get("feature_ids", ()):
            return
        entry = self._met.setdefault(
            row.version_id,
            {
                "reference": document.reference if document else "",
                "layer": row.layer,
                "version": row.version_number,
                "errors": accepted.get("errors", 0),
                "reason": accepted.get("reason", ""),
                "zones": set(),
            },
        )
        entry["zones"].add(row.code or str(row.feature_id))

    def warnings(self) -> list[dict]:
        """One ``published_despite_errors`` warning per version met."""
        return [
            warning(
                "published_despite_errors",
                reference=entry["reference"],
                layer=entry["layer"],
                version=str(entry["version"]),
                errors=str(entry["errors"]),
                zones=", ".join(sorted(entry["zones"])),
                reason=entry["reason"],
            )
            for _id, entry in sorted(self._met.items())
        ]
