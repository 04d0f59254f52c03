"""Text-message senders: ``GEOPORTAIL_SMS_SENDER`` names the class to use.

A sender is a class with ``send(*, to, body)`` that raises on failure (the
outbox retries). The console sender, the default, writes the message to
standard output as Django's console e-mail backend does; an operator's
gateway is one more small class.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender:
    """The interface: send ``body`` to the phone number ``to`` or raise."""

    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsSender(SmsSender):
    """Writes each message to standard output (development, tests)."""

    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


def sms_sender() -> SmsSender:
    """An instance of the configured sender."""
    return import_string(settings.GEOPORTAIL_SMS_SENDER)()
