"""Screening stored cases: facts sealed per case, decisions recorded with their reasons and the
previous one kept, cases moved through the pipeline, re-screening after a program file changes,
on SQLite and PostgreSQL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from refuge.cases.services import shred_household
from refuge.domain import InvalidInput, Stage
from refuge.eligibility import (
    Decision,
    Outcome,
    ProgramDefinition,
    RecordedFacts,
    load_program,
    record_case_facts,
    screen_and_record,
    shipped_programs,
)
from refuge.store.eligibility import CaseFactsRow

from .builders import family
from .stored import ACTOR, AT_RISK, LATER, NOW, SIV_READY, SIV_TOO_EARLY, Factory, operation
from .stored import register as register_case

SHIPPED = shipped_programs()
SIV_TEXT = (resources.files("refuge.eligibility") / "programs" / "siv.yaml").read_text("utf-8")


def _siv_from_com_applied() -> dict[str, ProgramDefinition]:
    """The shipped programs, with SIV relocation opened to applicants at Chief of Mission
    application (as if the program file were edited during the operation)."""
    old = "when: {fact: siv.step, op: ge, value: com-approved}"
    assert old in SIV_TEXT
    text = SIV_TEXT.replace(old, "when: {fact: siv.step, op: ge, value: com-applied}")
    text = text.replace('version: "2021.07.1"', 'version: "2021.08.9"')
    return {**SHIPPED, "siv": load_program(Path("siv.yaml"), text)}


def _stored(uow_factory: Factory, number: str) -> tuple[Decision, Decision | None]:
    with uow_factory() as uow:
        case_id = uow.eligibility.case_id(number)
        stored = uow.eligibility.decisions([case_id])[case_id]
    previous = None if stored.previous is None else Decision.from_record(stored.previous)
    return Decision.from_record(stored.record), previous


def test_facts_are_sealed_in_the_database_and_read_back_whole(
    uow_factory: Factory, engine: Engine
) -> None:
    operation(uow_factory)
    facts = RecordedFacts(role="interpreter-zq81x", employer="us-military", threat_level=2)
    number = register_case(uow_factory, "siv", facts)

    with engine.connect() as connection:
        sealed = connection.execute(select(CaseFactsRow.facts_enc)).scalar_one()
    assert b"interpreter-zq81x" not in sealed
    assert b"us-military" not in sealed
    with uow_factory() as uow:
        case = uow.cases.get(number)
        ((recorded, revision),) = uow.eligibility.facts([(case.id, case.household_id)]).values()
    assert RecordedFacts.from_record(recorded, case=number) == facts
    assert revision == 1
    assert record_case_facts(uow_factory(), number, facts, actor=ACTOR, now=LATER) == 2


def test_facts_out_of_range_are_refused_naming_the_case_and_nothing_is_stored(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    number = register_case(uow_factory, "siv", None)

    with pytest.raises(InvalidInput, match=f"case {number}: threat level"):
        record_case_facts(
            uow_factory(), number, RecordedFacts(threat_level=9), actor=ACTOR, now=NOW
        )
    with uow_factory() as uow:
        case = uow.cases.get(number)
        assert uow.eligibility.facts([(case.id, case.household_id)]) == {}


def test_screening_records_outcomes_and_reasons_and_moves_cases_through_the_pipeline(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    ready = register_case(uow_factory, "siv", SIV_READY)
    early = register_case(uow_factory, "siv", SIV_TOO_EARLY)
    unknown = register_case(uow_factory, "siv", None)
    at_risk = register_case(uow_factory, "humanitarian-p", AT_RISK)

    report = screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=SHIPPED)

    assert report.screened == 4
    assert report.first_screened == 4
    assert report.counts == {Outcome.ELIGIBLE: 2, Outcome.INELIGIBLE: 2}
    assert report.moved == 4
    assert report.changes == ()
    with uow_factory() as uow:
        stages = {n: uow.cases.get(n).stage for n in (ready, early, unknown, at_risk)}
        early_case = uow.cases.get(early)
    assert stages == {
        ready: Stage.ELIGIBLE,
        early: Stage.INELIGIBLE,
        unknown: Stage.INELIGIBLE,
        at_risk: Stage.ELIGIBLE,
    }
    decision, previous = _stored(uow_factory, early)
    assert previous is None
    assert decision.program_version == SHIPPED["siv"].version
    assert decision.program_digest == SHIPPED["siv"].digest
    assert [r.rule for r in decision.reasons] == ["in-the-pipeline"]
    # The move's reason is the decision as read out to the person, sealed with the case.
    assert early_case.history[-1].reason == decision.read_out()
    assert "Chief of Mission approval" in early_case.history[-1].reason
    undecided, _ = _stored(uow_factory, unknown)
    assert "employment.employer" in undecided.read_out()  # says which facts were not recorded


def test_changing_a_program_file_and_rescreening_names_who_changed_outcome_and_why(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    ready = register_case(uow_factory, "siv", SIV_READY)
    early = register_case(uow_factory, "siv", SIV_TOO_EARLY)
    screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=SHIPPED)

    report = screen_and_record(
        uow_factory(), actor=ACTOR, now=LATER, programs=_siv_from_com_applied()
    )

    assert [(c.case_number, c.before, c.after) for c in report.changes] == [
        (early, Outcome.INELIGIBLE, Outcome.ELIGIBLE)
    ]
    assert [r.rule for r in report.changes[0].rules] == ["in-the-pipeline"]
    assert "2021.08.9" in report.changes[0].read_out()
    assert report.moved == 1
    decision, previous = _stored(uow_factory, early)
    assert decision.outcome is Outcome.ELIGIBLE
    assert previous is not None
    assert previous.outcome is Outcome.INELIGIBLE
    with uow_factory() as uow:
        assert uow.cases.get(early).stage is Stage.ELIGIBLE
        assert uow.cases.get(ready).stage is Stage.ELIGIBLE
    # Back to the shipped file: the case goes back, and says why.
    again = screen_and_record(uow_factory(), actor=ACTOR, now=LATER, programs=SHIPPED)
    assert [(c.case_number, c.after) for c in again.changes] == [(early, Outcome.INELIGIBLE)]


def test_screening_only_changed_cases_skips_those_whose_facts_and_program_are_as_last_time(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    early = register_case(uow_factory, "siv", SIV_TOO_EARLY)
    register_case(uow_factory, "siv", SIV_READY)
    register_case(uow_factory, "humanitarian-p", AT_RISK)
    screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=SHIPPED)

    nothing = screen_and_record(
        uow_factory(), actor=ACTOR, now=LATER, programs=SHIPPED, only_changed=True
    )
    assert (nothing.screened, nothing.unchanged) == (0, 3)

    record_case_facts(uow_factory(), early, SIV_READY, actor=ACTOR, now=LATER)
    one = screen_and_record(
        uow_factory(), actor=ACTOR, now=LATER, programs=SHIPPED, only_changed=True
    )
    assert (one.screened, one.unchanged) == (1, 2)
    assert [(c.case_number, c.after) for c in one.changes] == [(early, Outcome.ELIGIBLE)]

    program_changed = screen_and_record(
        uow_factory(), actor=ACTOR, now=LATER, programs=_siv_from_com_applied(), only_changed=True
    )
    assert (program_changed.screened, program_changed.unchanged) == (2, 1)


def test_screening_audits_counts_and_codes_without_personal_data(uow_factory: Factory) -> None:
    operation(uow_factory)
    household = family()
    early = register_case(uow_factory, "siv", SIV_TOO_EARLY, household)
    screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=SHIPPED)

    with uow_factory() as uow:
        events = list(uow.audit.events())
        assert uow.audit.verify() == []
    run = next(e for e in events if e.action == "eligibility.screen")
    assert run.details["screened"] == 1
    assert run.details["ineligible"] == 1
    move = next(e for e in events if e.action == "case.transition" and e.object_id == early)
    assert move.details["to"] == Stage.INELIGIBLE.value
    assert move.details["rules"] == "in-the-pipeline"
    said = repr([e.details for e in events])
    for member in household.members:
        assert member.person.name.given not in said
        assert member.person.documents[0].number not in said
        assert "Chief of Mission" not in said  # the read-out stays sealed on the case


def test_cases_of_a_shredded_household_are_reported_unreadable_not_screened(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    household = family()
    gone = register_case(uow_factory, "siv", SIV_READY, household)
    kept = register_case(uow_factory, "siv", SIV_READY)
    shred_household(uow_factory(), household.id, actor=ACTOR, now=NOW, reason_code="test")

    report = screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=SHIPPED)

    assert report.unreadable == (gone,)
    assert report.screened == 1
    with uow_factory() as uow:
        assert uow.cases.get(kept).stage is Stage.ELIGIBLE
        assert uow.cases.get(gone).stage is Stage.REGISTERED


def test_cases_of_a_program_not_loaded_are_listed_and_left_alone(uow_factory: Factory) -> None:
    operation(uow_factory)
    siv = register_case(uow_factory, "siv", SIV_READY)
    citizens = register_case(uow_factory, "citizens", None)
    only_siv = {"siv": SHIPPED["siv"]}

    report = screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=only_siv)

    assert report.without_program == (citizens,)
    assert report.screened == 1
    with uow_factory() as uow:
        assert uow.cases.get(siv).stage is Stage.ELIGIBLE
        assert uow.cases.get(citizens).stage is Stage.REGISTERED
