"""Reading requests: the staff queue, the zoning at a request's place, the
counts per zone and per document for the next plan revision."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections import Counter

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import MultiPolygon, Point
from django.contrib.gis.measure import D
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import (
    Case as CaseWhen,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from accounts import permissions
from accounts.models import User
from cases.clock import due_by_q, overdue_q
from cases.models import Case, CaseEvent
from core.keyset import Cursor, KeysetOrder, KeysetPage
from layers.in_force import public_in_force_q
from layers.models import STORAGE_SRID, Agency, Feature, PlanningDocument, ZoneRule
from notes.compose import Moment, note_compose
from notes.subjects import Subject, parcel_subject
from requete.models import SERVICE, AnswerTemplate, CitizenRequest, RequestKind
from requete.places import PlaceInput, place_resolve
from requete.states import FINAL, State

# A drawn point or line is read as the land within this distance (degrees,
# about a metre): the zones it lies in, not an area.
POINT_REACH = 0.00001
# "Due soon": within a week, the digest's period.
DUE_SOON = datetime.timedelta(days=7)

# The staff queue's orders, by the name its form gives: the answer due
# first (paused and finished ones last), or the latest submitted first. The
# id breaks ties, so pages (``request_queue_page``) neither skip nor repeat.
QUEUE_ORDERS = {
    "due": KeysetOrder(field="case__answer_due_at", pk="case_id"),
    "submitted": KeysetOrder(field="case__submitted_at", pk="case_id", descending=True),
}


@dataclasses.dataclass(frozen=True)
class QueueFilters:
    """The staff queue's filters, parsed once by the page or the API."""

    kind_code: str = ""
    state: str = ""
    overdue: bool | None = None
    # Not late yet, but a deadline falls within this time.
    due_within: datetime.timedelta | None = None
    # "me", "nobody", or "" for anyone.
    assigned: str = ""
    # A key of QUEUE_ORDERS.
    sort: str = "due"


def _queue_filtered(
    queryset: QuerySet, *, user, filters: QueueFilters, now, case: str, request: str
) -> QuerySet:
    """``queryset`` narrowed to the cases ``user`` may see and ``filters``;
    ``case`` is the path to the case (``"case__"`` from a request, ``""``
    from a case), ``request`` the path to the request."""
    queryset = permissions.cases_viewable(
        user, queryset.filter(**{f"{case}service": SERVICE}), path=case
    )
    if filters.kind_code:
        # The kinds of that code ``user`` handles, by id: a planner's one
        # kind, which PostgreSQL finds by the requests' kind index, rather
        # than every agency's kind of that code joined to every request.
        kinds = permissions.editable(
            user, RequestKind.objects.filter(code=filters.kind_code)
        )
        ids = list(kinds.values_list("pk", flat=True))
        queryset = queryset.filter(**{f"{request}kind__in": ids})
    if filters.state:
        queryset = queryset.filter(**{f"{case}state": filters.state})
    if filters.overdue is not None:
        late = overdue_q(now, case)
        queryset = queryset.filter(late if filters.overdue else ~late)
    if filters.due_within is not None:
        queryset = queryset.filter(due_by_q(now, now + filters.due_within, case))
    if filters.assigned == "me":
        queryset = queryset.filter(**{f"{case}assignee": user})
    elif filters.assigned == "nobody":
        queryset = queryset.filter(**{f"{case}assignee__isnull": True})
    return queryset


def request_queue(
    *, user, filters: QueueFilters, now: datetime.datetime | None = None
) -> QuerySet[CitizenRequest]:
    """The requests ``user`` may handle, filtered, in the order the filters
    name (``QUEUE_ORDERS``: by default the earliest answer due first, paused
    and finished ones last). Page it with ``request_queue_page``."""
    requests = _queue_filtered(
        CitizenRequest.objects.all(),
        user=user,
        filters=filters,
        now=now or timezone.now(),
        case="case__",
        request="",
    )
    return requests.select_related("case__assignee", "kind").order_by(
        *QUEUE_ORDERS[filters.sort].order_by()
    )


def request_queue_page(
    *,
    user,
    filters: QueueFilters,
    size: int,
    after: Cursor | None = None,
    before: Cursor | None = None,
    last_size: int | None = None,
    now: datetime.datetime | None = None,
) -> KeysetPage:
    """One page of ``request_queue``: the ``size`` requests after the cursor
    ``after`` (the first page without one), before ``before``, or — given
    ``last_size`` — the last ``last_size`` requests. Any page costs what the
    first does (an index walk from the cursor), not more with its depth."""
    return QUEUE_ORDERS[filters.sort].page(
        request_queue(user=user, filters=filters, now=now),
        size=size,
        after=after,
        before=before,
        last=last_size is not None,
        last_size=last_size,
    )


def request_queue_count(
    *, user, filters: QueueFilters, now: datetime.datetime | None = None
) -> int:
    """How many requests ``request_queue`` holds, counted on the cases (each
    requête-e case is one request): without a filter on the kind, PostgreSQL
    counts from the index ``case_submitted_count`` alone instead of joining every
    request of the agency."""
    cases = _queue_filtered(
        Case.objects.all(),
        user=user,
        filters=filters,
        now=now or timezone.now(),
        case="",
        request="citizen_request__",
    )
    return cases.count()


@dataclasses.dataclass(frozen=True)
class DeadlineCounts:
    overdue: int
    due_soon: int  # within ``DUE_SOON``, not late yet


def request_deadline_counts(
    *, user, now: datetime.datetime | None = None
) -> DeadlineCounts:
    """How many of the requests ``user`` may handle are late, and how many
    fall due within a week (one query)."""
    now = now or timezone.now()
    # Counted on the cases (each requête-e case is a request), running ones
    # said here too: PostgreSQL then answers from the partial index
    # ``case_running_deadlines`` without reading a row.
    running = Case.objects.filter(
        service=SERVICE,
        closed_at__isnull=True,
        answered_at__isnull=True,
        paused_since__isnull=True,
    )
    counts = permissions.cases_viewable(user, running).aggregate(
        overdue=Count("pk", filter=overdue_q(now)),
        due_soon=Count("pk", filter=due_by_q(now, now + DUE_SOON)),
    )
    return DeadlineCounts(**counts)


@dataclasses.dataclass(frozen=True)
class DigestPart:
    """One list of the weekly digest: how many, and the first ones."""

    count: int
    requests: list[CitizenRequest]


@dataclasses.dataclass(frozen=True)
class RequestDigest:
    new: DigestPart  # submitted in the last week
    overdue: DigestPart
    due_soon: DigestPart
    answered: DigestPart  # answered in the last week

    @property
    def empty(self) -> bool:
        parts = (self.new, self.overdue, self.due_soon, self.answered)
        return not any(part.count for part in parts)


def request_digest(*, user, now: datetime.datetime, listed: int = 20) -> RequestDigest:
    """The week of requests ``user`` may handle, up to ``now``: new, late,
    due within a week and answered, each counted with its first ``listed``
    requests (the most pressing first)."""
    requests = permissions.cases_viewable(
        user, CitizenRequest.objects.filter(case__service=SERVICE), path="case__"
    ).select_related("case", "kind")
    week_ago = now - DUE_SOON

    def part(queryset, *order) -> DigestPart:
        return DigestPart(
            count=queryset.count(),
            requests=list(queryset.order_by(*order, "case_id")[:listed]),
        )

    return RequestDigest(
        new=part(
            requests.filter(
                case__submitted_at__gte=week_ago, case__submitted_at__lt=now
            ),
            "case__submitted_at",
        ),
        overdue=part(requests.filter(overdue_q(now, "case__")), "case__answer_due_at"),
        due_soon=part(
            requests.filter(due_by_q(now, now + DUE_SOON, "case__")),
            "case__answer_due_at",
        ),
        answered=part(
            requests.filter(case__answered_at__gte=week_ago, case__answered_at__lt=now),
            "case__answered_at",
        ),
    )


@dataclasses.dataclass(frozen=True)
class PublicFilters:
    """What a public list of requests asks for (Open311's GET requests)."""

    agency: Agency | None = None
    references: tuple[str, ...] = ()
    kind_codes: tuple[str, ...] = ()
    # "open", "closed" or both (empty: both).
    statuses: frozenset[str] = frozenset()
    # Detailed states (``State`` values; empty: any).
    states: frozenset[str] = frozenset()
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    limit: int = 1000


# What the public sees as "closed": the agency answered, or the request ended.
CLOSED = FINAL | {State.ANSWERED}


def requests_public(*, filters: PublicFilters) -> QuerySet[CitizenRequest]:
    """Submitted requests anyone may list, most recent first, each with
    ``updated_at`` (its last public event). Personal data and free text are
    the caller's to leave out: this selects rows, it does not anonymise."""
    requests = CitizenRequest.objects.filter(
        case__service=SERVICE, case__submitted_at__isnull=False
    )
    if filters.agency is not None:
        requests = requests.filter(case__agency=filters.agency)
    if filters.references:
        requests = requests.filter(case__reference__in=filters.references)
    if filters.kind_codes:
        requests = requests.filter(kind__code__in=filters.kind_codes)
    if filters.statuses == {"open"}:
        requests = requests.exclude(case__state__in=CLOSED)
    elif filters.statuses == {"closed"}:
        requests = requests.filter(case__state__in=CLOSED)
    if filters.states:
        requests = requests.filter(case__state__in=filters.states)
    if filters.start is not None:
        requests = requests.filter(case__submitted_at__gte=filters.start)
    if filters.end is not None:
        requests = requests.filter(case__submitted_at__lte=filters.end)
    # A subquery per row shown (PostgreSQL evaluates it after the sort and
    # the limit), not a join and GROUP BY over every request of the span.
    last_public = (
        CaseEvent.objects.filter(case=OuterRef("case_id"), public=True)
        .order_by("-at")
        .values("at")
    )
    return (
        requests.select_related("case", "case__agency", "kind", "duplicate_of__case")
        .annotate(updated_at=Subquery(last_public[:1]))
        .order_by("-case__submitted_at", "-case_id")[: filters.limit]
    )


# A drawn place is shown publicly rounded to this many decimal degrees
# (about 100 m), so that no one's door is pointed at.
PUBLIC_ROUNDING = 3


def public_point(request: CitizenRequest) -> Point | None:
    """Where the public may see ``request``: its parcel's point on surface
    (a parcel is public land registry), a drawn place rounded to
    ``PUBLIC_ROUNDING`` decimals; None when it points at no land. Every
    public answer (Open311, the public list and map) places requests by this
    rule alone."""
    point = request.place
    if point is None:
        return None
    if request.parcel_id is not None:
        return Point(point.x, point.y, srid=point.srid)
    return Point(
        round(point.x, PUBLIC_ROUNDING),
        round(point.y, PUBLIC_ROUNDING),
        srid=point.srid,
    )


@dataclasses.dataclass(frozen=True)
class PublicRequest:
    """A request as anyone may read it: what, where (``public_point``),
    its state and dates — never a name, a contact or the requester's words;
    the text the agency redacted and published at most."""

    reference: str
    agency_name: str
    kind_label: str
    state: State
    submitted_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    point: Point | None
    public_text: str
    duplicate_of: str
    competent_authority: str


def public_request(request: CitizenRequest) -> PublicRequest:
    """``request`` (from ``requests_public``) anonymised for a public page."""
    case = request.case
    return PublicRequest(
        reference=case.reference,
        agency_name=case.agency.name,
        kind_label=request.kind.label,
        state=State(case.state),
        submitted_at=case.submitted_at,
        acknowledged_at=case.acknowledged_at,
        answered_at=case.answered_at,
        point=public_point(request),
        public_text=request.public_text,
        duplicate_of=request.duplicate_of.case.reference
        if request.duplicate_of
        else "",
        competent_authority=request.competent_authority,
    )


@dataclasses.dataclass(frozen=True)
class PublicEvent:
    """A move of a request's state as the public sees it: when, and to what."""

    at: datetime.datetime
    state: State


def request_public_history(*, request: CitizenRequest) -> list[PublicEvent]:
    """The public moves of ``request``'s state since it was submitted, oldest
    first — never a text, nor who made them."""
    events = CaseEvent.objects.filter(
        case=request.case_id,
        public=True,
        kind=CaseEvent.Kind.STATE,
        to_state__in=[state for state in State if state != State.UNCONFIRMED],
    ).order_by("at", "id")
    return [PublicEvent(at=event.at, state=State(event.to_state)) for event in events]


# Requests this near a place being filed are offered as "similar" (metres),
# at most this many.
SIMILAR_REACH_METRES = 50
SIMILAR_LIMIT = 5


@dataclasses.dataclass(frozen=True)
class SimilarRequest:
    """An open request near a place, anonymised: no name, no contact, no
    words of the requester — the agency's published text at most."""

    reference: str
    kind_code: str
    kind_label: str
    state: State
    submitted_at: datetime.datetime
    distance_metres: float
    public_text: str

    @property
    def metres(self) -> int:
        """The distance in whole metres, as a page says it."""
        return round(self.distance_metres)


def requests_similar(
    *, agency: Agency, point: Point, kind: RequestKind | None = None
) -> list[SimilarRequest]:
    """The submitted, not yet ended requests of ``agency`` whose place lies
    within ``SIMILAR_REACH_METRES`` of ``point`` (on the sphere), those of
    ``kind`` first, then the nearest; at most ``SIMILAR_LIMIT``."""
    geography = PointField(geography=True, srid=STORAGE_SRID)
    point = Point(point.x, point.y, srid=STORAGE_SRID)
    near = (
        CitizenRequest.objects.filter(
            case__service=SERVICE,
            case__agency=agency,
            case__submitted_at__isnull=False,
        )
        .exclude(case__state__in=FINAL)
        .alias(geography=Cast("place", geography))
        .filter(geography__dwithin=(point, D(m=SIMILAR_REACH_METRES)))
        .annotate(
            distance=Distance("geography", point),
            other_kind=CaseWhen(When(kind=kind, then=Value(0)), default=Value(1)),
        )
        .select_related("case", "kind")
        .order_by("other_kind", "distance", "case_id")[:SIMILAR_LIMIT]
    )
    return [
        SimilarRequest(
            reference=row.case.reference,
            kind_code=row.kind.code,
            kind_label=row.kind.label,
            state=State(row.case.state),
            submitted_at=row.case.submitted_at,
            distance_metres=round(row.distance.m, 1),
            public_text=row.public_text,
        )
        for row in near
    ]


def requests_similar_to(
    *, agency: Agency, place: PlaceInput, kind: RequestKind | None = None
) -> list[SimilarRequest]:
    """``requests_similar`` near the place a filing points at (its parcel's
    or drawn place's point), none when it points at no place. Raises
    FilingRefused for a place a filing would be refused (an unknown parcel,
    a point outside the agency's territory)."""
    point = place_resolve(agency=agency, given=place).place
    if point is None:
        return []
    return requests_similar(agency=agency, point=point, kind=kind)


def requests_for_parcel(
    *, parcel, internal_notes: bool = False, limit: int | None = 100
) -> QuerySet[CitizenRequest]:
    """The submitted requests about ``parcel``, most recent first: those that
    name it, and those of its agency drawn on it without naming a parcel.
    With ``internal_notes`` each carries ``internal_notes`` (its staff's
    internal messages, oldest first). Who may read which of their fields is
    the caller's to decide: this selects rows, it does not anonymise.
    ``limit`` None: all of them."""
    drawn_on_it = Q(
        parcel__isnull=True, case__agency=parcel.agency_id, place__within=parcel.geom
    )
    requests = (
        CitizenRequest.objects.filter(
            Q(parcel=parcel) | drawn_on_it,
            case__service=SERVICE,
            case__submitted_at__isnull=False,
        )
        .select_related("case", "kind")
        .order_by("-case__submitted_at", "-case_id")
    )
    if internal_notes:
        internal = CaseEvent.objects.filter(
            public=False, kind=CaseEvent.Kind.MESSAGE
        ).order_by("at", "id")
        requests = requests.prefetch_related(
            Prefetch("case__events", queryset=internal, to_attr="internal_notes")
        )
    return requests[:limit]


def _subject(request: CitizenRequest) -> Subject | None:
    if request.parcel is not None:
        return parcel_subject(request.parcel, kind="parcel")
    if request.drawn is None:
        return None
    drawn = request.drawn
    if drawn.geom_type not in {"Polygon", "MultiPolygon"}:
        drawn = drawn.buffer(POINT_REACH)
    if drawn.geom_type == "Polygon":
        drawn = MultiPolygon(drawn, srid=drawn.srid)
    return Subject(kind="polygon", geom=drawn, agency=request.case.agency)


def request_zoning(
    *, request: CitizenRequest, as_of: datetime.date | None = None
) -> dict | None:
    """What the planning says at the request's parcel or drawn place — the
    content of a note about it (``notes.compose``), nothing stored — or None
    when the request points at no land."""
    subject = _subject(request)
    if subject is None:
        return None
    return note_compose(subject=subject, moment=Moment.of(as_of))


@dataclasses.dataclass(frozen=True)
class ZoneCount:
    document: str
    zone_code: str
    label: str
    requests: int


def _submitted(agency: Agency) -> QuerySet[CitizenRequest]:
    return CitizenRequest.objects.filter(
        case__agency=agency, case__submitted_at__isnull=False
    )


def request_counts_by_zone(
    *, agency: Agency, at: datetime.datetime | None = None
) -> list[ZoneCount]:
    """Submitted requests per zone of the zoning in force at ``at`` (now):
    those whose place lies in the zone or that name it. Most requested first."""
    zones = Feature.objects.filter(
        public_in_force_q(at, "version__"),
        version__layer__kind="zoning",
        version__layer__document__agency=agency,
    )
    within = _submitted(agency).filter(
        Q(place__intersects=OuterRef("geom"))
        | Q(zone_version=OuterRef("version"), zone_code=OuterRef("code"))
    )
    matched = within.values("case__agency").annotate(n=Count("pk")).values("n")
    rows = zones.annotate(
        requests=Coalesce(Subquery(matched[:1]), 0),
        document=F("version__layer__document__reference"),
    ).values_list("document", "code", "label_fr", "requests")
    counts: Counter = Counter()
    labels = {}
    for document, code, label, requests in rows:
        counts[(document, code)] += requests
        labels[(document, code)] = label
    return sorted(
        (
            ZoneCount(document, code, labels[(document, code)], count)
            for (document, code), count in counts.items()
        ),
        key=lambda row: (-row.requests, row.document, row.zone_code),
    )


def request_counts_by_document(*, agency: Agency) -> list[tuple[str, int]]:
    """Submitted requests per planning document of ``agency``: naming it, a
    zone of one of its versions, or placed within its perimeter. As
    (reference, count), most requested first."""
    concerned = _submitted(agency).filter(
        Q(document=OuterRef("pk"))
        | Q(zone_version__layer__document=OuterRef("pk"))
        | Q(place__intersects=OuterRef("perimeter"))
    )
    matched = concerned.values("case__agency").annotate(n=Count("pk")).values("n")
    rows = (
        PlanningDocument.objects.filter(agency=agency)
        .annotate(requests=Coalesce(Subquery(matched[:1]), 0))
        .values_list("reference", "requests")
    )
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def request_for_staff(*, user, reference: str) -> CitizenRequest | None:
    """The request ``reference`` if ``user`` may see it in the staff pages
    (their agency's, once submitted), else None — the page answers 404, as
    if it did not exist."""
    return (
        permissions.cases_viewable(
            user, CitizenRequest.objects.filter(case__service=SERVICE), path="case__"
        )
        .select_related("case__agency", "case__assignee", "kind", "parcel", "document")
        .filter(case__reference=reference)
        .first()
    )


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One event of a request as the staff page shows it."""

    at: datetime.datetime
    kind: str
    who: str
    public: bool
    from_state: str
    to_state: str
    text: str
    data: dict


def _who(event) -> str:
    if event.by_requester:
        return capfirst(CitizenRequest._meta.get_field("requester_type").verbose_name)
    if event.actor is None:
        return ""
    return event.actor.get_full_name() or event.actor.get_username()


def request_history(*, request: CitizenRequest) -> list[HistoryEntry]:
    """Every event of ``request``, public and internal, oldest first; states
    and kinds in the reader's language, the requester never named."""
    entries = []
    for event in request.case.events.select_related("actor"):
        entries.append(
            HistoryEntry(
                at=event.at,
                kind=event.get_kind_display(),
                who=_who(event),
                public=event.public,
                from_state=State(event.from_state).label if event.from_state else "",
                to_state=State(event.to_state).label if event.to_state else "",
                text=event.text,
                data=event.data,
            )
        )
    return entries


def request_handlers(*, agency: Agency) -> QuerySet:
    """The active planners of ``agency``: whom its requests may be assigned
    to (``cases.services.case_assign`` still checks each case's group)."""
    return User.objects.filter(
        agency=agency, role=User.Role.PLANNER, is_active=True
    ).order_by("username")


def citable_rules(*, agency: Agency) -> QuerySet[ZoneRule]:
    """The zone rules an answer of ``agency`` may cite: its documents'."""
    return (
        ZoneRule.objects.filter(document__agency=agency)
        .select_related("document")
        .order_by("document__reference", "code")
    )


def answer_templates(*, request: CitizenRequest) -> QuerySet[AnswerTemplate]:
    """The active answer templates of the request's agency for its kind (or
    for every kind)."""
    return AnswerTemplate.objects.filter(
        Q(kind__isnull=True) | Q(kind=request.kind_id),
        agency=request.case.agency_id,
        active=True,
    ).order_by("title")


class Median(Aggregate):
    """PostgreSQL's median (``percentile_cont(0.5)``), of numbers or of
    intervals."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


@dataclasses.dataclass(frozen=True)
class KindStatistics:
    """How a kind of request (or all, ``kind`` None) was handled."""

    kind: RequestKind | None
    submitted: int
    acknowledged: int
    answered: int
    median_days_to_acknowledge: float | None
    median_days_to_answer: float | None
    acknowledged_in_time: float | None  # share of those acknowledged
    answered_in_time: float | None  # share of those answered


def _since_submitted(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        F(f"case__{field}") - F("case__submitted_at"), output_field=DurationField()
    )


STATISTICS = {
    "submitted": Count("pk"),
    "acknowledged": Count("pk", filter=Q(case__acknowledged_at__isnull=False)),
    "answered": Count("pk", filter=Q(case__answered_at__isnull=False)),
    "median_to_acknowledge": Median(
        _since_submitted("acknowledged_at"), output_field=DurationField()
    ),
    "median_to_answer": Median(
        _since_submitted("answered_at"), output_field=DurationField()
    ),
    "acknowledged_on_time": Count(
        "pk", filter=Q(case__acknowledged_at__lte=F("case__acknowledge_due_at"))
    ),
    "answered_on_time": Count(
        "pk", filter=Q(case__answered_at__lte=F("case__answer_due_at"))
    ),
}


def _statistics(kind: RequestKind | None, row: dict) -> KindStatistics:
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    def days(duration: datetime.timedelta | None) -> float | None:
        return None if duration is None else round(duration.total_seconds() / 86400, 1)

    return KindStatistics(
        kind=kind,
        submitted=row["submitted"],
        acknowledged=row["acknowledged"],
        answered=row["answered"],
        median_days_to_acknowledge=days(row["median_to_acknowledge"]),
        median_days_to_answer=days(row["median_to_answer"]),
        acknowledged_in_time=share(row["acknowledged_on_time"], row["acknowledged"]),
        answered_in_time=share(row["answered_on_time"], row["answered"]),
    )


def request_statistics(*, user) -> list[KindStatistics]:
    """Per kind of request ``user`` may see (their agency's), then for all:
    volumes submitted, acknowledged and answered, median times from
    submission to acknowledgement and to the answer (calendar time, pauses
    included), and the shares acknowledged and answered within their
    deadlines (which the pauses pushed back). Kinds with no request are
    left out."""
    requests = permissions.cases_viewable(
        user, CitizenRequest.objects.filter(case__service=SERVICE), path="case__"
    )
    rows = requests.values("kind").annotate(**STATISTICS).order_by("kind")
    kinds = RequestKind.objects.in_bulk([row["kind"] for row in rows])
    per_kind = sorted(
        (_statistics(kinds[row["kind"]], row) for row in rows),
        key=lambda stats: (stats.kind.agency_id, stats.kind.code),
    )
    total = _statistics(None, requests.aggregate(**STATISTICS))
    return [*per_kind, total]


# How far around a request's place its map shows the zoning (degrees,
# about 200 m).
MAP_REACH = 0.002


def request_place_map(
    *, request: CitizenRequest, at: datetime.datetime | None = None
) -> dict | None:
    """The request's place and the zones in force around it (``at``, now),
    as GeoJSON for the staff page's small map; None when it points at no
    land."""
    place = request.drawn or (request.parcel.geom if request.parcel else None)
    place = place or request.place
    if place is None:
        return None
    zones = Feature.objects.filter(
        public_in_force_q(at or timezone.now(), "version__"),
        version__layer__kind="zoning",
        version__layer__document__agency=request.case.agency_id,
        geom__intersects=place.envelope.buffer(MAP_REACH),
    ).only("geom", "code")
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(zone.geom.geojson),
            "properties": {"code": zone.code, "role": "zone"},
        }
        for zone in zones[:200]
    ]
    features.append(
        {
            "type": "Feature",
            "geometry": json.loads(place.geojson),
            "properties": {"role": "place"},
        }
    )
    return {"type": "FeatureCollection", "features": features}
