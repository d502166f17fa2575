"""Cases with their history, case numbers, and two officers saving the same case."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from refuge.domain import AlreadyExists, NotFound, Stage, StaleObject
from refuge.store import SqlUnitOfWork, is_case_number, normalise_case_number

from .builders import NOW, ORGANISATION, PROGRAM, arabic_script_family, case_for, latin_family

UowFactory = Callable[[], SqlUnitOfWork]
LATER = NOW + dt.timedelta(hours=2)


def _registered_case(uow_factory: UowFactory) -> str:
    household = latin_family()
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        uow.households.add(household)
        case = case_for(household, uow.cases.next_number())
        uow.cases.add(case)
        uow.commit()
    return case.number


def test_a_case_comes_back_with_its_history_and_reasons(uow_factory: UowFactory) -> None:
    number = _registered_case(uow_factory)
    with uow_factory() as uow:
        case = uow.cases.get(number)
        case.move_to(Stage.DOCUMENTS_MISSING, actor="officer-2", at=LATER, reason="no tazkira")
        uow.cases.save(case)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.cases.get(number)
    assert stored == case
    assert stored.version == 1
    assert [(t.to_stage, t.actor, t.reason) for t in stored.history] == [
        (Stage.REGISTERED, "officer-1", ""),
        (Stage.DOCUMENTS_MISSING, "officer-2", "no tazkira"),
    ]
    assert stored.history[1].at == LATER
    assert stored.history[1].at.tzinfo == dt.UTC


def test_cases_are_listed_per_household_and_counted(uow_factory: UowFactory) -> None:
    first, second = latin_family(), arabic_script_family()
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        uow.households.add_many([first, second])
        cases = [case_for(h, uow.cases.next_number()) for h in (first, second, first)]
        cases[2].move_to(Stage.WITHDRAWN, actor="officer-1", at=LATER, reason="left the country")
        for case in cases:
            uow.cases.add(case)
        uow.commit()

    with uow_factory() as uow:
        assert {c.number for c in uow.cases.for_household(first.id)} == {
            cases[0].number,
            cases[2].number,
        }
        assert dict(uow.cases.count_by_stage()) == {Stage.REGISTERED: 2, Stage.WITHDRAWN: 1}
        assert dict(uow.cases.count_by_program()) == {"siv": 3}


def test_case_numbers_are_unique_well_formed_and_not_in_sequence(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        numbers = [uow.cases.next_number() for _ in range(500)]
    assert len(set(numbers)) == 500
    assert all(is_case_number(n) for n in numbers)
    # Random, not counted: neighbours share no long common prefix as a counter's would.
    assert sum(a[:6] == b[:6] for a, b in zip(numbers, numbers[1:], strict=False)) < 10


def test_a_mistyped_case_number_fails_its_check_character() -> None:
    number = "RF-" + "7K3M9QX2"
    from refuge.store.numbers import _check  # the check itself, to build a valid number

    valid = number + _check(number[3:])
    assert is_case_number(valid)
    typo = valid[:5] + ("0" if valid[5] != "0" else "1") + valid[6:]
    assert not is_case_number(typo)
    assert normalise_case_number(valid.lower().replace("rf-", "rf ")) == valid


def test_an_unknown_case_is_not_found(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(NotFound, match="RF-000000000"):
        uow.cases.get("RF-000000000")


def test_a_case_number_cannot_be_used_twice(uow_factory: UowFactory) -> None:
    number = _registered_case(uow_factory)
    household = latin_family()
    with uow_factory() as uow:
        uow.households.add(household)
        uow.cases.add(case_for(household, number))
        with pytest.raises(AlreadyExists, match=number):
            uow.commit()


def test_saving_from_a_stale_copy_is_refused_and_overwrites_nothing(
    uow_factory: UowFactory,
) -> None:
    number = _registered_case(uow_factory)
    # Two officers, two connections, each with the same case open.
    with uow_factory() as first, uow_factory() as second:
        mine = first.cases.get(number)
        theirs = second.cases.get(number)
        mine.move_to(Stage.ELIGIBLE, actor="officer-a", at=LATER)
        theirs.move_to(Stage.INELIGIBLE, actor="officer-b", at=LATER, reason="not in program")
        first.cases.save(mine)
        first.commit()
        with pytest.raises(StaleObject, match=f"case {number} was changed by someone else"):
            second.cases.save(theirs)

    with uow_factory() as uow:
        stored = uow.cases.get(number)
    assert stored.stage is Stage.ELIGIBLE
    assert stored.version == 1
    assert [t.actor for t in stored.history] == ["officer-1", "officer-a"]


def test_a_save_waiting_on_a_concurrent_one_is_refused_once_it_commits(
    uow_factory: UowFactory,
) -> None:
    number = _registered_case(uow_factory)
    first_saved = threading.Event()
    outcome: list[BaseException | None] = []

    def second_officer() -> None:
        with uow_factory() as uow:
            theirs = uow.cases.get(number)
            theirs.move_to(Stage.WITHDRAWN, actor="officer-b", at=LATER, reason="withdrew")
            first_saved.wait(timeout=10)
            try:
                uow.cases.save(theirs)  # blocks on the first officer's lock until it commits
                uow.commit()
                outcome.append(None)
            except StaleObject as exc:
                outcome.append(exc)

    with uow_factory() as uow:
        mine = uow.cases.get(number)
        thread = threading.Thread(target=second_officer)
        thread.start()
        mine.move_to(Stage.ELIGIBLE, actor="officer-a", at=LATER)
        uow.cases.save(mine)
        first_saved.set()
        thread.join(timeout=0.5)  # the second save is waiting for us, not finished
        assert thread.is_alive()
        uow.commit()
    thread.join(timeout=30)

    assert len(outcome) == 1
    assert isinstance(outcome[0], StaleObject)
    with uow_factory() as uow:
        assert uow.cases.get(number).stage is Stage.ELIGIBLE


def test_a_save_bumps_the_version_each_time(uow_factory: UowFactory) -> None:
    number = _registered_case(uow_factory)
    for stage in (Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
        with uow_factory() as uow:
            case = uow.cases.get(number)
            case.move_to(stage, actor="officer-a", at=LATER)
            uow.cases.save(case)
            uow.commit()
    with uow_factory() as uow:
        stored = uow.cases.get(number)
    assert stored.version == 3
    assert [t.to_stage for t in stored.history][-3:] == [
        Stage.ELIGIBLE,
        Stage.VETTING_CLEARED,
        Stage.APPROVED,
    ]
