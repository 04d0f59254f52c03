"""Importing permit files kept elsewhere (the national platform's exports,
an agency's own register): CSV or JSON (``docs/permits-import.md``).

Idempotent by the file number: a file already known is compared field by
field and changed only where the import differs; an import run twice changes
nothing the second time. Every row is checked before anything is written:
one malformed row (its line and reason in the report) and nothing of the
file is written — the mirror never half-follows its source. The import is
the source of truth for what it carries: the state is set as given (the
import mirrors, it does not take the agency's actions), recorded as a case
event marked ``imported``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import decimal
import io
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from audit.models import AuditEvent
from audit.services import audit_record
from cases.models import Case
from cases.services import RequesterData, case_move
from layers.models import Agency
from permits.errors import ImportForbidden, ImportRefused
from permits.models import PermitFile, Procedure
from permits.services import PermitFiling, parcels_link, permit_file, start_of
from permits.states import FINAL, State

JSON_FORMAT = "geoportail-permits/1"
REQUIRED = ("external_reference", "procedure", "filed_on", "state", "parcels")
DATES = ("filed_on", "complete_on", "reviewed_on", "decided_on", "works_started_on")
DATES += ("completed_on",)
# The date a state cannot be without.
DATE_NEEDED = {
    State.AUTHORISED: "decided_on",
    State.REFUSED: "decided_on",
    State.WORKS_STARTED: "works_started_on",
    State.COMPLETED: "completed_on",
}
# Compared to tell a changed file from an unchanged one.
COMPARED = (
    "procedure_id",
    "description",
    "use",
    "floors",
    "built_area_m2",
    "address",
    "architect",
    "do_not_publish",
    *DATES,
)


@dataclasses.dataclass
class ImportReport:
    """What an import did, or would have done when ``written`` is False."""

    new: list[str] = dataclasses.field(default_factory=list)
    changed: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    malformed: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    # The short codes of the new files, for their receipts: shown once.
    codes: dict[str, str] = dataclasses.field(default_factory=dict)
    written: bool = False


@dataclasses.dataclass(frozen=True)
class FileRecord:
    """One checked row."""

    line: int
    external_reference: str
    procedure: Procedure
    state: State
    parcels: tuple[str, ...]
    values: dict  # the PermitFile fields of COMPARED
    applicant: str


class _Malformed(Exception):
    pass


def _rows_csv(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The CSV file is not UTF-8 text.")) from exc
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise ImportRefused(
                _("The CSV file lacks the columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        rows = []
        for row in reader:
            if None in row:  # more cells than the header names
                rows.append((reader.line_num, {"__extra__": True}))
                continue
            # "|" between parcels: both CSV delimiters appear in references.
            parcels = (row.get("parcels") or "").split("|")
            rows.append((reader.line_num, {**row, "parcels": parcels}))
    except csv.Error as exc:  # a NUL, a field past the csv module's limit
        raise ImportRefused(
            _("The CSV file cannot be read near line %(line)s.")
            % {"line": reader.line_num}
        ) from exc
    return rows


def _rows_json(content: bytes) -> list[tuple[int, dict]]:
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(_("The file is not JSON.")) from exc
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise ImportRefused(
            _("The JSON file is not in the format “%(format)s”.")
            % {"format": JSON_FORMAT}
        )
    files = data.get("files")
    if not isinstance(files, list):
        raise ImportRefused(_("The JSON file has no list of files."))
    # JSON has no lines: a file is named by its position, from 1.
    return [
        (number, row if isinstance(row, dict) else {"__extra__": True})
        for number, row in enumerate(files, start=1)
    ]


def _text(row: dict, name: str, limit: int) -> str:
    value = row.get(name)
    value = "" if value is None else str(value).strip()
    if len(value) > limit:
        raise _Malformed(
            _("“%(field)s” is longer than %(limit)d characters.")
            % {"field": name, "limit": limit}
        )
    if "\x00" in value:
        raise _Malformed(_("“%(field)s” holds a NUL character.") % {"field": name})
    return value


def _date(row: dict, name: str) -> datetime.date | None:
    value = _text(row, name, 10)
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise _Malformed(
            _("“%(field)s” is not a date like 2026-03-31.") % {"field": name}
        ) from exc
    if day > timezone.localdate():
        raise _Malformed(_("“%(field)s” is in the future.") % {"field": name})
    return day


def _number(row: dict, name: str, kind):
    value = _text(row, name, 20)
    if not value:
        return None
    try:
        number = kind(value.replace(",", "."))
    except (ValueError, decimal.InvalidOperation) as exc:
        raise _Malformed(_("“%(field)s” is not a number.") % {"field": name}) from exc
    if number < 0 or (kind is decimal.Decimal and not number.is_finite()):
        raise _Malformed(_("“%(field)s” cannot be negative.") % {"field": name})
    if kind is int and number > 200:
        raise _Malformed(_("“%(field)s” is not a number.") % {"field": name})
    if kind is decimal.Decimal and number >= 10**10:
        raise _Malformed(_("“%(field)s” is not a number.") % {"field": name})
    return number


def _boolean(row: dict, name: str) -> bool:
    value = row.get(name)
    if isinstance(value, bool):
        return value
    text = _text(row, name, 5).lower()
    if text in {"", "0", "false", "no", "non"}:
        return False
    if text in {"1", "true", "yes", "oui"}:
        return True
    raise _Malformed(_("“%(field)s” is neither true nor false.") % {"field": name})


def _record(line: int, row: dict, procedures: dict[str, Procedure]) -> FileRecord:
    if row.get("__extra__"):
        raise _Malformed(_("The row has more cells than the header names."))
    for name in REQUIRED:
        if row.get(name) in (None, "", []):
            raise _Malformed(_("“%(field)s” is required.") % {"field": name})
    procedure = procedures.get(_text(row, "procedure", 40))
    if procedure is None:
        raise _Malformed(
            _("The agency has no procedure “%(code)s”.")
            % {"code": _text(row, "procedure", 40)}
        )
    state_text = _text(row, "state", 24)
    if state_text not in State.values:
        raise _Malformed(
            _("“%(state)s” is not a state; one of: %(states)s.")
            % {"state": state_text, "states": ", ".join(State.values)}
        )
    state = State(state_text)
    use = _text(row, "use", 16) or PermitFile.Use.HOUSING
    if use not in PermitFile.Use.values:
        raise _Malformed(_("“%(use)s” is not a use.") % {"use": use})
    parcels = row["parcels"]
    if not isinstance(parcels, list) or not all(isinstance(p, str) for p in parcels):
        raise _Malformed(_("“parcels” is a list of parcel references."))
    parcels = tuple(p.strip() for p in parcels if p.strip())
    if not parcels or any(len(p) > 80 for p in parcels):
        raise _Malformed(_("“parcels” is a list of parcel references."))
    dates = {name: _date(row, name) for name in DATES}
    earlier = [
        name for name in DATES[1:] if dates[name] and dates[name] < dates["filed_on"]
    ]
    if earlier:
        raise _Malformed(
            _("“%(field)s” comes before the filing date.") % {"field": earlier[0]}
        )
    needed = DATE_NEEDED.get(state)
    if needed and dates[needed] is None:
        raise _Malformed(
            _("A file that is “%(state)s” needs “%(field)s”.")
            % {"state": state.label, "field": needed}
        )
    values = {
        "procedure_id": procedure.pk,
        "description": _text(row, "description", 300),
        "use": use,
        "floors": _number(row, "floors", int),
        "built_area_m2": _number(row, "built_area_m2", decimal.Decimal),
        "address": _text(row, "address", 300),
        "architect": _text(row, "architect", 200),
        "do_not_publish": _boolean(row, "do_not_publish"),
        **dates,
    }
    if values["built_area_m2"] is not None:
        values["built_area_m2"] = values["built_area_m2"].quantize(
            decimal.Decimal("0.01")
        )
    return FileRecord(
        line=line,
        external_reference=_text(row, "external_reference", 64),
        procedure=procedure,
        state=state,
        parcels=parcels,
        values=values,
        applicant=_text(row, "applicant", 200),
    )


def _clock_from_dates(case: Case, record: FileRecord) -> None:
    """The case's milestones as the imported dates say (not saved)."""
    values = record.values
    case.acknowledged_at = (
        start_of(values["complete_on"]) if values["complete_on"] else None
    )
    case.answered_at = start_of(values["decided_on"]) if values["decided_on"] else None
    if record.state in FINAL:
        last = max(day for name in DATES if (day := values[name]))
        case.closed_at = case.closed_at or start_of(last)
    else:
        case.closed_at = None


def _apply(file: PermitFile, record: FileRecord, actor) -> list[str]:
    """Bring ``file`` to what ``record`` says; return the fields changed."""
    changed = [name for name in COMPARED if getattr(file, name) != record.values[name]]
    parcels = tuple(parcel.reference for parcel in file.parcels.all())
    if parcels != record.parcels:
        changed.append("parcels")
    case = file.case
    if case.state != record.state:
        changed.append("state")
    requester = case.requester
    if requester.name != record.applicant:
        changed.append("applicant")
    if not changed:
        return changed
    for name in COMPARED:
        setattr(file, name, record.values[name])
    if "parcels" in changed:
        parcels_link(file=file, references=record.parcels)
    if "state" in changed:
        case_move(
            case=case,
            to_state=record.state,
            milestone=None,
            actor=actor,
            data={"imported": True},
        )
    _clock_from_dates(case, record)
    case.save()
    if "applicant" in changed:
        requester.name = record.applicant
        requester.save(update_fields=["name"])
    file.updated_at = timezone.now()
    file.save()
    return changed


def permits_import(
    *, agency: Agency, content: bytes, fmt: str, actor=None
) -> ImportReport:
    """Import ``content`` (``fmt`` "csv" or "json") into ``agency``'s files.

    Returns the report; ``written`` says whether anything was written (not
    when any row is malformed). Raises ImportRefused for a file that cannot
    be read at all, ImportForbidden for a user who is not the agency's.
    ``actor`` None: an operator at the terminal.
    """
    if (
        actor is not None
        and not permissions.working_agencies(
            actor, Agency.objects.filter(pk=agency.pk)
        ).exists()
    ):
        raise ImportForbidden(_("You may only import the files of your own agency."))
    rows = _rows_json(content) if fmt == "json" else _rows_csv(content)
    procedures = {p.code: p for p in Procedure.objects.filter(agency=agency)}
    report = ImportReport()
    records, seen = [], set()
    for line, row in rows:
        try:
            record = _record(line, row, procedures)
            if record.external_reference in seen:
                raise _Malformed(_("The file number appears twice in the import."))
        except _Malformed as exc:
            report.malformed.append((line, str(exc)))
            continue
        seen.add(record.external_reference)
        records.append(record)
    if report.malformed:
        return report
    with transaction.atomic():
        known = {
            file.external_reference: file
            for file in PermitFile.objects.select_related("case__requester")
            .prefetch_related("parcels")
            .select_for_update(of=("self",))
            .filter(agency=agency, external_reference__in=seen)
        }
        for record in records:
            file = known.get(record.external_reference)
            if file is None:
                report.codes[record.external_reference] = _create(agency, record, actor)
                report.new.append(record.external_reference)
                continue
            changed = _apply(file, record, actor)
            if changed:
                report.changed.append((record.external_reference, changed))
            else:
                report.unchanged.append(record.external_reference)
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=actor,
            obj=agency,
            object_repr=f"{agency} — permits import",
            details={
                "new": len(report.new),
                "changed": len(report.changed),
                "unchanged": len(report.unchanged),
            },
        )
    report.written = True
    return report


def _create(agency: Agency, record: FileRecord, actor) -> str:
    """Record a new file as imported; return its short code."""
    values = record.values
    file, code = permit_file(
        filing=PermitFiling(
            agency=agency,
            procedure=record.procedure,
            external_reference=record.external_reference,
            filed_on=values["filed_on"],
            parcels=record.parcels,
            applicant=RequesterData(name=record.applicant),
            architect=values["architect"],
            description=values["description"],
            use=values["use"],
            floors=values["floors"],
            built_area_m2=values["built_area_m2"],
            address=values["address"],
            do_not_publish=values["do_not_publish"],
        )
    )
    _apply(file, record, actor)
    return code
