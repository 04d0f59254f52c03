"""What a kind of document adds to its verification page, by kind.

The registry knows every kind but not what each states: a note cites the
zoning (whether it changed since is the notes' business, on the readers'
floor above). The app owning a kind registers its provider in its
``AppConfig.ready`` — one explicit line — and the page asks here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Details:
    """A kind's part of the verification: its own authenticity check, a
    template fragment with its context, and the same facts for the JSON form."""

    authentic: bool
    heading: str  # the page's title for this kind ("Verification of a note")
    template: str
    context: dict
    data: dict


PROVIDERS: dict[str, Callable[..., Details | None]] = {}


def details_register(kind: str, provider: Callable[..., Details | None]) -> None:
    """Let ``provider(document)`` describe the documents of ``kind``."""
    PROVIDERS[kind] = provider


def details_of(document) -> Details | None:
    """The details of ``document``'s kind, if its app registered a provider."""
    provider = PROVIDERS.get(document.kind)
    return provider(document) if provider else None
