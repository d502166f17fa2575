"""The case services against in-memory storage: what an officer sees happen."""

from __future__ import annotations

import datetime as dt

import pytest

from refuge.cases.services import (
    Registration,
    add_organisation,
    add_program,
    move_case,
    operation_summary,
    register_households,
    shred_household,
    verify_audit,
)
from refuge.domain import (
    DataShredded,
    Household,
    IllegalTransition,
    InvalidInput,
    NotFound,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Stage,
    StaleObject,
)

from .fakes import FakeStore, FakeUnitOfWork

NOW = dt.datetime(2026, 8, 20, 9, 30, tzinfo=dt.UTC)


def household(given: str = "Test", *, children: int = 1) -> Household:
    principal = Person(
        PersonName(given, "Example"),
        PartialDate(1980),
        nationalities=("AFG",),
        phones=("+93700000001",),
    )
    others = [
        (Person(PersonName(f"Child{i}", "Example"), PartialDate(2010 + i)), Relationship.CHILD)
        for i in range(children)
    ]
    return Household.of(principal, *others)


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    add_organisation(
        FakeUnitOfWork(store),
        Organisation("ngo-a", "NGO A", OrganisationKind.NGO),
        actor="coordinator",
        now=NOW,
    )
    add_program(
        FakeUnitOfWork(store), Program("siv", "SIV", precedence=3), actor="coordinator", now=NOW
    )
    return store


def test_registering_a_household_opens_a_registered_case_and_audits_it(store: FakeStore) -> None:
    [number] = register_households(
        FakeUnitOfWork(store), [Registration(household(), "siv", "ngo-a")], actor="officer", now=NOW
    )
    case = store.cases[number]
    assert case.stage is Stage.REGISTERED
    assert [(t.from_stage, t.to_stage, t.actor) for t in case.history] == [
        (Stage.SUBMITTED, Stage.REGISTERED, "officer")
    ]
    assert [e.action for e in store.events] == ["organisation.add", "program.add", "case.register"]
    assert store.events[-1].object_id == number


def test_a_batch_with_an_unknown_program_registers_nothing(store: FakeStore) -> None:
    batch = [Registration(household(), "siv", "ngo-a"), Registration(household(), "nope", "ngo-a")]
    with pytest.raises(NotFound):
        register_households(FakeUnitOfWork(store), batch, actor="officer", now=NOW)
    assert store.cases == {}
    assert store.households == {}


def test_moving_a_case_records_the_move_and_refuses_illegal_ones(store: FakeStore) -> None:
    [number] = register_households(
        FakeUnitOfWork(store), [Registration(household(), "siv", "ngo-a")], actor="officer", now=NOW
    )
    move_case(FakeUnitOfWork(store), number, Stage.ELIGIBLE, actor="officer", now=NOW)
    with pytest.raises(IllegalTransition, match="cannot move from screened_eligible to boarded"):
        move_case(FakeUnitOfWork(store), number, Stage.BOARDED, actor="officer", now=NOW)
    assert store.cases[number].stage is Stage.ELIGIBLE
    assert store.events[-1].details == {
        "from": "registered",
        "to": "screened_eligible",
        "with_reason": False,
    }


def test_saving_from_a_stale_copy_is_a_conflict_not_an_overwrite(store: FakeStore) -> None:
    [number] = register_households(
        FakeUnitOfWork(store), [Registration(household(), "siv", "ngo-a")], actor="officer", now=NOW
    )
    read_version = store.cases[number].version
    move_case(FakeUnitOfWork(store), number, Stage.ELIGIBLE, actor="officer-a", now=NOW)
    with pytest.raises(StaleObject):
        move_case(
            FakeUnitOfWork(store),
            number,
            Stage.INELIGIBLE,
            actor="officer-b",
            now=NOW,
            reason="not in the pipeline",
            expected_version=read_version,
        )
    assert store.cases[number].stage is Stage.ELIGIBLE


def test_shredding_keeps_cases_counts_and_audit_but_not_the_people(store: FakeStore) -> None:
    family = household(children=2)
    register_households(
        FakeUnitOfWork(store), [Registration(family, "siv", "ngo-a")], actor="officer", now=NOW
    )
    shred_household(
        FakeUnitOfWork(store), family.id, actor="coordinator", now=NOW, reason_code="site-evacuated"
    )
    with pytest.raises(DataShredded):
        FakeUnitOfWork(store).__enter__().households.get(family.id)
    summary = operation_summary(FakeUnitOfWork(store))
    assert (summary.households, summary.people, summary.cases) == (1, 3, 1)
    assert store.events[-1].action == "household.shred"
    assert verify_audit(FakeUnitOfWork(store)) == []


def test_a_shred_reason_must_be_a_code_not_free_text(store: FakeStore) -> None:
    family = household()
    register_households(
        FakeUnitOfWork(store), [Registration(family, "siv", "ngo-a")], actor="officer", now=NOW
    )
    with pytest.raises(InvalidInput):
        shred_household(
            FakeUnitOfWork(store),
            family.id,
            actor="coordinator",
            now=NOW,
            reason_code="Asked by Test",
        )
    assert not store.shredded
