"""Deadlines of a case and the clock that pauses.

Service levels are **calendar days** (decree 2-17-265 counts days, not working
days): the acknowledgement is due ``acknowledge_days`` × 24 h after the case
was submitted, the answer ``answer_days`` × 24 h after, each pushed back by
the time the clock was paused — while the agency waits for the requester.
While paused, nothing is overdue. Deadlines are kept in columns
(``acknowledge_due_at``, ``answer_due_at``) so the staff queue filters and
sorts on them in SQL; this module is the one place that moves them.

An e-service's state machine names, for each move, the ``Milestone`` it
reaches; ``milestone_apply`` updates the case's clock for it.
"""

from __future__ import annotations

import datetime
import enum

from django.db.models import Q

from cases.models import Case


class Milestone(enum.Enum):
    SUBMITTED = "submitted"  # the clock starts
    ACKNOWLEDGED = "acknowledged"
    PAUSED = "paused"  # waiting for the requester
    RESUMED = "resumed"
    ANSWERED = "answered"
    REOPENED = "reopened"  # a new answer period starts
    CLOSED = "closed"  # a final state


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _resume(case: Case, at: datetime.datetime) -> None:
    """Stop a pause: its length extends the deadlines still running."""
    if case.paused_since is None:
        return
    paused = max(at - case.paused_since, datetime.timedelta(0))
    case.paused_total += paused
    if case.acknowledged_at is None and case.acknowledge_due_at is not None:
        case.acknowledge_due_at += paused
    if case.answered_at is None and case.answer_due_at is not None:
        case.answer_due_at += paused
    case.paused_since = None


def milestone_apply(case: Case, milestone: Milestone, at: datetime.datetime) -> None:
    """Move ``case``'s clock for ``milestone`` reached at ``at`` (not saved)."""
    if milestone is Milestone.SUBMITTED:
        case.submitted_at = at
        case.acknowledge_due_at = at + _days(case.acknowledge_days)
        case.answer_due_at = at + _days(case.answer_days)
    elif milestone is Milestone.ACKNOWLEDGED:
        case.acknowledged_at = at
    elif milestone is Milestone.PAUSED:
        case.paused_since = at
    elif milestone is Milestone.RESUMED:
        _resume(case, at)
    elif milestone is Milestone.ANSWERED:
        _resume(case, at)
        case.answered_at = at
    elif milestone is Milestone.REOPENED:
        case.answered_at = None
        case.answer_due_at = at + _days(case.answer_days)
    elif milestone is Milestone.CLOSED:
        _resume(case, at)
        case.closed_at = at


def overdue_q(now: datetime.datetime, path: str = "") -> Q:
    """Cases past a deadline at ``now``: clock running (open, not paused, not
    answered), and not acknowledged by the acknowledgement's due time or not
    answered by the answer's.
    ``path`` leads to the case (``"case__"`` from an e-service's model)."""

    def q(**lookups) -> Q:
        return Q(**{f"{path}{name}": value for name, value in lookups.items()})

    # Running: open, not paused, not answered (acknowledging comes first, so
    # an unacknowledged case is unanswered too).
    running = q(
        closed_at__isnull=True, paused_since__isnull=True, answered_at__isnull=True
    )
    return running & (
        q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
        | q(answer_due_at__lt=now)
    )


def due_by_q(now: datetime.datetime, until: datetime.datetime, path: str = "") -> Q:
    """Cases not late at ``now`` whose running deadline (the acknowledgement
    until it is made, then the answer) falls by ``until``: what is due soon.
    ``path`` as for ``overdue_q``."""

    def q(**lookups) -> Q:
        return Q(**{f"{path}{name}": value for name, value in lookups.items()})

    running = q(
        closed_at__isnull=True, paused_since__isnull=True, answered_at__isnull=True
    )
    return (
        running
        & ~overdue_q(now, path)
        & (
            q(acknowledged_at__isnull=True, acknowledge_due_at__lte=until)
            | q(answer_due_at__lte=until)
        )
    )


def is_overdue(case: Case, now: datetime.datetime) -> bool:
    """``overdue_q`` for one case in memory."""
    running = (
        case.closed_at is None
        and case.paused_since is None
        and case.answered_at is None
    )
    if not running:
        return False
    late_ack = case.acknowledged_at is None and (
        case.acknowledge_due_at is not None and case.acknowledge_due_at < now
    )
    late_answer = case.answer_due_at is not None and case.answer_due_at < now
    return late_ack or late_answer
