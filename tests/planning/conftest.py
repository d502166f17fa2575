"""Builders for planning tests: flights and households with only what a test cares about."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest

from refuge.domain import Flight
from refuge.planning import PlanningHousehold

START = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)

FlightMaker = Callable[..., Flight]
HouseholdMaker = Callable[..., PlanningHousehold]


@pytest.fixture
def make_flight() -> FlightMaker:
    counter = iter(range(1000))

    def make(
        seats: int,
        *,
        hour: int | None = None,
        surge: int = 0,
        state: str | None = None,
        programs: frozenset[str] = frozenset(),
        nationalities: frozenset[str] = frozenset(),
    ) -> Flight:
        n = next(counter)
        departs = START + dt.timedelta(hours=n if hour is None else hour)
        return Flight(
            code=f"F{n}",
            aircraft="C-17",
            seats=seats,
            origin="KBL",
            destination="DOH",
            departs_earliest=departs,
            departs_latest=departs + dt.timedelta(hours=2),
            surge_seats=surge,
            operator_state=state,
            programs=programs,
            nationalities=nationalities,
            id=uuid.UUID(int=10_000 + n),
        )

    return make


@pytest.fixture
def make_household() -> HouseholdMaker:
    counter = iter(range(1000))

    def make(
        size: int,
        *,
        rank: int = 1,
        score: float = 0.0,
        program: str = "siv",
        nationalities: tuple[str, ...] = ("AFG",),
        split: bool = False,
        pinned: tuple[tuple[uuid.UUID, int], ...] = (),
    ) -> PlanningHousehold:
        n = next(counter)
        return PlanningHousehold(
            household_id=uuid.UUID(int=n + 1),
            case_number=f"RF-{n:04d}",
            program=program,
            category=f"c{rank}",
            rank=rank,
            score=score,
            size=size,
            nationalities=nationalities,
            split_allowed=split,
            pinned=pinned,
        )

    return make
