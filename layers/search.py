"""Words as the search box compares them: ``Fold``, and the indexes it needs.

``Fold(expression)`` calls ``geoportal_fold`` (migration ``layers/0012``): lower
case, accents dropped and Arabic spelled one way (hamza forms of alef as ا,
alef maqsura as ي, taa marbuta as ه, hamza on waw and yaa as و and ي, short
vowels, shadda, sukun and tatweel dropped), so "Hassan", "HASSÂN", "الحسن" and
"الحَسَن" are the same word. Both the stored text and the typed text are
folded by the database, in one way: stored texts once, in generated columns
(``Feature.label_fr_folded``, ``label_ar_folded``, ``Parcel.address_folded``).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db.models import Func, TextField


class Fold(Func):
    """``geoportal_fold(expression)``: the folded form of a text."""

    function = "geoportal_fold"
    output_field = TextField()


def folded_trigram_index(field: str, *, name: str) -> GinIndex:
    """A trigram index on ``field``, a stored folded text: ``contains`` and
    ``startswith`` with a ``Fold``-ed value (``LIKE '%…%'``) are answered
    from it."""
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)
