"""Writes of the library: import a bundle of texts and procedures, attach a PDF.

An import is checked in full first (``library.bundle``), then written in one
transaction: texts by kind and number (created or brought up to date), each
text's own wordings, the wordings its amendments give other texts' articles,
and every touched article's intervals chained again — a wording holds until
the next one starts, the last until its text is repealed. Importing the same
bundle twice changes nothing; an amended wording is never overwritten by the
amending text, it ends where the new one starts. A procedure, recognised by
its key, is written after the texts it cites: its steps and bases are those of
the file, in its order.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from library.bundle import (
    Bundle,
    BundleRefused,
    ProcedureData,
    TextData,
    bundle_read,
)
from library.models import Article, Procedure, ProcedureBasis, ProcedureStep, Text
from library.pdf import pdf_text


@dataclasses.dataclass(frozen=True)
class ImportSummary:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    wordings: int
    # The keys of the procedures created or changed.
    procedures: tuple[str, ...] = ()


def library_import(
    *, path: Path, user=None, from_demo_data: bool = False
) -> ImportSummary:
    """Import the bundle ``path`` (folder or zip) and return what changed.
    Raises BundleRefused (every problem listed, nothing written) or
    ImportRefused (an unsafe or unreadable zip)."""
    bundle = bundle_read(path)
    try:
        return _write(bundle, user=user, from_demo_data=from_demo_data)
    except IntegrityError as error:  # two wordings of one article on one day
        raise BundleRefused(
            _("Nothing was imported: two wordings of one article overlap in time."),
            details={"issues": [{"file": "", "where": "", "message": str(error)}]},
        ) from error


@transaction.atomic
def _write(bundle: Bundle, *, user, from_demo_data: bool) -> ImportSummary:
    summary = _texts_write(bundle.texts, user=user, from_demo_data=from_demo_data)
    procedures = tuple(
        procedure.key
        for procedure in bundle.procedures
        if _procedure_put(procedure, user=user, from_demo_data=from_demo_data)
    )
    return dataclasses.replace(summary, procedures=procedures)


def _texts_write(texts: list[TextData], *, user, from_demo_data: bool) -> ImportSummary:
    created: list[str] = []
    changed: set[str] = set()
    touched: set[tuple[int, str]] = set()
    stored: dict[str, Text] = {}
    for data in texts:
        text = Text.objects.filter(kind=data.kind, number=data.number).first()
        values = {
            **data.fields,
            "key": data.key,
            "extracted_fr": data.extracted.get("fr", ""),
            "extracted_ar": data.extracted.get("ar", ""),
            "from_demo_data": from_demo_data,
        }
        if text is None:
            text = Text(kind=data.kind, number=data.number)
            created.append(data.key)
        elif any(getattr(text, name) != value for name, value in values.items()):
            changed.add(data.key)
        for name, value in values.items():
            setattr(text, name, value)
        for language, pdf_path in data.pdf_paths.items():
            with pdf_path.open("rb") as file:
                getattr(text, f"pdf_{language}").save(
                    f"{data.key}.{language}.pdf", File(file), save=False
                )
            changed.add(data.key)
        if data.key in created or data.key in changed:
            text.save()
        stored[data.key] = text
    for data in texts:
        text = stored[data.key]
        start = data.fields["in_force_on"] or data.fields["published_on"]
        numbers = [article.number for article in data.articles]
        if (
            Article.objects.filter(text=text, enacted_by=text)
            .exclude(number__in=numbers)
            .delete()[0]
        ):
            changed.add(data.key)
        for position, article in enumerate(data.articles, start=1):
            values = {
                "position": position,
                "body_fr": article.body_fr,
                "body_ar": article.body_ar,
                "valid_from": start,
                "repealed": False,
            }
            if _wording_put(text, article.number, enacted_by=text, values=values):
                changed.add(data.key)
            touched.add((text.pk, article.number))
    for data in texts:
        amending = stored[data.key]
        for amendment in data.amendments:
            target = stored.get(amendment.text_key) or Text.objects.get(
                key=amendment.text_key
            )
            original = Article.objects.filter(
                text=target, number=amendment.article, enacted_by=target
            ).first()
            values = {
                "position": original.position if original else 0,
                "body_fr": amendment.body_fr,
                "body_ar": amendment.body_ar,
                "valid_from": amendment.on,
                "repealed": amendment.repealed,
            }
            if _wording_put(
                target, amendment.article, enacted_by=amending, values=values
            ):
                changed.add(data.key)
            touched.add((target.pk, amendment.article))
    wordings = sum(_chain(text_id, number) for text_id, number in sorted(touched))
    updated = [key for key in stored if key in changed and key not in created]
    for key in created + updated:
        audit_record(
            action=AuditEvent.Action.CREATED
            if key in created
            else AuditEvent.Action.CHANGED,
            actor=user,
            obj=stored[key],
            details={"library_import": True},
        )
    return ImportSummary(
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(key for key in stored if key not in created + updated),
        wordings=wordings,
    )


def _procedure_put(data: ProcedureData, *, user, from_demo_data: bool) -> bool:
    """Create or update the procedure of ``data`` (steps and bases replaced
    by the file's); True when something changed."""
    procedure = Procedure.objects.filter(key=data.key).first()
    created = procedure is None
    values = {**data.fields, "from_demo_data": from_demo_data}
    steps = [
        {
            "position": position,
            **{f"title_{lang}": value for lang, value in step.title.items()},
            **{f"body_{lang}": value for lang, value in step.body.items()},
            "page": step.page,
        }
        for position, step in enumerate(data.steps, start=1)
    ]
    texts = {
        text.key: text
        for text in Text.objects.filter(key__in={key for key, _n in data.bases})
    }
    bases = [(texts[key].pk, number) for key, number in data.bases]
    if not created and (
        all(getattr(procedure, name) == value for name, value in values.items())
        and _steps_of(procedure) == [_step_values(step) for step in steps]
        and list(procedure.bases.values_list("text_id", "article")) == bases
    ):
        return False
    if created:
        procedure = Procedure(key=data.key)
    for name, value in values.items():
        setattr(procedure, name, value)
    procedure.save()
    procedure.steps.all().delete()
    ProcedureStep.objects.bulk_create(
        ProcedureStep(procedure=procedure, **step) for step in steps
    )
    procedure.bases.all().delete()
    ProcedureBasis.objects.bulk_create(
        ProcedureBasis(procedure=procedure, text_id=text_id, article=number, position=i)
        for i, (text_id, number) in enumerate(bases, start=1)
    )
    audit_record(
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
        actor=user,
        obj=procedure,
        details={"library_import": True},
    )
    return True


_STEP_FIELDS = (
    "position",
    *(f"{part}_{lang}" for part in ("title", "body") for lang in ("fr", "ar", "en")),
    "page",
)


def _step_values(step: dict) -> tuple:
    return tuple(step.get(name, "") for name in _STEP_FIELDS)


def _steps_of(procedure: Procedure) -> list[tuple]:
    return list(procedure.steps.order_by("position").values_list(*_STEP_FIELDS))


def _wording_put(text: Text, number: str, *, enacted_by: Text, values: dict) -> bool:
    """Create or update the wording of article ``number`` of ``text`` given by
    ``enacted_by``; True when something changed."""
    wording = Article.objects.filter(
        text=text, number=number, enacted_by=enacted_by
    ).first()
    if wording is not None and all(
        getattr(wording, name) == value for name, value in values.items()
    ):
        return False
    if wording is None:
        wording = Article(text=text, number=number, enacted_by=enacted_by)
    for name, value in values.items():
        setattr(wording, name, value)
    wording.save()
    return True


def _chain(text_id: int, number: str) -> int:
    """Chain the intervals of article ``number``'s wordings: each until the
    next starts, the last until its text's repeal. Returns their count."""
    wordings = list(
        Article.objects.filter(text_id=text_id, number=number)
        .select_related("text")
        .order_by("valid_from")
    )
    for wording, following in zip(wordings, [*wordings[1:], None], strict=True):
        end = following.valid_from if following else wording.text.repealed_on
        if end is not None and end <= wording.valid_from:
            end = None if following is None else end
        if wording.valid_to != end:
            wording.valid_to = end
            wording.save(update_fields=["valid_to"])
    return len(wordings)


@transaction.atomic
def text_pdf_attach(*, text: Text, language: str, path: Path, user) -> Text:
    """Store the PDF ``path`` as ``text``'s ``language`` version and index its
    words (pdftotext). Raises PdfRefused (not a PDF, too large, unreadable)."""
    extracted = pdf_text(path)
    with path.open("rb") as file:
        getattr(text, f"pdf_{language}").save(
            f"{text.key}.{language}.pdf", File(file), save=False
        )
    setattr(text, f"extracted_{language}", extracted)
    text.save()
    audit_record(
        action=AuditEvent.Action.CHANGED,
        actor=user,
        obj=text,
        details={"pdf": language, "characters": len(extracted)},
    )
    return text
