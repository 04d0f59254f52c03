"""Texts the map script shows, translated on the server (no JS catalogue)."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

# A count of each plural category of CLDR, the browser's Intl.PluralRules, in
# the portal's languages (CLDR's own samples): the script asks the rules for
# its count's category and shows the form gettext gives for that category.
PLURAL_SAMPLES = {
    "ar": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100},
    "fr": {"one": 1, "many": 1_000_000, "other": 2},
    "en": {"one": 1, "other": 2},
}


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """The forms of a count-bearing text by CLDR plural category, in the
    active language; ``%(count)s`` stays for the script to fill."""
    samples = PLURAL_SAMPLES.get((get_language() or "fr").split("-")[0])
    return {
        category: ngettext(singular, plural, count)
        for category, count in (samples or PLURAL_SAMPLES["fr"]).items()
    }


def map_messages() -> dict[str, str | dict[str, str]]:
    """The map script's texts in the active language, by key; a count-bearing
    text is a dict of its plural forms (``plural_forms``)."""
    return {
        "searching": _("Searching…"),
        "no_result": _("Nothing found. Try a land title such as TF 12345/07."),
        "results": plural_forms("%(count)s suggestion", "%(count)s suggestions"),
        "search_failed": _("The search is unavailable for now. Please try again."),
        "loading": _("Loading the planning rules…"),
        "nothing_here": _("No registered parcel here."),
        "identify_failed": _("The planning rules could not be loaded."),
        "parcel": _("Parcel"),
        "parcels_here": plural_forms(
            "%(count)s registered parcel lies here. Choose the one you mean:",
            "%(count)s registered parcels overlap here. Choose the one you mean:",
        ),
        "drawn_plot": _("Drawn plot"),
        "area": _("Area"),
        "zones": _("Zones"),
        "share": _("share"),
        "rules": _("Main rules"),
        "overlays": _("Overlays and easements"),
        "no_overlay": _("No overlay applies."),
        "documents": _("Documents in force"),
        "warnings": _("Warnings"),
        "issue_note": _("Get the urban information note (PDF)"),
        "issuing": _("Issuing the note…"),
        "issued": _("Note %(reference)s issued."),
        "download_pdf": _("Download the PDF"),
        "verify": _("Verification page"),
        "issue_failed": _("The note could not be issued."),
        "parcel_page": _("Parcel page"),
        "file_request": _("File a request about this parcel"),
        "file_request_here": _("File a request about this place"),
        "close": _("Close"),
        "draw_help": _(
            "Click the map to add corners; double-click or press Enter to finish, "
            "Escape to cancel. With the keyboard, move the map with the arrows and "
            "press Space to add a corner at the centre."
        ),
        "draw_too_few": _("A plot needs at least three corners."),
        "locating": _("Finding your position…"),
        "locate_failed": _("Your position could not be found."),
        "link_copied": _("Link copied."),
        "link_ready": _("Copy this link:"),
        "height": _("Height"),
        "floors": _("Floors"),
        "cos": _("Floor-area ratio (COS)"),
        "ces": _("Coverage ratio (CES)"),
        "min_plot": _("Minimum plot area"),
        "metres": _("%(value)s m"),
        "square_metres": _("%(value)s m²"),
        "allowed": _("Allowed"),
        "forbidden": _("Forbidden"),
        "articles": _("Articles"),
        "citations": _("Articles of the law cited"),
        "zoom_in": _(
            "Select an agency on the map or in the search box, or zoom in, "
            "to see the zoning."
        ),
        "zoom_in_button": _("Zoom in"),
        "zoom_out_button": _("Zoom out"),
        "agency": _("Urban agency"),
        "choose_agency": _("Choose your commune or agency:"),
        "zoning_as_of": _("The zoning as of %(date)s"),
    }
