"""The citizen's filing form: parses what the page posts into a
``RequestFiling``; every rule stays in ``requete.services``.

The kind's extra fields (``requete.schema``) become form fields named
``extra_<name>``, drawn for the kind chosen (posted, or given in the link):
without JavaScript, a citizen who changes the kind sees its own fields on
the next page, with the service's message for any it requires.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.services import RequesterData
from core.i18n import localized
from layers.models import Agency
from requete.models import CitizenRequest, RequestKind
from requete.places import PlaceInput
from requete.selectors import PublicFilters
from requete.services import MAX_SUBJECT, MAX_TEXT, RequestFiling
from requete.states import State

EXTRA_PREFIX = "extra_"
# Where a service's message about a field lands on the page: the drawn place
# is the point given by longitude and latitude.
SERVICE_FIELDS = {"geometry": "lon"}
# What browsers may fill in; the honeypot is never filled by a person.
AUTOCOMPLETE = {"name": "name", "email": "email", "phone": "tel", "website": "off"}


class _Titled:
    def __init__(self, spec: dict):
        for language in ("fr", "ar", "en"):
            setattr(self, f"title_{language}", spec.get(f"title_{language}", ""))


def _extra_field(spec: dict, name: str, required: bool) -> forms.Field:
    label = localized(_Titled(spec), "title") or name
    kind = spec.get("type")
    if kind == "boolean":
        return forms.TypedChoiceField(
            label=label,
            required=required,
            choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
            coerce=lambda value: value == "true",
            empty_value=None,
        )
    if kind in {"integer", "number"}:
        # Checked by the schema (bounds, whole numbers) in the reader's words.
        field_class = forms.IntegerField if kind == "integer" else forms.FloatField
        return field_class(label=label, required=False)
    if "enum" in spec:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), *((str(v), str(v)) for v in spec["enum"])],
        )
    return forms.CharField(label=label, required=False)


class DescribedForm(forms.Form):
    def describe(self) -> None:
        """Tie each field to its help and its errors (``aria-describedby``),
        once the form is checked: a screen reader reads them with the field."""
        for bound in self:
            ids = []
            if bound.help_text:
                ids.append(f"{bound.auto_id}-help")
            if bound.errors:
                ids.append(f"{bound.auto_id}-error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if ids:
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)


class FilingForm(DescribedForm):
    kind = forms.ModelChoiceField(
        label=_("Kind of request"), queryset=RequestKind.objects.none()
    )
    requester_type = forms.ChoiceField(
        label=_("You are filing as"), choices=CitizenRequest.RequesterType.choices
    )
    parcel = forms.CharField(
        label=_("Land reference of the parcel"),
        required=False,
        max_length=100,
        help_text=_("As on the title deed, e.g. TF 12345/07."),
    )
    lon = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90
    )
    note = forms.CharField(
        label=_("Reference of an urban planning note"), required=False, max_length=32
    )
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    description = forms.CharField(
        label=_("Your request"), max_length=MAX_TEXT, widget=forms.Textarea
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        help_text=_("Never shown publicly."),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=32)
    # The honeypot: hidden from people (requete.css), filled by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["kind"].label_from_instance = lambda kind: (
            f"{kind.label} — {kind.agency.name}"
        )
        self.kind = self._chosen_kind(kinds)
        schema = self.kind.extra_schema if self.kind else {}
        required = set((schema or {}).get("required", []))
        for name, spec in (schema or {}).get("properties", {}).items():
            field = _extra_field(spec, name, name in required)
            self.fields[EXTRA_PREFIX + name] = field
        for name, value in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["website"].widget.attrs["tabindex"] = "-1"
        # Addresses, numbers and references read left to right in Arabic too.
        for name in ("email", "phone", "lon", "lat"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        for name in ("parcel", "note"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def _chosen_kind(self, kinds) -> RequestKind | None:
        value = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        if isinstance(value, RequestKind):
            return value
        try:
            return kinds.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None

    def extra_fields(self):
        return [self[name] for name in self.fields if name.startswith(EXTRA_PREFIX)]

    def service_errors(self, fields: dict[str, str], message: str) -> None:
        """Show a service's refusal on the fields it names (else on the form)."""
        placed = False
        for name, text in fields.items():
            target = SERVICE_FIELDS.get(name, name)
            if EXTRA_PREFIX + name in self.fields:
                target = EXTRA_PREFIX + name
            if target in self.fields:
                self.add_error(target, text)
                placed = True
        if not placed:
            self.add_error(None, message)

    def filing(self, *, language: str) -> RequestFiling:
        data = self.cleaned_data
        geometry = None
        if data.get("lon") is not None and data.get("lat") is not None:
            geometry = {"type": "Point", "coordinates": [data["lon"], data["lat"]]}
        extra = {
            name.removeprefix(EXTRA_PREFIX): data[name]
            for name in self.fields
            if name.startswith(EXTRA_PREFIX) and data.get(name) not in (None, "")
        }
        return RequestFiling(
            kind=data["kind"],
            requester_type=data["requester_type"],
            subject=data["subject"],
            description=data["description"],
            requester=RequesterData(
                name=data["name"], email=data["email"], phone=data["phone"]
            ),
            place=PlaceInput(
                parcel_reference=data["parcel"],
                geometry=geometry,
                note_reference=data["note"],
            ),
            extra=extra,
            language=language,
            honeypot=data["website"],
        )


class FollowForm(DescribedForm):
    reference = forms.CharField(
        label=_("Reference of the request"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("As in the confirmation, e.g. AURS-2027-000123."),
    )
    code = forms.CharField(
        label=_("Follow code"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )


# The most requests the public list and map show at once.
PUBLIC_LIST_LIMIT = 500


class PublicListForm(DescribedForm):
    """The public list's filters (``GET``), parsed into ``PublicFilters``;
    a value outside the choices is refused, never guessed."""

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    kind = forms.ChoiceField(label=_("Kind of request"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data):
        super().__init__(data)
        agencies = Agency.objects.filter(request_kinds__isnull=False).distinct()
        self.agencies = {agency.code: agency for agency in agencies}
        agency_names = sorted(
            ((code, agency.name) for code, agency in self.agencies.items()),
            key=lambda choice: choice[1],
        )
        self.fields["agency"].choices = [("", _("Every agency")), *agency_names]
        kinds = {}
        for kind in RequestKind.objects.order_by("code", "agency__code"):
            kinds.setdefault(kind.code, kind.label)
        kind_labels = sorted(kinds.items(), key=lambda choice: choice[1])
        self.fields["kind"].choices = [("", _("Every kind")), *kind_labels]
        self.fields["state"].choices = [("", _("Every state"))] + [
            (state.value, state.label) for state in State if state != State.UNCONFIRMED
        ]

    def filters(self, *, since: datetime.datetime) -> PublicFilters:
        """The filters asked (after ``is_valid``; none when unbound), for
        requests submitted ``since``."""
        data = self.cleaned_data if self.is_bound else {}
        return PublicFilters(
            agency=self.agencies.get(data.get("agency", "")),
            kind_codes=(data["kind"],) if data.get("kind") else (),
            states=frozenset({data["state"]}) if data.get("state") else frozenset(),
            start=since,
            limit=PUBLIC_LIST_LIMIT,
        )
