"""Quotas in the store: defined from the program files and the order of precedence, counted on
approval, visible as used and left, and never exceeded, even by approvals running at once on
several connections (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

import pytest

from refuge.cases.services import move_case
from refuge.domain import Conflict, Stage
from refuge.eligibility import (
    ProgramDefinition,
    QuotaUnit,
    QuotaUsage,
    approve_case,
    define_quotas,
    load_precedence,
    load_program,
    quota_usage,
    screen_and_record,
    shipped_precedence,
    shipped_programs,
)

from .stored import ACTOR, AT_RISK, NOW, SIV_READY, SIV_TOO_EARLY, Factory, operation
from .stored import register as register_case

ORDER = shipped_precedence()
HUMANITARIAN = (
    resources.files("refuge.eligibility") / "programs" / "humanitarian-p.yaml"
).read_text("utf-8")


def _programs(people: int) -> dict[str, ProgramDefinition]:
    """The shipped programs with the humanitarian path limited to `people` people."""
    assert "limit: 2000" in HUMANITARIAN
    edited = HUMANITARIAN.replace("limit: 2000", f"limit: {people}")
    return {
        **shipped_programs(),
        "humanitarian-p": load_program(Path("humanitarian-p.yaml"), edited),
    }


def _vetted(uow_factory: Factory, count: int, programs: dict[str, ProgramDefinition]) -> list[str]:
    """`count` eligible families of three on the humanitarian path, vetting cleared."""
    numbers = [register_case(uow_factory, "humanitarian-p", AT_RISK) for _ in range(count)]
    screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=programs)
    for number in numbers:
        move_case(uow_factory(), number, Stage.VETTING_CLEARED, actor=ACTOR, now=NOW)
    return numbers


def _used(uow_factory: Factory, key: str) -> QuotaUsage:
    return next(u for u in quota_usage(uow_factory()) if u.key == key)


def test_quotas_are_defined_from_the_files_and_a_new_limit_keeps_what_is_used(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    programs = _programs(9)
    (first,) = _vetted(uow_factory, 1, programs)
    usage = define_quotas(uow_factory(), actor=ACTOR, now=NOW, order=ORDER, programs=programs)
    assert usage == (QuotaUsage("program:humanitarian-p", 9, QuotaUnit.PEOPLE, 0),)

    assert approve_case(uow_factory(), first, actor=ACTOR, now=NOW, order=ORDER) == (
        "program:humanitarian-p",
    )
    define_quotas(uow_factory(), actor=ACTOR, now=NOW, order=ORDER, programs=_programs(12))

    usage_now = _used(uow_factory, "program:humanitarian-p")
    assert (usage_now.limit, usage_now.used, usage_now.left) == (12, 3, 9)
    assert usage_now.read_out() == "program:humanitarian-p: 3 of 12 people used, 9 left"


def test_a_category_quota_counts_households_alongside_the_program_quota(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    source = (resources.files("refuge.eligibility") / "precedence.yaml").read_text("utf-8")
    marker = "    when: {fact: case.program, op: eq, value: humanitarian-p}\n"
    assert marker in source
    order = load_precedence(
        Path("precedence.yaml"),
        source.replace(marker, marker + "    quota: {limit: 1, unit: households}\n"),
    )
    programs = _programs(100)
    first, second = _vetted(uow_factory, 2, programs)
    define_quotas(uow_factory(), actor=ACTOR, now=NOW, order=order, programs=programs)

    approve_case(uow_factory(), first, actor=ACTOR, now=NOW, order=order)
    with pytest.raises(Conflict, match=f"case {second}: quota category:humanitarian is full"):
        approve_case(uow_factory(), second, actor=ACTOR, now=NOW, order=order)

    assert _used(uow_factory, "category:humanitarian").used == 1
    # All or none: the program quota was not counted for the household held back.
    assert _used(uow_factory, "program:humanitarian-p").used == 3


def test_a_full_quota_refuses_the_approval_and_leaves_the_case_where_it_was(
    uow_factory: Factory,
) -> None:
    operation(uow_factory)
    programs = _programs(5)
    first, second = _vetted(uow_factory, 2, programs)
    define_quotas(uow_factory(), actor=ACTOR, now=NOW, order=ORDER, programs=programs)

    approve_case(uow_factory(), first, actor=ACTOR, now=NOW, order=ORDER)
    with pytest.raises(Conflict, match=f"case {second}: quota program:humanitarian-p is full"):
        approve_case(uow_factory(), second, actor=ACTOR, now=NOW, order=ORDER)

    with uow_factory() as uow:
        assert uow.cases.get(first).stage is Stage.APPROVED
        assert uow.cases.get(second).stage is Stage.VETTING_CLEARED
    assert _used(uow_factory, "program:humanitarian-p").used == 3


def test_a_case_whose_last_decision_is_not_eligible_is_not_approved(uow_factory: Factory) -> None:
    operation(uow_factory)
    early = register_case(uow_factory, "siv", SIV_TOO_EARLY)
    screen_and_record(uow_factory(), actor=ACTOR, now=NOW, programs=shipped_programs())

    with pytest.raises(Conflict, match=f"case {early}: its last screening decision"):
        approve_case(uow_factory(), early, actor=ACTOR, now=NOW, order=ORDER)


def test_concurrent_approvals_never_exceed_a_quota(uow_factory: Factory) -> None:
    operation(uow_factory)
    programs = _programs(7)  # two families of three fit, a third does not
    numbers = _vetted(uow_factory, 6, programs)
    register_case(uow_factory, "siv", SIV_READY)  # not under the quota: must not matter
    define_quotas(uow_factory(), actor=ACTOR, now=NOW, order=ORDER, programs=programs)
    start = threading.Barrier(len(numbers))
    approved: list[str] = []
    refused: list[str] = []
    failures: list[BaseException] = []

    def approve(number: str) -> None:
        try:
            start.wait(timeout=30)
            for _attempt in range(50):
                try:
                    approve_case(uow_factory(), number, actor=ACTOR, now=NOW, order=ORDER)
                except Conflict as exc:
                    if "try again" in str(exc):  # SQLite: another writer held the file
                        continue
                    refused.append(number)
                    return
                approved.append(number)
                return
            failures.append(AssertionError(f"case {number}: never got a turn"))
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread below
            failures.append(exc)

    threads = [threading.Thread(target=approve, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(approved) == 2
    assert sorted(approved + refused) == sorted(numbers)
    usage = _used(uow_factory, "program:humanitarian-p")
    assert (usage.used, usage.left) == (6, 1)
    with uow_factory() as uow:
        stages = [uow.cases.get(n).stage for n in numbers]
    assert stages.count(Stage.APPROVED) == 2
