"""Zone rules as a planner types them: one row of a table per zone code, or one
line of a CSV file, each value checked against its unit and range.

The table and the CSV file share one form, so a value refused in one is
refused in the other with the same sentence, attached to its cell.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.i18n import ascii_number
from layers.citations import citations_check, citations_parse
from layers.models import LandUse, ZoneRule

NUMBER_FIELDS = (
    "max_height_m",
    "floors_above_ground",
    "cos",
    "ces",
    "min_plot_area_m2",
    "min_frontage_m",
    "setback_road_m",
    "setback_side_m",
    "setback_rear_m",
)
TABLE_FIELDS = ("code", "label_fr", "label_ar", "category", *NUMBER_FIELDS)
CSV_FIELDS = (
    *TABLE_FIELDS,
    "allowed_uses",
    "forbidden_uses",
    "articles",
    "citations",
)


@dataclasses.dataclass(frozen=True)
class Range:
    """The values a rule may take, its unit as written, and the sentence of a
    value out of range."""

    low: Decimal
    high: Decimal
    unit: str
    message: str


# Beyond these, a value is a typing mistake (a CES of 600, a COS of 25, a
# height in centimetres), not a rule.
RANGES = {
    "max_height_m": Range(
        Decimal(0), Decimal(300), "m", _("A height is in metres, from 0 to 300.")
    ),
    "floors_above_ground": Range(
        Decimal(0),
        Decimal(100),
        "",
        _("Floors above the ground floor: a whole number from 0 (R) to 100."),
    ),
    "cos": Range(
        Decimal(0),
        Decimal(20),
        "",
        _("The COS is a ratio of floor area to plot area, from 0 to 20."),
    ),
    "ces": Range(
        Decimal(0),
        Decimal(100),
        "%",
        _("The CES is a percentage of the plot, from 0 to 100."),
    ),
    "min_plot_area_m2": Range(
        Decimal(0),
        Decimal(10_000_000),
        "m²",
        _("A plot area is in square metres, from 0 to 10,000,000."),
    ),
    "min_frontage_m": Range(
        Decimal(0), Decimal(1000), "m", _("A frontage is in metres, from 0 to 1,000.")
    ),
    "setback_road_m": Range(
        Decimal(0), Decimal(100), "m", _("A setback is in metres, from 0 to 100.")
    ),
    "setback_side_m": Range(
        Decimal(0), Decimal(100), "m", _("A setback is in metres, from 0 to 100.")
    ),
    "setback_rear_m": Range(
        Decimal(0), Decimal(100), "m", _("A setback is in metres, from 0 to 100.")
    ),
}


def number_text(value: str, *, unit: str) -> str:
    """A typed number as Python reads it: Arabic-Indic digits, a decimal comma,
    the field's own unit after it, and "R+4" for floors are understood."""
    text = ascii_number(value.strip()).replace("\u00a0", " ")
    if unit and text.endswith(unit):
        text = text[: -len(unit)].strip()
    if re.fullmatch(r"[Rr]\s*\+\s*\d+", text):
        text = text.split("+")[1].strip()
    elif text in {"R", "r"}:
        text = "0"
    return text.replace(" ", "").replace(",", ".")


class CitationsField(forms.CharField):
    """Articles of the law library by reference, as one line of text
    ("loi-12-90:art-40, loi-25-90:art-1"): each must name an article."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return citations_parse(value)
        return citations_parse(super().to_python(value))

    def validate(self, value: list[str]) -> None:
        citations_check(value)

    def has_changed(self, initial, data) -> bool:
        # An empty cell of a new row is no citation, as its initial None is.
        try:
            return self.to_python(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class ZoneRuleForm(forms.ModelForm):
    """One zone's rule, each number checked against its unit and range."""

    class Meta:
        model = ZoneRule
        fields = [*CSV_FIELDS]
        widgets = {
            "allowed_uses": forms.CheckboxSelectMultiple,
            "forbidden_uses": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("allowed_uses", "forbidden_uses"):
            self.fields[name] = forms.MultipleChoiceField(
                label=self.fields[name].label,
                choices=LandUse.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["citations"] = CitationsField(
            label=self.fields["citations"].label,
            required=False,
        )
        for name, bounds in RANGES.items():
            field = self.fields[name]
            field.widget.attrs.update(
                {"min": bounds.low, "max": bounds.high, "inputmode": "decimal"}
            )
            if isinstance(field, forms.DecimalField):
                field.widget.attrs["step"] = "0.01"
        self.fields["label_fr"].required = False  # the code, when left empty

    def clean(self):
        data = super().clean()
        for name, bounds in RANGES.items():
            value = data.get(name)
            if value is not None and not bounds.low <= Decimal(value) <= bounds.high:
                self.add_error(name, bounds.message)
        if not data.get("label_fr") and data.get("code"):
            data["label_fr"] = data["code"]
        both = set(data.get("allowed_uses") or []) & set(
            data.get("forbidden_uses") or []
        )
        if both:
            self.add_error(
                "forbidden_uses",
                _("A use cannot be both allowed and forbidden: %(uses)s.")
                % {"uses": ", ".join(str(LandUse(use).label) for use in sorted(both))},
            )
        return data


class BaseZoneRuleFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The table names a column once, in its header; a control in a cell has
        # no label of its own, so it carries its column's name (WCAG 4.1.2),
        # and the note under the table (units, R+n) describes it, where Django
        # would point at a help text the table does not show. The uses' check
        # boxes have their labels, under a legend.
        for field in form.fields.values():
            if not field.widget.is_hidden and not isinstance(
                field.widget, forms.CheckboxSelectMultiple
            ):
                field.widget.attrs.setdefault("aria-label", field.label)
                field.widget.attrs["aria-describedby"] = "rules-help"

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            code = (form.cleaned_data or {}).get("code")
            if code in seen:
                form.add_error("code", _("This zone code is already in the table."))
            seen.add(code)


ZoneRuleFormSet = forms.modelformset_factory(
    ZoneRule,
    form=ZoneRuleForm,
    formset=BaseZoneRuleFormSet,
    fields=[*CSV_FIELDS],
    extra=2,
    can_delete=True,
)


@dataclasses.dataclass
class CsvRules:
    """A CSV file's rules by zone code, and its errors per line and column."""

    rules: dict[str, dict]
    errors: list[tuple[int, str, str]]  # (line, column label, message)


HEADER_ALIASES = {
    "zone": "code",
    "code_zone": "code",
    "libelle": "label_fr",
    "libelle_fr": "label_fr",
    "libelle_ar": "label_ar",
    "hauteur": "max_height_m",
    "hauteur_max": "max_height_m",
    "niveaux": "floors_above_ground",
    "etages": "floors_above_ground",
    "surface_min": "min_plot_area_m2",
    "facade_min": "min_frontage_m",
    "recul_voie": "setback_road_m",
    "recul_lateral": "setback_side_m",
    "recul_fond": "setback_rear_m",
    "usages_autorises": "allowed_uses",
    "usages_interdits": "forbidden_uses",
}


def _header(name: str) -> str:
    key = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")
    return HEADER_ALIASES.get(key, key)


@functools.cache
def _use_labels() -> dict[str, str]:
    """Each use's code by its label in every language of the portal (the
    catalogues do not change while the process runs: built once)."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update(
                {str(label).casefold(): value for value, label in LandUse.choices}
            )
    return labels


def _uses(text: str) -> list[str]:
    labels = _use_labels()
    found = []
    for part in re.split(r"[;|,]", text):
        part = part.strip()
        if part:
            found.append(labels.get(part.casefold(), part))
    return found


def rules_csv_read(content: bytes, *, existing: dict[str, ZoneRule]) -> CsvRules:
    """Read a CSV of rules (a header line of column names, ``,`` or ``;``
    separated, UTF-8 or Windows-1252), each line checked by ZoneRuleForm over
    the document's rule of that code, if any: only the columns present change.
    """
    result = CsvRules(rules={}, errors=[])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
            message = _("The file is not text in UTF-8 or Windows-1252.")
            result.errors.append((1, "", str(message)))
            return result
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or not a table at all: the header says
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [_header(name) for name in next(reader, [])]
        return _rules_read(reader, header, existing, result)
    except csv.Error:  # a cell past the csv module's field limit (128 KiB)
        message = _("Line %(line)s cannot be read as CSV.") % {"line": reader.line_num}
        result.errors.append((reader.line_num, "", str(message)))
        return result


def _rules_read(
    reader, header: list[str], existing: dict[str, ZoneRule], result: CsvRules
) -> CsvRules:
    """``result`` with the rules and errors of the lines after the header."""
    if "code" not in header:
        result.errors.append((1, "code", str(_("The file has no “code” column."))))
        return result
    unknown = [name for name in header if name and name not in CSV_FIELDS]
    for name in unknown:
        result.errors.append((1, name, str(_("Unknown column."))))
    columns = [name for name in header if name in CSV_FIELDS]
    labels = {
        name: str(ZoneRule._meta.get_field(name).verbose_name) for name in columns
    }
    for line, row in enumerate(reader, start=2):
        values = dict(zip(header, row, strict=False))
        code = (values.get("code") or "").strip()
        if not any(value.strip() for value in row):
            continue
        form = ZoneRuleForm(data=_row_data(values, columns, existing.get(code)))
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = labels.get(name, name)
                result.errors.extend((line, column, message) for message in messages)
            continue
        if code in result.rules:
            result.errors.append(
                (line, labels["code"], str(_("This zone code is already in the file.")))
            )
            continue
        result.rules[code] = {
            name: form.cleaned_data[name] for name in columns if name != "code"
        }
    return result


def _row_data(values: dict, columns: list[str], rule: ZoneRule | None) -> dict:
    """The form's data: the row's columns over the stored rule's values."""
    data: dict = {}
    if rule is not None:
        for name in CSV_FIELDS:
            value = getattr(rule, name)
            data[name] = (
                value
                if isinstance(value, list)
                else ("" if value is None else str(value))
            )
    for name in columns:
        value = values.get(name, "")
        if name in RANGES:
            data[name] = number_text(value, unit=RANGES[name].unit)
        elif name in {"allowed_uses", "forbidden_uses"}:
            data[name] = _uses(value)
        else:
            data[name] = value.strip()
    data.setdefault("category", "other")
    return data
