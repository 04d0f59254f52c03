"""The library's import format, read and checked in full before anything is
written (docs/library-import.md describes it).

A bundle is a folder, or a zip of one, holding one ``<anything>.json`` per
text or per procedure (a file whose object has ``"procedure"``: a
step-by-step guide) and the PDFs they name. ``bundle_read`` returns them as a
``Bundle`` of ``TextData`` and ``ProcedureData`` or raises ``BundleRefused``
whose ``details["issues"]`` lists every problem found (file, place in it,
sentence in the reader's language).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import re
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import day_parse
from importing.archive import archive_extract, is_archive
from importing.errors import ImportRefused
from library.models import (
    KEY_PREFIXES,
    PortalPage,
    TextKind,
    TextStatus,
    article_reference,
)
from library.pdf import PdfRefused, pdf_text

MAX_JSON_BYTES = 5 * 1024 * 1024
ARTICLE_NUMBER = re.compile(r"^[0-9A-Za-z]+(-[0-9A-Za-z]+)*$")
TEXT_NUMBER = re.compile(r"^[0-9A-Za-z]+([-./][0-9A-Za-z]+)*$")
LANGUAGES = ("fr", "ar")
# Procedures speak to citizens: English too.
PROCEDURE_LANGUAGES = ("fr", "ar", "en")
PROCEDURE_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class BundleRefused(ImportRefused):
    """The bundle has problems; nothing was written. ``details["issues"]``
    lists them."""

    code = "library_import_refused"


@dataclasses.dataclass(frozen=True)
class ArticleData:
    number: str
    body_fr: str
    body_ar: str


@dataclasses.dataclass(frozen=True)
class AmendmentData:
    """A new wording (or the repeal) of an article of another text, from the
    amending text's date (or ``on``)."""

    text_key: str
    article: str
    on: datetime.date
    body_fr: str = ""
    body_ar: str = ""
    repealed: bool = False


@dataclasses.dataclass
class TextData:
    source: str
    kind: str
    number: str
    key: str
    fields: dict
    articles: list[ArticleData]
    amendments: list[AmendmentData]
    pdf_paths: dict[str, Path]
    extracted: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class StepData:
    title: dict[str, str]
    body: dict[str, str]
    page: str


@dataclasses.dataclass(frozen=True)
class ProcedureData:
    source: str
    key: str
    fields: dict
    steps: list[StepData]
    # (text key, article number or ""), checked against the bundle and library.
    bases: list[tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class Bundle:
    texts: list[TextData]
    procedures: list[ProcedureData]


def text_key(kind: str, number: str) -> str:
    """The stable reference of a text: "loi-12-90" for law 12-90."""
    slug = re.sub(r"[^0-9a-z]+", "-", number.lower()).strip("-")
    return f"{KEY_PREFIXES[kind]}-{slug}"


class _Issues:
    """The problems found, in order, each with its file and place."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, source: str, where: str, message: str) -> None:
        self.items.append({"file": source, "where": where, "message": message})


def bundle_read(path: Path, *, workdir: Path | None = None) -> Bundle:
    """The texts and procedures of the bundle ``path`` (folder or zip), checked together
    (PDFs read by pdftotext). Raises BundleRefused listing every problem,
    or ImportRefused when the zip itself is unsafe or unreadable."""
    if path.is_file() and is_archive(path):
        with tempfile.TemporaryDirectory(
            prefix="geoportail-library-", dir=workdir
        ) as work:
            return _folder_read(archive_extract(path, Path(work)))
    if not path.is_dir():
        raise ImportRefused(_("Give a folder or a zip of JSON files, one per text."))
    return _folder_read(path)


def _folder_read(folder: Path) -> Bundle:
    issues = _Issues()
    files = sorted(p for p in folder.rglob("*.json") if p.is_file())
    if not files:
        issues.add("", "", _("The bundle holds no JSON file."))
    texts: list[TextData] = []
    procedures: list[ProcedureData] = []
    for file in files:
        item = _file_read(file, folder, issues)
        if isinstance(item, ProcedureData):
            procedures.append(item)
        elif item is not None:
            texts.append(item)
    _cross_check(texts, issues)
    _procedures_check(procedures, texts, issues)
    if issues.items:
        count = len(issues.items)
        raise BundleRefused(
            ngettext(
                "Nothing was imported: %(count)d problem was found.",
                "Nothing was imported: %(count)d problems were found.",
                count,
            )
            % {"count": count},
            details={"issues": issues.items},
        )
    return Bundle(texts=texts, procedures=procedures)


def _file_read(
    file: Path, folder: Path, issues: _Issues
) -> TextData | ProcedureData | None:
    source = file.relative_to(folder).as_posix()
    if file.stat().st_size > MAX_JSON_BYTES:
        issues.add(source, "", _("The file is larger than 5 MB."))
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        issues.add(source, "", _("Not valid JSON: %(error)s") % {"error": exc})
        return None
    if not isinstance(data, dict):
        issues.add(source, "", _("The file must hold one JSON object (a text)."))
        return None
    before = len(issues.items)
    reader = _Reader(source, issues)
    if "procedure" in data:
        procedure = _procedure_read(data, reader)
        return procedure if len(issues.items) == before else None
    kind = reader.choice(data, "kind", TextKind.values)
    number = reader.string(data, "number", pattern=TEXT_NUMBER, max_length=40)
    title = reader.languages(data, "title", required=("fr",), max_length=500)
    authority = reader.languages(data, "authority", required=("fr",), max_length=200)
    dates = {
        name: reader.day(data, name)
        for name in ("signed_on", "published_on", "in_force_on", "repealed_on")
    }
    status = reader.choice(data, "status", TextStatus.values, default="in_force")
    bulletin = reader.string(data, "bulletin", required=False, max_length=200)
    excerpt = data.get("excerpt", False)
    if not isinstance(excerpt, bool):
        issues.add(source, "excerpt", _("Must be true or false."))
    start = dates["in_force_on"] or dates["published_on"]
    articles = [
        article
        for index, item in enumerate(reader.items(data, "articles"))
        if (article := reader.article(item, f"articles[{index}]"))
    ]
    if articles and start is None:
        issues.add(
            source,
            "in_force_on",
            _("A text with articles needs the day it came into force."),
        )
    numbers = [article.number for article in articles]
    for number_twice in sorted({n for n in numbers if numbers.count(n) > 1}):
        issues.add(
            source,
            "articles",
            _("Article %(number)s is given twice.") % {"number": number_twice},
        )
    amendments = [
        amendment
        for index, item in enumerate(reader.items(data, "amendments"))
        if (amendment := reader.amendment(item, f"amendments[{index}]", start))
    ]
    pdfs = reader.languages(data, "pdf", required=(), max_length=200)
    pdf_paths: dict[str, Path] = {}
    extracted: dict[str, str] = {}
    for language, name in pdfs.items():
        pdf_path = (file.parent / name).resolve()
        if not pdf_path.is_relative_to(folder.resolve()) or not pdf_path.is_file():
            issues.add(
                source,
                f"pdf.{language}",
                _("“%(name)s” is not in the bundle.") % {"name": name},
            )
            continue
        try:
            extracted[language] = pdf_text(pdf_path)
        except PdfRefused as exc:
            issues.add(source, f"pdf.{language}", str(exc.message))
            continue
        pdf_paths[language] = pdf_path
    if len(issues.items) > before:
        return None
    return TextData(
        source=source,
        kind=kind,
        number=number,
        key=text_key(kind, number),
        fields={
            "title_fr": title["fr"],
            "title_ar": title.get("ar", ""),
            "authority_fr": authority["fr"],
            "authority_ar": authority.get("ar", ""),
            "bulletin": bulletin,
            "status": status,
            "is_excerpt": excerpt,
            **dates,
        },
        articles=articles,
        amendments=amendments,
        pdf_paths=pdf_paths,
        extracted=extracted,
    )


def _cross_check(texts: list[TextData], issues: _Issues) -> None:
    """Problems between the files: a text twice, an amendment of an article
    that exists neither in the bundle nor in the library."""
    from library.models import Article

    seen: dict[str, str] = {}
    for text in texts:
        if text.key in seen:
            issues.add(
                text.source,
                "number",
                _("%(key)s is also in %(file)s.")
                % {"key": text.key, "file": seen[text.key]},
            )
        seen[text.key] = text.source
    in_bundle = {
        (text.key, article.number) for text in texts for article in text.articles
    }
    targets = {(a.text_key, a.article) for text in texts for a in text.amendments}
    stored = set(
        Article.objects.filter(text__key__in={key for key, _n in targets})
        .exclude(text__key__in=set(seen))
        .values_list("text__key", "number")
    )
    for text in texts:
        for index, amendment in enumerate(text.amendments):
            target = (amendment.text_key, amendment.article)
            if target not in in_bundle and target not in stored:
                issues.add(
                    text.source,
                    f"amendments[{index}]",
                    _(
                        "Article %(number)s of %(key)s is neither in the bundle "
                        "nor in the library."
                    )
                    % {"number": amendment.article, "key": amendment.text_key},
                )


def _procedure_read(data: dict, reader: _Reader) -> ProcedureData:
    """A procedure's file read; its problems noted by ``reader``."""
    key = reader.string(data, "procedure", max_length=80)
    if key and not PROCEDURE_KEY.match(key):
        reader.problem(
            "procedure",
            _("“%(value)s” is not a reference (lower-case letters, digits, “-”).")
            % {"value": key},
        )
    text = functools.partial(reader.languages, allowed=PROCEDURE_LANGUAGES)
    title = text(data, "title", required=("fr",), max_length=300)
    summary = text(data, "summary", required=())
    fees = text(data, "fees", required=(), max_length=300)
    delay = data.get("delay_days")
    if delay is not None and (
        not isinstance(delay, int) or isinstance(delay, bool) or not 0 < delay < 1000
    ):
        reader.problem("delay_days", _("Must be a number of days from 1 to 999."))
        delay = None
    documents = [
        text(item, "label", required=("fr",), max_length=300, where=f"documents[{i}]")
        for i, item in enumerate(reader.items(data, "documents"))
    ]
    steps = []
    for index, item in enumerate(reader.items(data, "steps")):
        where = f"steps[{index}]"
        steps.append(
            StepData(
                title=text(
                    item,
                    "title",
                    required=("fr",),
                    max_length=300,
                    where=f"{where}.title",
                ),
                body=text(item, "body", required=(), where=f"{where}.body"),
                page=reader.choice(
                    item, "page", ["", *PortalPage.values], where=f"{where}.page"
                ),
            )
        )
    if not steps:
        reader.problem("steps", _("A procedure needs at least one step."))
    bases = []
    for index, item in enumerate(reader.items(data, "based_on")):
        where = f"based_on[{index}]"
        bases.append(
            (
                reader.string(item, "text", where=f"{where}.text", max_length=60),
                reader.string(
                    item,
                    "article",
                    where=f"{where}.article",
                    required=False,
                    pattern=ARTICLE_NUMBER,
                    max_length=20,
                ),
            )
        )
    if len(set(bases)) < len(bases):
        reader.problem("based_on", _("A text or article is cited twice."))
    return ProcedureData(
        source=reader.source,
        key=key,
        fields={
            **{f"title_{lang}": title.get(lang, "") for lang in PROCEDURE_LANGUAGES},
            **{
                f"summary_{lang}": summary.get(lang, "") for lang in PROCEDURE_LANGUAGES
            },
            **{f"fees_{lang}": fees.get(lang, "") for lang in PROCEDURE_LANGUAGES},
            "delay_days": delay,
            "documents": documents,
        },
        steps=steps,
        bases=bases,
    )


def _procedures_check(
    procedures: list[ProcedureData], texts: list[TextData], issues: _Issues
) -> None:
    """A procedure twice; a basis naming a text or an article that is
    neither in the bundle nor in the library."""
    from library.models import Article, Text

    seen: dict[str, str] = {}
    for procedure in procedures:
        if procedure.key in seen:
            issues.add(
                procedure.source,
                "procedure",
                _("%(key)s is also in %(file)s.")
                % {"key": procedure.key, "file": seen[procedure.key]},
            )
        seen[procedure.key] = procedure.source
    cited = {key for procedure in procedures for key, _number in procedure.bases}
    bundled = {text.key: {a.number for a in text.articles} for text in texts}
    stored_texts = set(Text.objects.filter(key__in=cited).values_list("key", flat=True))
    stored = set(
        Article.objects.filter(text__key__in=cited).values_list("text__key", "number")
    )
    for procedure in procedures:
        for index, (key, number) in enumerate(procedure.bases):
            if key in bundled:
                found = not number or number in bundled[key]
            else:
                found = key in stored_texts and (not number or (key, number) in stored)
            if found:
                continue
            issues.add(
                procedure.source,
                f"based_on[{index}]",
                _("%(key)s is neither in the bundle nor in the library.")
                % {"key": article_reference(key, number) if number else key},
            )


class _Reader:
    """Reads fields of one file, noting each problem with its place."""

    def __init__(self, source: str, issues: _Issues) -> None:
        self.source = source
        self.issues = issues

    def problem(self, where: str, message: str) -> None:
        self.issues.add(self.source, where, message)

    def string(
        self,
        data: dict,
        name: str,
        *,
        where: str = "",
        required: bool = True,
        pattern=None,
        max_length: int = 0,
    ) -> str:
        where = where or name
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(where, _("Must be text."))
            return ""
        value = value.strip()
        if "\x00" in value:
            self.problem(where, _("Holds a NUL character."))
        elif required and not value:
            self.problem(where, _("Required."))
        elif max_length and len(value) > max_length:
            self.problem(
                where, _("At most %(count)d characters.") % {"count": max_length}
            )
        elif value and pattern and not pattern.match(value):
            self.problem(
                where, _("“%(value)s” is not a valid number.") % {"value": value}
            )
        return value

    def choice(
        self, data: dict, name: str, values, *, default: str = "", where: str = ""
    ) -> str:
        value = data.get(name, default)
        if value not in values:
            self.problem(
                where or name,
                _("Must be one of: %(values)s.")
                % {"values": ", ".join(v for v in values if v)},
            )
            return ""
        return value

    def day(self, data: dict, name: str, *, where: str = "") -> datetime.date | None:
        value = data.get(name)
        if value in (None, ""):
            return None
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return day_parse(value)
        except ValueError:
            self.problem(
                where or name,
                _("“%(value)s” is not a day (YYYY-MM-DD).") % {"value": value},
            )
            return None

    def languages(
        self,
        data: dict,
        name: str,
        *,
        required: tuple,
        max_length: int = 0,
        where: str = "",
        allowed: tuple[str, ...] = LANGUAGES,
    ) -> dict[str, str]:
        where = where or name
        value = data.get(name) or {}
        if not isinstance(value, dict) or set(value) - set(allowed):
            self.problem(
                where,
                _("Must be an object with “fr” and “ar”.")
                if allowed == LANGUAGES
                else _("Must be an object with “fr”, “ar” and “en”."),
            )
            return {language: "" for language in allowed}
        return {
            language: self.string(
                value,
                language,
                where=f"{where}.{language}",
                required=language in required,
                max_length=max_length,
            )
            for language in allowed
            if language in value or language in required
        }

    def items(self, data: dict, name: str) -> list:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            self.problem(name, _("Must be a list of objects."))
            return []
        return value

    def article(self, item: dict, where: str) -> ArticleData | None:
        before = len(self.issues.items)
        number = self.string(
            item,
            "number",
            where=f"{where}.number",
            pattern=ARTICLE_NUMBER,
            max_length=20,
        )
        body = self.languages(item, "body", required=("fr",), where=f"{where}.body")
        if len(self.issues.items) > before:
            return None
        return ArticleData(
            number=number, body_fr=body["fr"], body_ar=body.get("ar", "")
        )

    def amendment(
        self, item: dict, where: str, start: datetime.date | None
    ) -> AmendmentData | None:
        before = len(self.issues.items)
        key = self.string(item, "text", where=f"{where}.text", max_length=60)
        number = self.string(
            item,
            "article",
            where=f"{where}.article",
            pattern=ARTICLE_NUMBER,
            max_length=20,
        )
        on = self.day(item, "on", where=f"{where}.on") or start
        repealed = item.get("repealed", False)
        if not isinstance(repealed, bool):
            self.problem(f"{where}.repealed", _("Must be true or false."))
        body = (
            {}
            if repealed is True
            else self.languages(item, "body", required=("fr",), where=f"{where}.body")
        )
        if repealed is True and item.get("body"):
            self.problem(f"{where}.body", _("A repeal has no new wording."))
        if on is None:
            self.problem(
                f"{where}.on", _("An amendment needs the day it takes effect.")
            )
        if len(self.issues.items) > before:
            return None
        return AmendmentData(
            text_key=key,
            article=number,
            on=on,
            body_fr=body.get("fr", ""),
            body_ar=body.get("ar", ""),
            repealed=repealed,
        )
