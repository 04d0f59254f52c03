"""Sending the outbox: e-mail through Django's e-mail backend (the console by
default), text messages through the configured SMS sender.

Each run takes the pending rows that are due, oldest first, locked with
``SKIP LOCKED`` so that two workers never send one message twice; a failure
is kept (``last_error``) and retried later, waiting twice as long each time,
until ``GEOPORTAIL_OUTBOX_MAX_ATTEMPTS`` — then the row is ``failed`` and
stays for staff to see.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cases.models import Notification
from cases.sms import sms_sender
from core.retries import failure_record

RETRY_BASE = datetime.timedelta(minutes=1)


@dataclasses.dataclass
class OutboxRun:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _send(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
        ).send()
    else:
        sms_sender().send(to=notification.recipient, body=notification.body)


def outbox_send(*, now: datetime.datetime | None = None, limit: int = 100) -> OutboxRun:
    """Send up to ``limit`` due notifications; return what became of them."""
    now = now or timezone.now()
    run = OutboxRun()
    for _ in range(limit):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if notification is None:
                break
            notification.attempts += 1
            try:
                _send(notification)
            except Exception as exc:
                if failure_record(
                    notification,
                    exc,
                    now=now,
                    base=RETRY_BASE,
                    max_attempts=settings.GEOPORTAIL_OUTBOX_MAX_ATTEMPTS,
                    failed_status=Notification.Status.FAILED,
                ):
                    run.retried += 1
                else:
                    run.failed += 1
            else:
                notification.status = Notification.Status.SENT
                notification.sent_at = timezone.now()
                run.sent += 1
            notification.save()
    return run
