"""Reading cases: what staff may see, and a case found by its follow code."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts import permissions
from cases import codes
from cases.errors import CaseNotFollowed
from cases.models import Case


def cases_for_staff(*, user, service: str) -> QuerySet[Case]:
    """The cases of ``service`` that ``user`` may see: their agency's,
    submitted ones only (unconfirmed cases are invisible to staff)."""
    return permissions.cases_viewable(user, Case.objects.filter(service=service))


def case_by_follow_code(*, reference: str, code: str) -> Case:
    """The case with ``reference`` whose follow code is ``code``.

    Raises CaseNotFollowed when either is wrong (one answer for both); the
    code is compared in constant time. Callers rate-limit the lookups.
    """
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    # A digest is compared even when no case matches, so the time taken
    # does not tell whether the reference exists.
    digest = case.follow_code_digest if case is not None else "0" * 64
    if not codes.follow_code_matches(code, digest) or case is None:
        raise CaseNotFollowed(_("No request has this reference and follow code."))
    return case
