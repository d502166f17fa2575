"""Plans on small random operations, checked against rules written out again here and against
the best plan found by trying every assignment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import uuid
from collections.abc import Callable, Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import Flight
from refuge.planning import (
    Plan,
    PlanningHousehold,
    PlanStatus,
    greedy_plan,
    plan,
    precedence_violations,
)

START = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
Level = tuple[int, int]


@dataclasses.dataclass
class Instance:
    households: list[PlanningHousehold]
    flights: list[Flight]
    quotas: dict[str, int]
    surge: bool


def instance(
    seed: int, *, households: int = 6, splits: bool = True, pins: bool = False
) -> Instance:
    rng = random.Random(seed)
    flights = []
    for n in range(rng.randint(1, 3)):
        state = "GBR" if rng.random() < 0.3 else None
        programs = frozenset(rng.sample(["siv", "p2"], 1)) if rng.random() < 0.3 else frozenset()
        departs = START + dt.timedelta(hours=rng.randint(0, 48))
        flights.append(
            Flight(
                code=f"F{n}",
                aircraft="C-17",
                seats=rng.randint(2, 9),
                origin="KBL",
                destination="DOH",
                departs_earliest=departs,
                departs_latest=departs + dt.timedelta(hours=1),
                surge_seats=rng.choice([0, 0, 2]),
                operator_state=state,
                programs=programs,
                nationalities=frozenset({"GBR"}) if state and rng.random() < 0.5 else frozenset(),
                id=uuid.UUID(int=1000 + n),
            )
        )
    people = []
    pinned_load = dict.fromkeys(range(len(flights)), 0)
    for n in range(rng.randint(1, households)):
        rank = rng.randint(1, 3)
        size = rng.randint(1, 4)
        split = splits and rng.random() < 0.2
        pinned: tuple[tuple[uuid.UUID, int], ...] = ()
        where = rng.randrange(len(flights))
        whole = 1 if split else size
        if pins and rng.random() < 0.2 and pinned_load[where] + whole <= flights[where].seats:
            pinned_load[where] += whole
            pinned = ((flights[where].id, rng.randint(1, whole)),)
        people.append(
            PlanningHousehold(
                household_id=uuid.UUID(int=n + 1),
                case_number=f"RF-{n:04d}",
                program=rng.choice(["siv", "p2"]),
                category=f"c{rank}",
                rank=rank,
                score=float(rng.randint(0, 20)),
                size=size,
                nationalities=(rng.choice(["AFG", "AFG", "GBR"]),),
                split_allowed=split,
                pinned=pinned,
            )
        )
    quotas = {f"c{rng.randint(1, 3)}": rng.randint(0, 8)} if rng.random() < 0.5 else {}
    return Instance(people, flights, quotas, rng.random() < 0.3)


# --- the rules, written out independently of the planner -----------------------------------


def level(household: PlanningHousehold, flight: Flight) -> Level:
    own = flight.operator_state is not None and flight.operator_state in household.nationalities
    return (0 if own else 1, household.rank)


def seats(result: Plan) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
    out: dict[uuid.UUID, dict[uuid.UUID, int]] = {}
    for a in result.assignments:
        out.setdefault(a.household_id, {})[a.flight_id] = a.people
    return out


def assert_valid(result: Plan, case: Instance) -> None:
    by_household = seats(result)
    flights = {f.id: f for f in case.flights}
    load = dict.fromkeys(flights, 0)
    used: dict[str, int] = {}
    checked_in = {(a.household_id, a.flight_id) for a in result.assignments if a.checked_in}
    pinned_people: dict[str, int] = {}
    for h in case.households:
        placed = by_household.get(h.household_id, {})
        if not h.split_allowed:
            assert len(placed) <= 1, f"{h.case_number} split"
            assert sum(placed.values()) in (0, h.size), f"{h.case_number} partly seated"
        assert sum(placed.values()) <= h.size
        for flight_id, people in placed.items():
            if (h.household_id, flight_id) in checked_in:
                # Checked in already: on board whatever eligibility and quotas say.
                pinned_people[h.category] = pinned_people.get(h.category, 0) + people
            else:
                assert flights[flight_id].may_carry(h.program, h.nationalities)
            load[flight_id] += people
            used[h.category] = used.get(h.category, 0) + people
        for flight_id, people in h.pinned:
            assert placed.get(flight_id, 0) >= people, f"{h.case_number} moved off its pin"
    for flight_id, people in load.items():
        flight = flights[flight_id]
        assert people <= flight.seats + (flight.surge_seats if case.surge else 0), flight.code
    for category, limit in case.quotas.items():
        assert used.get(category, 0) <= max(limit, pinned_people.get(category, 0)), category


def broken_precedence(result: Plan, case: Instance) -> list[tuple[str, str]]:
    """A household waiting while lower-level people it could replace fly (pins aside)."""
    by_household = seats(result)
    pinned = {(a.household_id, a.flight_id): a.checked_in for a in result.assignments}
    used: dict[str, int] = {}
    for h in case.households:
        used[h.category] = used.get(h.category, 0) + sum(
            by_household.get(h.household_id, {}).values()
        )
    found = []
    for h in case.households:
        waiting = h.size - sum(by_household.get(h.household_id, {}).values())
        if waiting == 0:
            continue
        need = 1 if h.split_allowed else waiting
        if h.category in case.quotas and case.quotas[h.category] - used[h.category] < need:
            continue
        for f in case.flights:
            if (
                not f.may_carry(h.program, h.nationalities)
                or (h.household_id, f.id) in result.missed
            ):
                continue
            capacity = f.seats + (f.surge_seats if case.surge else 0)
            aboard = [
                (o, by_household[o.household_id][f.id])
                for o in case.households
                if f.id in by_household.get(o.household_id, {})
            ]
            free = capacity - sum(p for _, p in aboard)
            lower = sum(
                p - pinned[(o.household_id, f.id)] for o, p in aboard if level(o, f) > level(h, f)
            )
            if free + lower >= need:
                found.append((h.case_number, f.code))
    return found


def levels(case: Instance) -> list[Level]:
    return sorted({(own, h.rank) for h in case.households for own in (0, 1)})


def key(
    by_household: Mapping[uuid.UUID, Mapping[uuid.UUID, int]], case: Instance
) -> tuple[tuple[int, ...], float]:
    flights = {f.id: f for f in case.flights}
    count: dict[Level, int] = {}
    priority = 0.0
    for h in case.households:
        for flight_id, people in by_household.get(h.household_id, {}).items():
            lv = level(h, flights[flight_id])
            count[lv] = count.get(lv, 0) + people
            priority += h.score * people
    return tuple(count.get(lv, 0) for lv in levels(case)), priority


def best_by_trying_all(case: Instance) -> tuple[tuple[int, ...], float]:
    options: list[Sequence[Flight | None]] = [
        [None, *(f for f in case.flights if f.may_carry(h.program, h.nationalities))]
        for h in case.households
    ]
    best = None
    for choice in itertools.product(*options):
        load: dict[uuid.UUID, int] = {}
        used: dict[str, int] = {}
        for h, f in zip(case.households, choice, strict=True):
            if f is not None:
                load[f.id] = load.get(f.id, 0) + h.size
                used[h.category] = used.get(h.category, 0) + h.size
        if any(
            load.get(f.id, 0) > f.seats + (f.surge_seats if case.surge else 0) for f in case.flights
        ):
            continue
        if any(used.get(c, 0) > limit for c, limit in case.quotas.items()):
            continue
        placed = {
            h.household_id: {f.id: h.size}
            for h, f in zip(case.households, choice, strict=True)
            if f
        }
        candidate = key(placed, case)
        if best is None or candidate > best:
            best = candidate
    assert best is not None  # seating nobody is always possible
    return best


def solve(case: Instance, **options: object) -> Plan:
    return plan(
        case.households,
        case.flights,
        case.quotas,
        time_limit_s=1.0,
        allow_surge=case.surge,
        **options,
    )  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=2**32)


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_the_greedy_plan_keeps_every_rule(seed: int) -> None:
    case = instance(seed, households=10, pins=True)
    result = greedy_plan(case.households, case.flights, case.quotas, allow_surge=case.surge)
    assert_valid(result, case)
    assert broken_precedence(result, case) == []
    assert result.report.status is PlanStatus.GREEDY


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_the_solver_finds_the_best_plan_that_trying_every_assignment_finds(seed: int) -> None:
    case = instance(seed, splits=False)
    result = solve(case)
    assert_valid(result, case)
    assert broken_precedence(result, case) == []
    assert key(seats(result), case) == best_by_trying_all(case)
    assert result.report.status is PlanStatus.OPTIMAL
    assert result.report.gap == 0
    assert result.report.objective == best_by_trying_all(case)[1]


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_the_solver_is_never_worse_than_greedy_and_keeps_every_rule(seed: int) -> None:
    case = instance(seed, households=10, pins=True)
    greedy = greedy_plan(case.households, case.flights, case.quotas, allow_surge=case.surge)
    result = solve(case)
    assert_valid(result, case)
    assert broken_precedence(result, case) == []
    assert key(seats(result), case) >= key(seats(greedy), case)


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_the_violation_report_agrees_with_the_rule(seed: int) -> None:
    case = instance(seed)
    result = greedy_plan(case.households, case.flights, case.quotas, allow_surge=case.surge)
    # Break the plan on purpose: take the best-placed household off, seat nobody instead.
    if result.assignments:
        result = dataclasses.replace(result, assignments=result.assignments[1:])
    expected = sorted(broken_precedence(result, case))
    found = sorted((v.case_number, v.flight_code) for v in precedence_violations(result))
    assert found == expected


def test_a_household_taken_off_while_it_still_fits_is_reported(
    make_flight: Callable[..., Flight], make_household: Callable[..., PlanningHousehold]
) -> None:
    flight = make_flight(4)
    first, second = make_household(2, rank=1), make_household(2, rank=2)
    result = greedy_plan([first, second], [flight])
    lower_only = dataclasses.replace(
        result,
        assignments=tuple(a for a in result.assignments if a.household_id != first.household_id),
    )
    assert [(v.case_number, v.flight_code) for v in precedence_violations(lower_only)] == [
        (first.case_number, flight.code)
    ]


# --- beyond the exact model: the greedy plan against the pooled-flights bound -------------------


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_a_plan_too_large_for_the_exact_model_is_bounded_by_the_best_plan(seed: int) -> None:
    case = instance(seed, splits=False)
    greedy = greedy_plan(case.households, case.flights, case.quotas, allow_surge=case.surge)
    result = solve(case, exact_limit=0)
    assert_valid(result, case)
    assert broken_precedence(result, case) == []
    assert seats(result) == seats(greedy)
    assert result.report.status in (PlanStatus.BOUNDED, PlanStatus.OPTIMAL)
    best_levels, best_priority = best_by_trying_all(case)
    reached = key(seats(result), case)
    assert all(stage.bound >= stage.value for stage in result.report.stages)
    assert result.report.bound is not None
    if reached[0] == best_levels:
        assert result.report.bound >= best_priority - 1e-6
    if result.report.status is PlanStatus.OPTIMAL:
        assert reached == (best_levels, best_priority)


def test_the_pooled_bound_shows_the_people_greedy_leaves_behind(
    make_flight: Callable[..., Flight], make_household: Callable[..., PlanningHousehold]
) -> None:
    flight = make_flight(4)
    first = make_household(3, score=10)
    pair = [make_household(2, score=9), make_household(2, score=8)]
    result = plan([first, *pair], [flight], time_limit_s=5, exact_limit=0)
    assert result.report.status is PlanStatus.BOUNDED
    people = result.report.stages[0]
    # Greedy seats the best household, three people; the two pairs would fill all four seats.
    assert (people.value, people.bound) == (3, 4)
    assert result.report.precedence_gap == 0.25
    exact = plan([first, *pair], [flight], time_limit_s=5)
    assert {a.household_id for a in exact.assignments} == {h.household_id for h in pair}


def test_standby_lists_cover_every_flight_and_only_those(
    make_flight: Callable[..., Flight], make_household: Callable[..., PlanningHousehold]
) -> None:
    flights = [make_flight(2), make_flight(2, programs=frozenset({"p2"}))]
    households = [
        make_household(2, score=5),
        make_household(2, score=4, program="p2"),
        make_household(1, score=1),
    ]
    result = greedy_plan(households, flights)
    assert set(result.standby) == {f.id for f in flights}
    assert len(result.standby) == 2
    assert result.standby[flights[0].id] == (households[2].household_id,)
    assert result.standby[flights[1].id] == ()
    with pytest.raises(KeyError):
        result.standby[uuid.uuid4()]


def test_the_pooled_bound_counts_each_household_once(
    make_flight: Callable[..., Flight], make_household: Callable[..., PlanningHousehold]
) -> None:
    # Two pools (only one flight takes program p2); the two alike households may go to either,
    # but each only once.
    flights = [make_flight(10), make_flight(10, programs=frozenset({"siv"}))]
    households = [
        make_household(2, score=3),
        make_household(2, score=1),
        make_household(3, rank=2, program="p2"),
    ]
    result = plan(households, flights, time_limit_s=5, exact_limit=0)
    assert result.report.status is PlanStatus.OPTIMAL
    assert [(s.value, s.bound) for s in result.report.stages] == [(4, 4), (3, 3), (8, 8)]
    assert result.report.gap == 0
