"""Commission sessions: the agenda, the opinions and their conditions
citing a zone rule or an article of the law library, and the minutes."""

from __future__ import annotations

import datetime
import subprocess

import pytest

from cases.models import Case
from layers.models import ZoneRule
from library.models import Article, Text
from permits import services
from permits.errors import OpinionRefused
from permits.models import Opinion, PermitFile
from permits.pdf import minutes_pdf
from permits.states import Action, State, Substate


@pytest.fixture
def law(db):
    text = Text.objects.create(
        kind="law",
        number="T-9012",
        key="loi-t-9012",
        title_fr="Loi relative à l'urbanisme",
        authority_fr="Parlement",
    )
    Article.objects.create(
        text=text,
        number="40",
        body_fr="Nul ne peut construire sans permis.",
        valid_from=datetime.date(1992, 6, 17),
        enacted_by=text,
    )
    return text


@pytest.fixture
def rule(document):
    return ZoneRule.objects.create(document=document, code="R2", label_fr="Villas")


@pytest.fixture
def item(make_file, planner, session):
    file, _code = make_file()
    file = services.permit_move(
        file=file, action=Action.DECLARE_COMPLETE, actor=planner
    )
    return services.agenda_add(session=session, file=file, actor=planner)


def _state(item) -> str:
    return Case.objects.get(pk=item.file_id).state


def test_a_file_on_the_agenda_is_in_commission(item):
    assert _state(item) == State.IN_COMMISSION
    assert item.position == 1


def test_conditions_cite_a_zone_rule_and_an_article(item, planner, rule, law):
    opinion = services.opinion_record(
        item=item,
        kind=Opinion.Kind.CONDITIONAL,
        actor=planner,
        conditions=(
            services.ConditionInput("Recul de 5 m sur rue", zone_rule_id=rule.pk),
            services.ConditionInput(
                "Permis avant tout travaux", article_reference="loi-t-9012:art-40"
            ),
        ),
    )
    cited = [(c.zone_rule, c.article_reference) for c in opinion.conditions.all()]
    assert cited == [(rule, ""), (None, "loi-t-9012:art-40")]
    assert _state(item) == State.OPINION_GIVEN
    file = PermitFile.objects.get(pk=item.file_id)
    assert file.reviewed_on == item.session.held_on


def test_an_article_the_library_does_not_hold_is_refused(item, planner, law):
    with pytest.raises(OpinionRefused, match="loi-t-9012:art-999"):
        services.opinion_record(
            item=item,
            kind=Opinion.Kind.CONDITIONAL,
            actor=planner,
            conditions=(
                services.ConditionInput("…", article_reference="loi-t-9012:art-999"),
            ),
        )
    assert not Opinion.objects.filter(item=item).exists()
    assert _state(item) == State.IN_COMMISSION


def test_a_zone_rule_of_another_agency_is_refused(
    item, planner, other_agency, make_document
):
    foreign = ZoneRule.objects.create(
        document=make_document(other_agency, "PA-B"), code="R2", label_fr="R2"
    )
    with pytest.raises(OpinionRefused):
        services.opinion_record(
            item=item,
            kind=Opinion.Kind.CONDITIONAL,
            actor=planner,
            conditions=(services.ConditionInput("…", zone_rule_id=foreign.pk),),
        )
    assert _state(item) == State.IN_COMMISSION


def test_conditions_only_on_a_conditional_opinion(item, planner):
    with pytest.raises(OpinionRefused):
        services.opinion_record(item=item, kind=Opinion.Kind.CONDITIONAL, actor=planner)
    with pytest.raises(OpinionRefused):
        services.opinion_record(
            item=item,
            kind=Opinion.Kind.FAVOURABLE,
            actor=planner,
            conditions=(services.ConditionInput("…"),),
        )


def test_a_deferral_names_the_missing_pieces_and_pauses_the_file(item, planner):
    with pytest.raises(OpinionRefused):
        services.opinion_record(item=item, kind=Opinion.Kind.DEFERRED, actor=planner)
    services.opinion_record(
        item=item,
        kind=Opinion.Kind.DEFERRED,
        actor=planner,
        missing_pieces="Plan de masse coté",
    )
    file = PermitFile.objects.select_related("case").get(pk=item.file_id)
    assert (file.case.state, file.substate) == (
        State.COMPLETE,
        Substate.AWAITING_PIECES,
    )
    assert file.case.paused_since is not None


def test_one_opinion_per_file_and_session(item, planner):
    services.opinion_record(item=item, kind=Opinion.Kind.UNFAVOURABLE, actor=planner)
    with pytest.raises(OpinionRefused):
        services.opinion_record(item=item, kind=Opinion.Kind.FAVOURABLE, actor=planner)


def test_another_agencys_file_is_not_put_on_the_agenda(
    session, planner, other_agency, other_planner
):
    from permits.models import Procedure

    procedure = Procedure.objects.create(
        agency=other_agency, code="pc", label_fr="PC", label_ar="رخصة"
    )
    file, _code = services.permit_file(
        filing=services.PermitFiling(
            agency=other_agency,
            procedure=procedure,
            external_reference="X-1",
            filed_on=datetime.date(2026, 1, 5),
            parcels=("TF 1/1",),
        )
    )
    with pytest.raises(OpinionRefused):
        services.agenda_add(session=session, file=file, actor=planner)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Favorable sous conditions"), ("ar", "موافقة بشروط")],
)
def test_the_minutes_list_the_opinions_without_the_applicant(
    item, planner, rule, tmp_path, language, words
):
    services.opinion_record(
        item=item,
        kind=Opinion.Kind.CONDITIONAL,
        actor=planner,
        conditions=(services.ConditionInput("Recul de 5 m", zone_rule_id=rule.pk),),
    )
    pdf = minutes_pdf(item.session, language=language)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    assert "PC-2026-0001" in text
    assert "Recul de 5 m" in text
    assert words in text
    assert "Bennani" not in text
