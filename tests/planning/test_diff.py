"""What changed for whom between two versions of a plan."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from refuge.domain import Flight
from refuge.planning import Assignment, ChangeKind, PlanningHousehold, diff, greedy_plan

MakeFlight = Callable[..., Flight]
MakeHousehold = Callable[..., PlanningHousehold]


def test_each_kind_of_change_is_told_to_the_household_it_concerns(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    a, b = make_flight(10), make_flight(10)
    stays, moves, dropped, assigned, withdrawn = (
        make_household(2, score=s) for s in (5, 4, 3, 2, 1)
    )
    old = greedy_plan([stays, moves, dropped, assigned, withdrawn], [a, b])
    old = dataclasses.replace(
        old,
        assignments=tuple(x for x in old.assignments if x.household_id != assigned.household_id),
    )

    def seat(h: PlanningHousehold, f: Flight, people: int = 2) -> Assignment:
        return Assignment(h.household_id, h.case_number, f.id, f.code, people)

    new = dataclasses.replace(
        greedy_plan([stays, moves, dropped, assigned], [a, b]),
        version=old.version + 1,
        assignments=(seat(stays, a), seat(moves, b), seat(assigned, b)),
    )
    result = diff(old, new)
    assert (result.old_version, result.new_version) == (old.version, old.version + 1)
    told = {c.case_number: c for c in result.changes}
    assert set(told) == {x.case_number for x in (moves, dropped, assigned, withdrawn)}
    assert told[moves.case_number].kind is ChangeKind.MOVED
    assert [s.flight_code for s in told[moves.case_number].before] == ["F0"]
    assert [s.flight_code for s in told[moves.case_number].after] == ["F1"]
    assert told[dropped.case_number].kind is ChangeKind.DROPPED
    assert told[assigned.case_number].kind is ChangeKind.ASSIGNED
    assert told[withdrawn.case_number].kind is ChangeKind.WITHDRAWN
    assert [c.case_number for c in result.of_kind(ChangeKind.DROPPED)] == [dropped.case_number]
    assert told[moves.case_number].read_out() == f"case {moves.case_number}: moved F0 (2) -> F1 (2)"
    assert told[dropped.case_number].read_out().endswith("-> standby")


def test_a_family_split_differently_has_moved(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    a, b = make_flight(3), make_flight(3)
    family = make_household(4, split=True)
    old = greedy_plan([family], [a, b])
    new = dataclasses.replace(
        old,
        assignments=(
            Assignment(family.household_id, family.case_number, a.id, a.code, 1),
            Assignment(family.household_id, family.case_number, b.id, b.code, 3),
        ),
    )
    assert [c.kind for c in diff(old, new).changes] == [ChangeKind.MOVED]
    assert diff(old, old).changes == ()
