"""The rules of a plan on hand-made cases: families kept whole unless allowed, pins, partner
nations' own nationals, surge seats, quotas, standby order, stability and the greedy fallback."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

import pytest

from refuge.domain import Flight, InvalidInput
from refuge.planning import (
    Plan,
    PlanningHousehold,
    PlanStatus,
    diff,
    evaluate,
    greedy_plan,
    plan,
)

MakeFlight = Callable[..., Flight]
MakeHousehold = Callable[..., PlanningHousehold]


def seats_of(result: Plan, household: PlanningHousehold) -> dict[str, int]:
    return {
        a.flight_code: a.people
        for a in result.assignments
        if a.household_id == household.household_id
    }


def test_a_family_is_not_split_unless_the_coordinator_allows_it(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flights = [make_flight(3), make_flight(3)]
    whole = make_household(5)
    result = plan([whole], flights, time_limit_s=1)
    assert seats_of(result, whole) == {}
    assert all(whole.household_id in result.standby[f.id] for f in flights)

    splittable = make_household(5, split=True)
    result = plan([splittable], flights, time_limit_s=1)
    assert sorted(seats_of(result, splittable).values()) == [2, 3]


def test_a_family_that_may_split_still_flies_together_when_it_can(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flights = [make_flight(3), make_flight(6)]
    family = make_household(5, split=True)
    assert seats_of(plan([family], flights, time_limit_s=1), family) == {"F1": 5}


def test_checked_in_members_keep_their_flight_and_bring_the_family(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    early, late = make_flight(4), make_flight(4)
    pinned = make_household(3, rank=3, pinned=((late.id, 1),))
    first = make_household(4, rank=1)
    second = make_household(1, rank=1)
    result = plan([pinned, first, second], [early, late], time_limit_s=1)
    assert seats_of(result, pinned) == {"F1": 3}
    assert [a.checked_in for a in result.assignments if a.household_id == pinned.household_id] == [
        3
    ]
    assert seats_of(result, first) == {"F0": 4}
    assert seats_of(result, second) == {"F1": 1}
    # The solver's figures count the checked-in family too.
    assert result.report.objective == evaluate(result).priority


def test_a_partner_nations_aircraft_takes_its_own_nationals_first(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    partner = make_flight(4, state="GBR", nationalities=frozenset({"GBR", "AFG"}))
    afghan = make_household(4, rank=1, score=99)
    british = make_household(4, rank=3, score=0, nationalities=("AFG", "GBR"))
    result = plan([afghan, british], [partner], time_limit_s=1)
    assert seats_of(result, british) == {"F0": 4}
    assert seats_of(result, afghan) == {}
    assert result.standby[partner.id] == (afghan.household_id,)


def test_surge_seats_are_used_only_when_allowed(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(4, surge=2)
    family = make_household(6)
    assert seats_of(plan([family], [flight], time_limit_s=1), family) == {}
    assert seats_of(plan([family], [flight], time_limit_s=1, allow_surge=True), family) == {"F0": 6}


def test_a_category_quota_counts_people_and_holds(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(10)
    a, b = make_household(3, rank=2, score=5), make_household(3, rank=2, score=4)
    other = make_household(3, rank=3)
    result = plan([a, b, other], [flight], {"c2": 4}, time_limit_s=1)
    assert (seats_of(result, a), seats_of(result, b), seats_of(result, other)) == (
        {"F0": 3},
        {},
        {"F0": 3},
    )


def test_flights_carry_only_the_programs_and_nationalities_they_may(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    siv_only = make_flight(10, programs=frozenset({"siv"}))
    p2 = make_household(2, program="p2")
    german = make_household(2, nationalities=("DEU",))
    german_flight = make_flight(10, nationalities=frozenset({"DEU"}))
    result = plan([p2, german], [siv_only, german_flight], time_limit_s=1)
    assert seats_of(result, p2) == {}
    assert seats_of(result, german) == {"F0": 2}
    assert result.standby[siv_only.id] == ()
    assert result.standby[german_flight.id] == ()


def test_higher_precedence_goes_first_and_higher_priority_on_the_earlier_flight(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    early, late = make_flight(2), make_flight(2)
    low = make_household(2, rank=2, score=100)
    high = make_household(2, rank=1, score=1)
    higher = make_household(2, rank=1, score=9)
    result = plan([low, high, higher], [late, early], time_limit_s=1)
    assert seats_of(result, higher) == {"F0": 2}
    assert seats_of(result, high) == {"F1": 2}
    assert seats_of(result, low) == {}


def test_the_solver_fills_a_flight_the_greedy_plan_cannot(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(6)
    households = [
        make_household(4, score=9),
        make_household(3, score=8),
        make_household(3, score=1),
    ]
    greedy = greedy_plan(households, [flight])
    solved = plan(households, [flight], time_limit_s=1)
    assert evaluate(greedy).seats_filled == 4
    assert evaluate(solved).seats_filled == 6
    assert solved.report.gap == 0
    assert [s.status for s in solved.report.stages] == ["optimal"] * len(solved.report.stages)


def test_standby_lists_follow_precedence_then_priority(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flight = make_flight(1)
    seated = make_household(1, rank=1)
    waiting = [
        make_household(2, rank=2, score=1),
        make_household(2, rank=1, score=3),
        make_household(2, rank=2, score=7),
    ]
    result = plan([seated, *waiting], [flight], time_limit_s=1)
    assert result.standby[flight.id] == tuple(
        h.household_id for h in (waiting[1], waiting[2], waiting[0])
    )


def test_planning_again_from_the_previous_plan_changes_nothing(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flights = [make_flight(4), make_flight(4)]
    households = [make_household(2, score=5) for _ in range(5)]  # equal: any seating is as good
    first = plan(households, flights, time_limit_s=1)
    again = plan(households, flights, time_limit_s=1, previous=first)
    assert again.version == first.version + 1
    assert diff(first, again).changes == ()


def test_without_the_solver_the_greedy_plan_is_returned(
    make_flight: MakeFlight, make_household: MakeHousehold, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "refuge.planning.solver", None)  # import now fails
    flight = make_flight(4)
    family = make_household(3)
    result = plan([family], [flight], time_limit_s=1)
    assert result.report.status is PlanStatus.GREEDY
    assert result.report.note == "solver unavailable"
    assert seats_of(result, family) == {"F0": 3}


def test_a_plan_out_of_time_is_still_a_valid_plan(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    flights = [make_flight(7), make_flight(5)]
    households = [make_household(1 + n % 4, rank=1 + n % 3, score=n) for n in range(30)]
    result = plan(households, flights, time_limit_s=1e-9)
    assert sum(a.people for a in result.assignments) <= 12
    assert result.report.status in (PlanStatus.GREEDY, PlanStatus.FEASIBLE, PlanStatus.OPTIMAL)


def test_inputs_that_cannot_be_planned_are_refused(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> None:
    a, b = make_flight(4), make_flight(4)
    with pytest.raises(InvalidInput, match="RF-0000: checked in on several flights"):
        make_household(3, pinned=((a.id, 1), (b.id, 1)))
    family = make_household(3)
    with pytest.raises(InvalidInput, match="given twice"):
        plan([family, family], [a], time_limit_s=1)
    odd = PlanningHousehold(uuid.uuid4(), "RF-9999", "siv", "c1", 2, 0.0, 1, ("AFG",))
    with pytest.raises(InvalidInput, match="category c1 has two ranks"):
        plan([family, odd], [a], time_limit_s=1)
    with pytest.raises(InvalidInput, match="more people pinned than it can carry"):
        plan([make_household(5, pinned=((a.id, 5),))], [a], time_limit_s=1)
    with pytest.raises(InvalidInput, match="time_limit_s"):
        plan([family], [a], time_limit_s=0)
