"""The deadline forecast on hand-made operations, where the arithmetic can be done by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from refuge.domain import Flight, InvalidInput
from refuge.planning import PlanningHousehold, forecast

MakeFlight = Callable[..., Flight]
MakeHousehold = Callable[..., PlanningHousehold]
START = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
DEADLINE = START + dt.timedelta(days=2)


@pytest.fixture
def operation(
    make_flight: MakeFlight, make_household: MakeHousehold
) -> tuple[list[PlanningHousehold], list[Flight]]:
    """Two flights of 100 before the deadline, one after; 10 families of 5 (rank 1) and 30 of 4
    (rank 2)."""
    flights = [make_flight(100, hour=1), make_flight(100, hour=5), make_flight(100, hour=60)]
    households = [make_household(5, rank=1, score=n) for n in range(10)]
    households += [make_household(4, rank=2, program="p2", score=n) for n in range(30)]
    return households, flights


def test_at_a_fill_rate_the_backlog_and_the_seats_to_clear_it_are_counted(
    operation: tuple[list[PlanningHousehold], list[Flight]],
) -> None:
    households, flights = operation
    result = forecast(households, flights, DEADLINE, fill_rate=0.8)
    # 80 people a flight: the 50 of rank 1, then 7 families of 4 in the 30 left and 20 in the next.
    assert (result.flights, result.seats, result.fill_rate) == (2, 200, 0.8)
    assert result.expected_departures == 50 + 27 * 4
    first, second = result.lines
    assert (first.rank, first.program, first.households_leaving, first.people_left_behind) == (
        1,
        "siv",
        10,
        0,
    )
    assert (second.households_leaving, second.people_leaving, second.people_left_behind) == (
        27,
        108,
        12,
    )
    assert second.extra_seats == 15  # 12 people at 80% of seats filled
    assert result.people_left_behind == 12
    assert result.extra_seats == 15
    # The lowest priorities are the ones left behind.
    assert {h.score for h in households if h.household_id in result.left_behind} == {0, 1, 2}
    assert len(result.leaving) == 37


def test_observed_departures_per_day_give_the_fill_rate(
    operation: tuple[list[PlanningHousehold], list[Flight]],
) -> None:
    households, flights = operation
    now = DEADLINE - dt.timedelta(days=2)
    result = forecast(households, flights, DEADLINE, departures_per_day=40, now=now)
    # 80 people in two days over 200 seats: 40% filled, 40 a flight.
    assert result.fill_rate == pytest.approx(0.4)
    assert result.expected_departures == 50 + 7 * 4
    assert result.people_left_behind == 23 * 4
    assert result.extra_seats == 230


def test_people_a_quota_holds_back_need_no_extra_seats(
    operation: tuple[list[PlanningHousehold], list[Flight]],
) -> None:
    households, flights = operation
    result = forecast(households, flights, DEADLINE, fill_rate=0.8, quotas={"c2": 20})
    second = result.lines[1]
    assert (second.people_leaving, second.people_left_behind, second.people_held_by_quota) == (
        20,
        100,
        100,
    )
    assert second.extra_seats == 0


def test_a_rate_of_nothing_can_clear_no_backlog(
    operation: tuple[list[PlanningHousehold], list[Flight]],
) -> None:
    households, flights = operation
    result = forecast(households, flights, DEADLINE, fill_rate=0.0)
    assert result.expected_departures == 0
    assert result.extra_seats is None


def test_the_rate_must_be_given_once_and_make_sense(
    operation: tuple[list[PlanningHousehold], list[Flight]],
) -> None:
    households, flights = operation
    with pytest.raises(InvalidInput, match="either"):
        forecast(households, flights, DEADLINE)
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        forecast(households, flights, DEADLINE, fill_rate=1.5)
    with pytest.raises(InvalidInput, match="needs now"):
        forecast(households, flights, DEADLINE, departures_per_day=10)
    with pytest.raises(InvalidInput, match="time zone"):
        forecast(households, flights, DEADLINE.replace(tzinfo=None), fill_rate=0.5)
