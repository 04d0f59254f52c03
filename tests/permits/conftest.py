"""Fixtures of the permits tests: a procedure of the test agency, a file
filed on it, a session of its commission."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.services import RequesterData
from parcels.models import Parcel
from parcels.references import ParcelReference
from permits import services
from permits.models import CommissionSession, Procedure
from permits.states import Action
from tests.conftest import square


@pytest.fixture
def procedure(agency):
    return Procedure.objects.create(
        agency=agency,
        code="building-permit",
        label_fr="Permis de construire",
        label_ar="رخصة البناء",
        blds_type="Building",
        completeness_days=7,
        legal_days=30,
    )


@pytest.fixture
def make_file(agency, procedure):
    def make(number: str = "PC-2026-0001", **extra):
        filed_on = extra.pop(
            "filed_on", timezone.localdate() - datetime.timedelta(days=10)
        )
        filing = services.PermitFiling(
            agency=extra.pop("agency", agency),
            procedure=extra.pop("procedure", procedure),
            external_reference=number,
            filed_on=filed_on,
            parcels=extra.pop("parcels", ("TF 12345/07",)),
            applicant=RequesterData(name="Samira Bennani", email="s.b@example.ma"),
            architect=extra.pop("architect", "Cabinet Alaoui"),
            description=extra.pop("description", "Maison R+2"),
            floors=extra.pop("floors", 3),
            **extra,
        )
        return services.permit_file(filing=filing)

    return make


@pytest.fixture
def session(agency, planner):
    return services.session_create(
        agency=agency,
        held_on=timezone.localdate(),
        kind=CommissionSession.Kind.SMALL_PROJECTS,
        members=(services.MemberInput(role="chair", name="Président"),),
        actor=planner,
        origin="http://testserver",
    )


@pytest.fixture
def reviewed(make_file, planner, session):
    """A file with a favourable opinion under one condition, in a published
    session; returns the file and its short code."""
    file, code = make_file(address="12 rue des Orangers, Rabat")
    file = services.permit_move(
        file=file, action=Action.DECLARE_COMPLETE, actor=planner
    )
    item = services.agenda_add(session=session, file=file, actor=planner)
    services.opinion_record(
        item=item,
        kind="conditional",
        actor=planner,
        grounds="Projet conforme au plan d'aménagement.",
        conditions=(services.ConditionInput("Planter deux arbres sur rue"),),
    )
    services.session_publish(session=session, actor=planner)
    return file, code


@pytest.fixture
def registered_parcel(agency):
    reference = ParcelReference.parse("TF 12345/07")
    return Parcel.objects.create(
        agency=agency,
        kind=reference.kind,
        reference=reference.display,
        reference_key=reference.key,
        geom=square(-6.85, 33.95, 0.001),
    )
