"""Re-offering the seats of no-shows: standby in order, checked-in passengers never moved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from refuge.domain import Conflict, Flight, NotFound
from refuge.planning import (
    ChangeKind,
    Plan,
    PlanningHousehold,
    PlanStatus,
    diff,
    greedy_plan,
    reoffer,
)

MakeFlight = Callable[..., Flight]
MakeHousehold = Callable[..., PlanningHousehold]


def seats_of(result: Plan, household: PlanningHousehold) -> dict[str, int]:
    return {
        a.flight_code: a.people
        for a in result.assignments
        if a.household_id == household.household_id
    }


@pytest.fixture
def gate(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> tuple[list[Flight], list[PlanningHousehold], Plan]:
    """Two flights of 6; four households of 3 seated; three on standby."""
    flights = [make_flight(6), make_flight(6)]
    households = [
        make_household(3, rank=1, score=9),  # 0: F0
        make_household(3, rank=1, score=8),  # 1: F0
        make_household(3, rank=2, score=9),  # 2: F1
        make_household(3, rank=2, score=8),  # 3: F1
        make_household(2, rank=2, score=5),  # 4: standby
        make_household(3, rank=2, score=7),  # 5: standby, ahead of 4
        make_household(1, rank=3, score=50),  # 6: standby, last
    ]
    return flights, households, greedy_plan(households, flights)


def test_the_gate_starts_from_the_expected_plan(
    gate: tuple[list[Flight], list[PlanningHousehold], Plan],
) -> None:
    flights, households, plan = gate
    assert [seats_of(plan, h) for h in households] == [
        {"F0": 3},
        {"F0": 3},
        {"F1": 3},
        {"F1": 3},
        {},
        {},
        {},
    ]
    assert plan.standby[flights[0].id] == tuple(households[k].household_id for k in (5, 4, 6))


def test_a_no_shows_seats_go_to_the_first_on_standby_and_nobody_else_moves(
    gate: tuple[list[Flight], list[PlanningHousehold], Plan],
) -> None:
    flights, households, plan = gate
    after = reoffer(
        plan, no_shows=[households[0].household_id], checked_in=[households[1].household_id]
    )
    assert [seats_of(after, h) for h in households] == [
        {},
        {"F0": 3},
        {"F1": 3},
        {"F1": 3},
        {},
        {"F0": 3},
        {},
    ]
    assert after.version == plan.version + 1
    assert after.report.status is PlanStatus.REOFFERED
    checked = [
        a.checked_in for a in after.assignments if a.household_id == households[1].household_id
    ]
    assert checked == [3]
    # The no-show waits for other flights, not the one it missed.
    assert households[0].household_id not in after.standby[flights[0].id]
    assert households[0].household_id in after.standby[flights[1].id]
    changes = {(c.case_number, c.kind) for c in diff(plan, after).changes}
    assert changes == {
        (households[0].case_number, ChangeKind.DROPPED),
        (households[5].case_number, ChangeKind.ASSIGNED),
    }


def test_a_family_too_big_for_the_freed_seats_is_passed_over_for_one_that_fits(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(5)
    seated = make_household(2, rank=1)
    other = make_household(3, rank=1)
    big = make_household(3, rank=2, score=9)
    small = make_household(1, rank=2, score=1)
    plan = greedy_plan([seated, other, big, small], [flight])
    assert seats_of(plan, big) == seats_of(plan, small) == {}
    after = reoffer(plan, no_shows=[seated.household_id])
    assert seats_of(after, big) == {}
    assert seats_of(after, small) == {"F0": 1}


def test_checked_in_passengers_stay_through_later_reoffers(
    gate: tuple[list[Flight], list[PlanningHousehold], Plan],
) -> None:
    _, households, plan = gate
    first = reoffer(plan, no_shows=[], checked_in=[h.household_id for h in households[:2]])
    second = reoffer(first, no_shows=[households[2].household_id])
    assert [seats_of(second, h) for h in households[:2]] == [{"F0": 3}, {"F0": 3}]
    assert {a.checked_in for a in second.assignments if a.flight_code == "F0"} == {3}
    # F1's freed seats went to the first on its standby list.
    assert seats_of(second, households[5]) == {"F1": 3}
    with pytest.raises(Conflict):
        reoffer(
            second, no_shows=[households[0].household_id], checked_in=[households[0].household_id]
        )


def test_a_freed_seat_never_breaks_a_quota(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(4)
    seated = make_household(2, rank=1)
    capped = make_household(2, rank=2)
    plan = greedy_plan([seated, capped, make_household(2, rank=2)], [flight], {"c2": 2})
    after = reoffer(plan, no_shows=[seated.household_id])
    assert sum(a.people for a in after.assignments) == 2


def test_unknown_households_are_refused(
    gate: tuple[list[Flight], list[PlanningHousehold], Plan], make_household: MakeHousehold
) -> None:
    _, households, plan = gate
    stranger = make_household(1)
    with pytest.raises(NotFound):
        reoffer(plan, no_shows=[stranger.household_id])
    with pytest.raises(Conflict, match="checked in without a seat"):
        reoffer(plan, no_shows=[], checked_in=[households[6].household_id])
