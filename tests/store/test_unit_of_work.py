"""The unit of work: nothing is kept without commit, and the case services run on it unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
from refuge.domain import DataShredded, NotFound, Stage, StaleObject
from refuge.store import SqlUnitOfWork

from .builders import NOW, ORGANISATION, PROGRAM, arabic_script_family, latin_family

UowFactory = Callable[[], SqlUnitOfWork]


def test_leaving_without_commit_keeps_nothing(uow_factory: UowFactory) -> None:
    household = latin_family()
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.households.add(household)
        uow.audit.record(actor="a", action="x.y", object_kind="household", object_id="1", at=NOW)

    with uow_factory() as uow:
        assert uow.organisations.list() == []
        assert uow.households.count() == 0
        assert list(uow.audit.events()) == []


def test_an_error_inside_the_block_rolls_back(uow_factory: UowFactory) -> None:
    household = latin_family()

    def interrupted() -> None:
        with uow_factory() as uow:
            uow.households.add(household)
            uow.households.count()  # written to the database, inside the transaction
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()

    with uow_factory() as uow:
        assert uow.households.count() == 0


def test_explicit_rollback_discards_queued_and_written_rows(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.households.add(latin_family())
        uow.rollback()
        uow.households.add(arabic_script_family())
        uow.commit()

    with uow_factory() as uow:
        assert uow.organisations.list() == []
        assert uow.households.count_people() == 2


def test_a_unit_of_work_is_used_one_block_at_a_time(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with uow, pytest.raises(RuntimeError, match="in use"), uow:
        pass
    with pytest.raises(RuntimeError, match="with"):
        uow.commit()
    with pytest.raises(RuntimeError, match="with"):
        uow.households.count()


def test_its_repositories_cannot_be_swapped(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(AttributeError, match="cannot be replaced"):
        uow.households = uow.households


def test_the_case_services_run_on_the_store(uow_factory: UowFactory) -> None:
    add_organisation(uow_factory(), ORGANISATION, actor="coordinator", now=NOW)
    add_program(uow_factory(), PROGRAM, actor="coordinator", now=NOW)
    households = [latin_family(), arabic_script_family()]
    numbers = register_households(
        uow_factory(),
        [Registration(h, PROGRAM.code, ORGANISATION.code, priority=2.0) for h in households],
        actor="officer-1",
        now=NOW,
    )
    later = NOW + dt.timedelta(hours=1)
    move_case(uow_factory(), numbers[0], Stage.ELIGIBLE, actor="officer-2", now=later)
    with pytest.raises(StaleObject):
        move_case(
            uow_factory(),
            numbers[0],
            Stage.INELIGIBLE,
            actor="officer-3",
            now=later,
            reason="stale form",
            expected_version=0,
        )
    shred_household(
        uow_factory(), households[1].id, actor="officer-1", now=later, reason_code="person-request"
    )

    summary = operation_summary(uow_factory())
    assert summary.households == 2
    assert summary.people == 5
    assert dict(summary.cases_by_stage) == {Stage.ELIGIBLE: 1, Stage.REGISTERED: 1}
    assert summary.audit_events == 2 + 2 + 1 + 1
    assert summary.audit_findings == ()
    assert verify_audit(uow_factory()) == []
    with uow_factory() as uow, pytest.raises(DataShredded):
        uow.households.get(households[1].id)


def test_a_rolled_back_shredding_destroys_nothing(uow_factory: UowFactory) -> None:
    household = latin_family()
    with uow_factory() as uow:
        uow.households.add(household)
        uow.commit()
        uow.households.shred(household.id)
        uow.rollback()
        assert uow.households.get(household.id) == household
        added = arabic_script_family()
        uow.households.add(added)
        uow.rollback()
        with pytest.raises(NotFound):
            uow.households.get(added.id)
