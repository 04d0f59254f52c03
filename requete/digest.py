"""The weekly digest of requests: one mail per planner of each agency with
requests to handle — new this week, late, due within 7 days, answered this
week — with links, in the planner's language, queued in the cases outbox.

``manage.py requests_digest`` runs it once a week (docs/operations.md); it
queues a planner's digest once per ISO week (``Notification.once_key``), so a
second run in the week — a retried timer, an operator's manual run — queues
nothing new.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cases.services import notification_queue_once
from requete import selectors
from requete.selectors import DigestPart, RequestDigest


def _link(path: str) -> str:
    return f"{settings.GEOPORTAIL_PUBLIC_URL}{path}"


def _section(title: str, part: DigestPart, more_link: str) -> list[str]:
    lines = ["", title]
    for request in part.requests:
        lines.append(
            f"- {request.case.reference} — {request.kind.label} — "
            + _link(reverse("requete-staff:request", args=[request.case.reference]))
        )
    if part.count > len(part.requests):
        lines.append(_("All of them: %(link)s") % {"link": _link(more_link)})
    return lines


def digest_body(*, user: User, digest: RequestDigest, now: datetime.datetime) -> str:
    """The digest's text in the active language."""
    queue = reverse("requete-staff:queue")
    lines = [
        _("Requests of %(agency)s, week up to %(day)s.")
        % {
            "agency": user.agency.name,
            "day": formats.date_format(timezone.localdate(now), "SHORT_DATE_FORMAT"),
        }
    ]
    sections = [
        (
            ngettext(
                "%(count)d new request this week:",
                "%(count)d new requests this week:",
                digest.new.count,
            ),
            digest.new,
            queue,
        ),
        (
            ngettext(
                "%(count)d request late:",
                "%(count)d requests late:",
                digest.overdue.count,
            ),
            digest.overdue,
            f"{queue}?overdue=yes",
        ),
        (
            ngettext(
                "%(count)d request due within 7 days:",
                "%(count)d requests due within 7 days:",
                digest.due_soon.count,
            ),
            digest.due_soon,
            f"{queue}?overdue=week",
        ),
        (
            ngettext(
                "%(count)d request answered this week:",
                "%(count)d requests answered this week:",
                digest.answered.count,
            ),
            digest.answered,
            f"{queue}?state=answered",
        ),
    ]
    for title, part, more in sections:
        if part.count:
            lines += _section(title % {"count": part.count}, part, more)
    lines += ["", _("The requests to handle: %(link)s") % {"link": _link(queue)}]
    return "\n".join(lines)


def _week_key(user: User, now: datetime.datetime) -> str:
    year, week, _day = timezone.localdate(now).isocalendar()
    return f"requests-digest:{user.pk}:{year}-W{week:02d}"


def requests_digest_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue this week's digest to every active planner with an e-mail address
    whose agency has requests for them to see this week; returns how many
    were queued (none for a planner already sent this week's)."""
    now = now or timezone.now()
    planners = (
        User.objects.filter(
            role=User.Role.PLANNER, is_active=True, agency__isnull=False
        )
        .exclude(email="")
        .select_related("agency")
        .order_by("agency_id", "pk")
    )
    queued = 0
    for user in planners:
        digest = selectors.request_digest(user=user, now=now)
        if digest.empty:
            continue
        with translation.override(user.language):
            queued += notification_queue_once(
                key=_week_key(user, now),
                recipient=user.email,
                subject=_("Requests of the week — %(agency)s")
                % {"agency": user.agency.name},
                body=digest_body(user=user, digest=digest, now=now),
            )
    return queued
