"""The payment providers, one module each, behind ``base.Provider``; the
registry maps the code an attempt records to its provider."""

from __future__ import annotations

from payments.providers.base import Provider
from payments.providers.cmi import CardGateway
from payments.providers.counter import Counter

PROVIDERS: dict[str, Provider] = {
    provider.code: provider for provider in (Counter(), CardGateway())
}
