"""How the library compares words: the search box's fold, digits too, and the
two text search configurations.

``FoldDigits(expression)`` calls ``geoportal_fold_digits`` (migration
``library/0001``): ``geoportal_fold`` (``layers.search.Fold``: lower case,
accents dropped, Arabic spelled one way — hamza forms of alef, alef maqsura,
taa marbuta, hamza seats, short vowels and tatweel) and Arabic-Indic and
Persian digits as 0–9, so "١٢-٩٠" is "12-90". It is applied to the stored
Arabic text (in generated columns) and to the typed query alike: PostgreSQL's
Arabic stemmer alone does not fold them the same way (it stems "المدينة" to
"مدين" but "المدينه" to "مدينه", "مبنى" and "مبني" apart).

``geoportal_fr`` is PostgreSQL's French configuration with ``unaccent`` before
the French stemmer ("règlement", "reglements" and "Règlements" meet);
``geoportal_ar`` its Arabic one (``arabic_stem``), fed folded text.
"""

from __future__ import annotations

from django.db.models import Func, TextField

FRENCH = "geoportal_fr"
ARABIC = "geoportal_ar"


class FoldDigits(Func):
    """``geoportal_fold_digits(expression)``: folded text, ASCII digits."""

    function = "geoportal_fold_digits"
    output_field = TextField()


class NumberKey(Func):
    """The digits of a text's number, one space between groups:
    "12-90", "n° 12.90" and "١٢/٩٠" are all "12 90"."""

    template = (
        "btrim(regexp_replace(geoportal_fold_digits(%(expressions)s), "
        "'[^0-9]+', ' ', 'g'))"
    )
    output_field = TextField()
