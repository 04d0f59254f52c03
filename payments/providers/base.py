"""The one small interface of a payment provider."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.functional import Promise


@dataclass(frozen=True)
class ReturnUrls:
    """Where the provider sends the browser back and posts its callback."""

    ok: str
    fail: str
    callback: str


@dataclass(frozen=True)
class Instructions:
    """What the citizen is given to pay one attempt: a reference to quote at
    the counter or on a transfer, or a form to post to a hosted payment page."""

    reference: str = ""
    form_url: str = ""
    form_fields: dict[str, str] = field(default_factory=dict)


class Provider:
    """A way to pay. ``instructions`` is called once the attempt is recorded,
    in its transaction; how a payment is confirmed is the provider's own
    (an agent at the counter, a signed callback from a gateway)."""

    code: ClassVar[str]
    # What staff pages call it.
    label: ClassVar[Promise]

    def instructions(self, *, attempt, urls: ReturnUrls) -> Instructions:
        raise NotImplementedError

    def validity(self) -> datetime.timedelta:
        """How long an attempt may wait for its payment before it expires."""
        raise NotImplementedError
