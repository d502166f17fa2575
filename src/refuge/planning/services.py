"""Planning use cases over plain inputs: make a plan (greedy, then CP-SAT warm-started from it),
re-offer the seats of no-shows to standby. Callers with a unit of work store the results."""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from refuge.domain import Conflict, Flight, InvalidInput, NotFound
from refuge.planning.households import PlanningHousehold
from refuge.planning.plans import Plan, PlanStatus, SolveReport, build_plan
from refuge.planning.seating import Seating

if TYPE_CHECKING:
    from refuge.planning.solver import SolverOutcome

__all__ = ["greedy_plan", "plan", "reoffer"]

log = logging.getLogger(__name__)

# Measured on this project's benchmark (2 cores): the exact model of 20,000 households on 200
# flights has about 86,000 variables and its precedence stages alone took the whole minute.
EXACT_LIMIT = 30_000


def greedy_plan(
    households: Sequence[PlanningHousehold],
    flights: Sequence[Flight],
    quotas: Mapping[str, int] | None = None,
    *,
    allow_surge: bool = False,
    previous: Plan | None = None,
) -> Plan:
    """The fast plan, always available: own nationals onto their nation's aircraft, then everyone
    in order of precedence and priority onto the earliest flight with room (their previous flight
    first). It respects precedence by construction."""
    started = time.monotonic()
    seating = _seating(households, flights, quotas, allow_surge)
    seating.fill(_preferred(seating, previous))
    report = SolveReport(PlanStatus.GREEDY, seating.priority(), None, time.monotonic() - started)
    return build_plan(seating, version=_next_version(previous), report=report)


def plan(
    households: Sequence[PlanningHousehold],
    flights: Sequence[Flight],
    quotas: Mapping[str, int] | None = None,
    *,
    time_limit_s: float = 30.0,
    allow_surge: bool = False,
    previous: Plan | None = None,
    workers: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> Plan:
    """Seat approved households on flights. Lexicographic objective: people seated at each level
    of precedence in turn (a partner nation's own nationals on its aircraft first), then the sum
    of priority score x members seated; then, without changing who flies, each household (best
    first) moves to the earliest flight with room it may take. A household is never split unless
    it allows it; capacity (surge seats only if `allow_surge`), eligibility and category quotas
    (people) hold. Checked-in members (`PlanningHousehold.pinned`) are on board whatever the rest
    says, and count against capacity and quotas.

    CP-SAT gets `time_limit_s` in all (the greedy plan's time included), warm-started from the
    greedy plan; the greedy plan is returned instead when the solver is missing, finds nothing in
    time, or does no better. `previous` keeps households on their flights where nothing better is
    at stake.

    When the exact model would count more than `exact_limit` household groups x flights (tens
    of thousands of households on hundreds of flights), CP-SAT on it proves little within a minute
    on a few cores; the greedy plan, which respects precedence by construction, is then measured
    against the bound of a relaxation that pools interchangeable flights (`relaxed_bound`)."""
    if time_limit_s <= 0:
        raise InvalidInput("time_limit_s must be positive")
    # Imported here: OR-Tools takes seconds to load, which commands that do not plan should not
    # pay for.
    solver: ModuleType | None
    try:
        solver = importlib.import_module("refuge.planning.solver")
    except ImportError:  # OR-Tools is a dependency, but a broken install must not stop planning
        solver = None
    started = time.monotonic()
    greedy = _seating(households, flights, quotas, allow_surge)
    preferred = _preferred(greedy, previous)
    greedy.fill(preferred)
    version = _next_version(previous)
    if solver is None:
        log.warning("OR-Tools unavailable; using the greedy plan")
        return _greedy_result(greedy, version, started, "solver unavailable")
    seating = _seating(households, flights, quotas, allow_surge)
    # The greedy plan's time counts against the limit, and as much again is kept for the checks
    # after the solve, which walk the same households; the solver always gets a moment to try.
    budget = max(time_limit_s - 2 * (time.monotonic() - started), min(time_limit_s, 0.05))
    units = solver.units(seating)
    size = solver.model_size(units, seating)
    if size > exact_limit:
        bounded = solver.relaxed_bound(
            seating, greedy, time_limit_s=budget, workers=workers, units=units
        )
        return _pooled(bounded, greedy, version, started, size)
    outcome: SolverOutcome = solver.solve(
        seating, greedy, time_limit_s=budget, preferred=preferred, workers=workers
    )
    if not outcome.solved:
        return _greedy_result(greedy, version, started, outcome.note)
    solved = seating.rank_key()
    seating.move_earlier(preferred)
    # A solution cut short by the time limit may leave someone it could have seated; repair.
    bumped = seating.settle(preferred)
    changed = seating.rank_key() != solved
    if seating.rank_key() < greedy.rank_key():
        return _greedy_result(greedy, version, started, "solver did no better than greedy")
    note = outcome.note
    if bumped:
        note = f"{note}; precedence repaired after the solver ({bumped} moved)".lstrip("; ")
    report = SolveReport(
        PlanStatus.OPTIMAL if outcome.optimal and not changed else PlanStatus.FEASIBLE,
        # The plan's own figure: seating each group's best members can only beat the solver's.
        objective=seating.priority(),
        # A repair changed what the earlier stages reached, so the bound no longer applies.
        bound=None if changed else outcome.bound,
        seconds=time.monotonic() - started,
        stages=outcome.stages,
        note=note,
    )
    return build_plan(seating, version=version, report=report)


def _pooled(
    outcome: SolverOutcome, greedy: Seating, version: int, started: float, size: int
) -> Plan:
    note = f"exact model too large ({size:,} variables); bound from flights pooled"
    if outcome.note:
        note = f"{note}; {outcome.note}"
    report = SolveReport(
        PlanStatus.OPTIMAL if outcome.optimal else PlanStatus.BOUNDED,
        objective=greedy.priority(),
        bound=outcome.bound,
        seconds=time.monotonic() - started,
        stages=outcome.stages,
        note=note,
    )
    return build_plan(greedy, version=version, report=report)


def reoffer(
    plan: Plan, no_shows: Iterable[uuid.UUID], checked_in: Iterable[uuid.UUID] = ()
) -> Plan:
    """Free the seats of households that did not turn up and offer them, flight by flight in
    departure order, to each flight's standby list in order. Checked-in households are pinned;
    nobody already seated moves. A no-show waits on standby for other flights, not the one it
    missed. Being quick and stable, it does not take anyone off for a waiting household of higher
    precedence that the freed seats alone cannot hold; a full `plan` with `previous` does."""
    started = time.monotonic()
    missing = set(no_shows)
    arrived = set(checked_in)
    if missing & arrived:
        raise Conflict("a household is both checked in and a no-show")
    known = {h.household_id for h in plan.households}
    for household_id in missing | arrived:
        if household_id not in known:
            raise NotFound(f"household {household_id} is not in plan")
    missed = plan.missed | {
        (a.household_id, a.flight_id) for a in plan.assignments if a.household_id in missing
    }
    seating = plan.seating(blocked=missed)
    for household_id in arrived:
        i = seating.household_index[household_id]
        if not seating.places[i]:
            raise Conflict(f"case {seating.households[i].case_number}: checked in without a seat")
        for j, people in seating.places[i].items():
            seating.pins[i][j] = people
    freed: set[int] = set()
    for household_id in missing:
        i = seating.household_index[household_id]
        for j in list(seating.places[i]):
            if seating.take_off(i, j):
                freed.add(j)
    for j in sorted(freed):
        waiting = [i for i in seating.order if seating.waiting(i) > 0 and j in seating.eligible[i]]
        waiting.sort(key=lambda i: seating.level(i, j))  # stable: keeps priority order inside
        for i in waiting:
            if seating.room(j) == 0:
                break
            seating.try_place(i, [j])
    report = SolveReport(
        PlanStatus.REOFFERED,
        seating.priority(),
        None,
        time.monotonic() - started,
        note=f"{len(missing)} no-shows, {len(freed)} flights re-offered",
    )
    return build_plan(seating, version=plan.version + 1, report=report, missed=missed)


def _seating(
    households: Sequence[PlanningHousehold],
    flights: Sequence[Flight],
    quotas: Mapping[str, int] | None,
    allow_surge: bool,
) -> Seating:
    seating = Seating(households, flights, quotas, allow_surge=allow_surge)
    seating.seat_pins()
    return seating


def _preferred(seating: Seating, previous: Plan | None) -> dict[int, list[int]]:
    if previous is None:
        return {}
    out: dict[int, list[int]] = {}
    for a in previous.assignments:
        i = seating.household_index.get(a.household_id)
        j = seating.flight_index.get(a.flight_id)
        if i is not None and j is not None:
            out.setdefault(i, []).append(j)
    return out


def _next_version(previous: Plan | None) -> int:
    return 1 if previous is None else previous.version + 1


def _greedy_result(seating: Seating, version: int, started: float, note: str) -> Plan:
    report = SolveReport(
        PlanStatus.GREEDY, seating.priority(), None, time.monotonic() - started, note=note
    )
    return build_plan(seating, version=version, report=report)
