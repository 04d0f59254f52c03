"""Reading permit files: the public lookup, the public files, a session's
results and the files of a parcel — each within its reader's rights.

What the public reads of a file is ``PublicFile``: its number, procedure,
project, parcels, public state, dates, latest opinion and conditions —
never the applicant, the architect, the internal sub-state nor a file the
agency marked "do not publish".
"""

from __future__ import annotations

import dataclasses
import datetime
import hmac

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts import permissions
from cases import codes
from core.i18n import ascii_digits
from layers.models import Agency
from permits.errors import FileNotFound
from permits.models import (
    SERVICE,
    AgendaItem,
    CommissionSession,
    Condition,
    Opinion,
    PermitFile,
)
from permits.services import parcel_key
from permits.states import State, Substate


def public_files() -> QuerySet[PermitFile]:
    """Files anyone may read the public facts of: not "do not publish"."""
    return PermitFile.objects.filter(do_not_publish=False, case__service=SERVICE)


def _opinions() -> Prefetch:
    items = AgendaItem.objects.select_related("session", "opinion").prefetch_related(
        Prefetch("opinion__conditions", Condition.objects.select_related("zone_rule"))
    )
    return Prefetch("agenda_items", items.order_by("session__held_on", "id"))


def with_details(files: QuerySet[PermitFile]) -> QuerySet[PermitFile]:
    """``files`` with what a public page shows of them, in few queries."""
    return files.select_related("case", "procedure", "agency").prefetch_related(
        "parcels", _opinions()
    )


@dataclasses.dataclass(frozen=True)
class PublicCondition:
    text: str
    cites: str  # "Zone R2" or "loi-12-90:art-40", or ""


@dataclasses.dataclass(frozen=True)
class PublicOpinion:
    kind: str
    label: str
    session_on: datetime.date
    grounds: str
    missing_pieces: str
    conditions: tuple[PublicCondition, ...]


@dataclasses.dataclass(frozen=True)
class PublicFile:
    """What anyone may know of a file."""

    number: str
    agency: str
    procedure: str
    description: str
    use: str
    floors: int | None
    built_area_m2: object
    address: str
    parcels: tuple[str, ...]
    state: str
    state_label: str
    filed_on: datetime.date
    complete_on: datetime.date | None
    reviewed_on: datetime.date | None
    decided_on: datetime.date | None
    works_started_on: datetime.date | None
    completed_on: datetime.date | None
    decision_due_on: datetime.date | None
    opinion: PublicOpinion | None
    data_as_of: datetime.datetime


def _cites(condition: Condition) -> str:
    if condition.zone_rule is not None:
        return _("Zone %(code)s") % {"code": condition.zone_rule.code}
    return condition.article_reference


def latest_opinion(file: PermitFile) -> Opinion | None:
    """The file's last opinion (its items prefetched by ``with_details``)."""
    opinions = [
        item.opinion for item in file.agenda_items.all() if hasattr(item, "opinion")
    ]
    return opinions[-1] if opinions else None


def public_opinion(opinion: Opinion | None) -> PublicOpinion | None:
    if opinion is None:
        return None
    return PublicOpinion(
        kind=opinion.kind,
        label=opinion.get_kind_display(),
        session_on=opinion.item.session.held_on,
        grounds=opinion.grounds,
        missing_pieces=opinion.missing_pieces,
        conditions=tuple(
            PublicCondition(text=condition.text, cites=_cites(condition))
            for condition in opinion.conditions.all()
        ),
    )


def public_file(file: PermitFile) -> PublicFile:
    """The public facts of ``file`` (loaded ``with_details``)."""
    case = file.case
    due = case.answer_due_at
    return PublicFile(
        number=file.external_reference,
        agency=file.agency.name,
        procedure=file.procedure.label,
        description=file.description,
        use=file.get_use_display(),
        floors=file.floors,
        built_area_m2=file.built_area_m2,
        address=file.address,
        parcels=tuple(parcel.reference for parcel in file.parcels.all()),
        state=case.state,
        state_label=State(case.state).label,
        filed_on=file.filed_on,
        complete_on=file.complete_on,
        reviewed_on=file.reviewed_on,
        decided_on=file.decided_on,
        works_started_on=file.works_started_on,
        completed_on=file.completed_on,
        decision_due_on=due.date() if due and case.answered_at is None else None,
        opinion=public_opinion(latest_opinion(file)),
        data_as_of=file.updated_at,
    )


def lookup_number(number: str) -> str:
    """A file's number as the lookup reads it: spaces around it dropped and
    Arabic-Indic digits (an Arabic keyboard's) written 0–9."""
    return ascii_digits(number).strip()


def file_by_lookup(*, number: str, code: str) -> PublicFile:
    """The public facts of the file numbered ``number`` (the platform's
    number or the portal's reference) whose short code is ``code``.

    Raises FileNotFound when the number, the code or both are wrong, or the
    file is not published — one answer for all. Codes are compared in
    constant time, against a dummy digest when no file matches; callers
    throttle wrong guesses.
    """
    number = lookup_number(number)
    # Two index probes, not one OR across the join (a scan of every file).
    candidates = [
        *with_details(public_files().filter(external_reference=number)),
        *with_details(public_files().filter(case__reference=number.upper())),
    ]
    digest = codes.follow_code_digest(code)
    found = None
    for file in candidates or [None]:
        stored = file.case.follow_code_digest if file is not None else "0" * 64
        if hmac.compare_digest(digest, stored) and file is not None:
            found = file
    if found is None:
        raise FileNotFound(_("No published file has this number and code."))
    return public_file(found)


def published_sessions(agency: Agency | None = None) -> QuerySet[CommissionSession]:
    """Sessions whose results the agency published, newest first."""
    sessions = CommissionSession.objects.filter(published_at__isnull=False)
    if agency is not None:
        sessions = sessions.filter(agency=agency)
    return sessions.select_related("agency").order_by("-held_on", "-id")


@dataclasses.dataclass(frozen=True)
class SessionResult:
    position: int
    number: str
    procedure: str
    description: str
    parcels: tuple[str, ...]
    opinion: PublicOpinion | None


def session_results(session: CommissionSession) -> list[SessionResult]:
    """The opinions of a published session, anonymised: the files' numbers,
    procedures, projects and parcels, never who filed them; a "do not
    publish" file is left out."""
    items = (
        session.agenda.filter(file__do_not_publish=False)
        .select_related("file__procedure", "session", "opinion")
        .prefetch_related(
            "file__parcels",
            Prefetch(
                "opinion__conditions", Condition.objects.select_related("zone_rule")
            ),
        )
        .order_by("position")
    )
    return [
        SessionResult(
            position=item.position,
            number=item.file.external_reference,
            procedure=item.file.procedure.label,
            description=item.file.description,
            parcels=tuple(parcel.reference for parcel in item.file.parcels.all()),
            opinion=public_opinion(getattr(item, "opinion", None)),
        )
        for item in items
    ]


@dataclasses.dataclass(frozen=True)
class ParcelFile:
    """A file touching a parcel, as its reader may see it: the public facts,
    and for the agency's staff the internal sub-state and whether the file
    is withheld from the public."""

    file: PublicFile
    substate: str | None = None
    substate_label: str | None = None
    do_not_publish: bool | None = None


def files_for_parcel(*, agency: Agency, reference: str, user) -> list[ParcelFile]:
    """The files of ``agency`` touching the parcel ``reference`` (as written
    or canonical), newest first, with their latest opinion.

    A planner of the agency (or a national administrator) gets every file
    and its internal detail; anyone else the public facts of the published
    files only.
    """
    staff = permissions.is_national_administrator(user) or (
        permissions.is_planner(user) and user.agency_id == agency.pk
    )
    files = public_files()
    if staff:
        files = PermitFile.objects.filter(case__service=SERVICE)
    files = with_details(
        files.filter(agency=agency, parcels__reference_key=parcel_key(reference))
        .distinct()
        .order_by("-filed_on", "external_reference")
    )
    if not staff:
        return [ParcelFile(file=public_file(file)) for file in files]
    return [
        ParcelFile(
            file=public_file(file),
            substate=file.substate,
            substate_label=Substate(file.substate).label if file.substate else "",
            do_not_publish=file.do_not_publish,
        )
        for file in files
    ]


def files_for_staff(*, user) -> QuerySet[PermitFile]:
    """The files ``user`` may handle or oversee: their agency's for a planner,
    every agency's for a national administrator, none for anyone else."""
    files = PermitFile.objects.filter(case__service=SERVICE)
    return permissions.cases_viewable(user, files, path="case__").select_related(
        "case", "procedure", "agency"
    )


def sessions_for_staff(*, user) -> QuerySet[CommissionSession]:
    """The commission sessions of ``user``'s agency (all, for administrators)."""
    return permissions.editable(user, CommissionSession.objects.all())
