"""Zone rules cite the law library's articles by reference ("loi-12-90:art-40").

A rule keeps its citations as plain references (``ZoneRule.citations``), in
the form the library gives its articles (``library.models.article_reference``).
The library stands beside ``layers`` on the domain floor and imports it (its
search folds words with ``layers.search``; its imports use the upload helpers),
so ``layers`` does not import the library: the library registers, when the
apps are ready (``library/apps.py``), the one function that says which
references name no article. The arrow thus points one way, library → layers,
and the article page finds the rules citing it by their references (a GIN
index on the array).

The planner's free ``articles`` text (the articles of the document's own
regulation, "Art. 10–13") stays beside the citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

# "<text key>:art-<number>": the key is a slug, the number a slug too ("40",
# "3-bis").
REFERENCE = re.compile(r"[a-z0-9][a-z0-9-]*:art-[a-z0-9][a-z0-9-]*")
SEPARATORS = re.compile(r"[\s,;،؛]+")

UnknownReferences = Callable[[list[str]], list[str]]
_unknown: list[UnknownReferences] = []


def unknown_references_register(check: UnknownReferences) -> None:
    """Set the function that returns, of the references it is given, those
    naming no article (the library's, at start-up)."""
    _unknown[:] = [check]


def citations_parse(text: str | Iterable[str]) -> list[str]:
    """The references of ``text`` (separated by spaces, commas or
    semicolons, Latin or Arabic), in lower case, each once, in their order.

    Raises ValidationError naming the pieces that are not references.
    """
    pieces = SEPARATORS.split(text) if isinstance(text, str) else list(text)
    references = list(dict.fromkeys(piece.strip().lower() for piece in pieces))
    references = [reference for reference in references if reference]
    malformed = [ref for ref in references if not REFERENCE.fullmatch(ref)]
    if malformed:
        raise ValidationError(
            _(
                "“%(pieces)s” is not an article reference; write them as the "
                "library names them, e.g. loi-12-90:art-40."
            )
            % {"pieces": ", ".join(malformed)},
            code="citation_malformed",
        )
    return references


def citations_check(references: list[str]) -> None:
    """Raise ValidationError when a reference names no article of the
    library (the whole list said at once)."""
    if not references:
        return
    if not _unknown:
        raise ImproperlyConfigured("The law library registered no reference check.")
    unknown = _unknown[0](references)
    if unknown:
        raise ValidationError(
            _("No article of the library has the reference %(references)s.")
            % {"references": ", ".join(unknown)},
            code="citation_unknown",
        )
