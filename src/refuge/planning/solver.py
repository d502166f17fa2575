"""The CP-SAT model of a plan, solved stage by stage for a lexicographic objective: people seated
at each level of precedence in turn (each stage keeps what the earlier ones reached), then the
priority-weighted people seated.

Households that may not be split, are not pinned and share category, size, eligible flights and
the flights where they are own nationals are interchangeable but for their scores, so the model
counts them per flight instead of choosing each one: the best k of such a group are always its k
highest scores (swapping one seated for a higher one of the group keeps every constraint), so the
priority of k seated is a table look-up. This keeps the model a few thousand integers for tens of
thousands of households, and exact."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from refuge.planning.households import precedence_order
from refuge.planning.plans import StageReport
from refuge.planning.seating import Level, Seating, level_name

__all__ = ["SolverOutcome", "solve"]

# Scores are decimals; the solver works in integers, so they are counted in hundredths.
SCORE_SCALE = 100


@dataclass(slots=True)
class _Group:
    members: list[int]  # household indexes, best first
    size: int
    category: str
    flights: tuple[int, ...]
    levels: dict[int, Level]
    counts: dict[int, cp_model.IntVar]


@dataclass(frozen=True, slots=True)
class SolverOutcome:
    solved: bool  # a solution was found and written into the seating
    optimal: bool
    objective: float
    bound: float
    stages: tuple[StageReport, ...]
    seconds: float
    note: str


def solve(
    seating: Seating,
    hint: Seating,
    *,
    time_limit_s: float,
    preferred: Mapping[int, Sequence[int]],
    workers: int = 0,
) -> SolverOutcome:
    """Solve on `seating` (pins seated, nothing else) and write the solution into it. `hint` is a
    complete plan of the same inputs (the greedy one) to start from."""
    started = time.monotonic()
    model = cp_model.CpModel()
    groups, singles = _units(seating)
    loads: list[list[cp_model.LinearExprT]] = [[] for _ in seating.flights]
    by_category: dict[str, list[cp_model.LinearExprT]] = {}
    by_level: dict[Level, list[cp_model.LinearExprT]] = {}
    priority: list[cp_model.LinearExprT] = []

    for g, group in enumerate(groups):
        for j in group.flights:
            top = min(len(group.members), seating.room(j) // group.size)
            var = model.new_int_var(0, top, f"n{g}_{j}")
            group.counts[j] = var
            loads[j].append(group.size * var)
            by_level.setdefault(group.levels[j], []).append(group.size * var)
        if not group.counts:
            continue
        taken = model.new_int_var(0, len(group.members), f"k{g}")
        model.add(taken == sum(group.counts.values()))
        by_category.setdefault(group.category, []).append(group.size * taken)
        table = [0]
        for i in group.members:
            table.append(table[-1] + _scaled(seating, i) * group.size)
        worth = model.new_int_var(min(table), max(table), f"p{g}")
        model.add_element(taken, table, worth)
        priority.append(worth)
        hinted = {j: 0 for j in group.counts}
        for i in group.members:
            for j in hint.places[i]:
                if j in hinted:
                    hinted[j] += 1
        for j, var in group.counts.items():
            model.add_hint(var, min(hinted[j], len(group.members)))

    split_vars: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in singles:
        waiting = seating.waiting(i)
        household = seating.households[i]
        people = []
        for j in seating.eligible[i]:
            var = model.new_int_var(0, min(waiting, seating.room(j)), f"y{i}_{j}")
            split_vars[i, j] = var
            loads[j].append(var)
            by_level.setdefault(seating.level(i, j), []).append(var)
            people.append(var)
            pinned = seating.pins[i].get(j, 0)
            model.add_hint(var, max(0, hint.places[i].get(j, 0) - pinned))
        if people:
            model.add(sum(people) <= waiting)
            by_category.setdefault(household.category, []).append(sum(people))
            priority.append(_scaled(seating, i) * sum(people))

    for j, terms in enumerate(loads):
        if terms:
            model.add(sum(terms) <= seating.room(j))
    for category, terms in by_category.items():
        if category in seating.quotas:
            left = max(0, seating.quotas[category] - seating.quota_used[category])
            model.add(sum(terms) <= left)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    stages: list[StageReport] = []
    levels = [lv for lv in seating.all_levels if lv in by_level]
    objectives: list[tuple[str, cp_model.LinearExprT]] = [
        (level_name(lv), sum(by_level[lv])) for lv in levels
    ]
    objectives.append(("priority", sum(priority)))
    counts: dict[tuple[int, int], int] = {}
    splits: dict[tuple[int, int], int] = {}
    found = False
    optimal = True
    note = ""
    for s, (name, expression) in enumerate(objectives):
        remaining = time_limit_s - (time.monotonic() - started)
        if remaining <= 0:
            note = f"time limit reached before stage {name}"
            optimal = False
            break
        solver.parameters.max_time_in_seconds = remaining / (len(objectives) - s)
        model.maximize(expression)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            note = f"no solution in stage {name} ({solver.status_name(status)})"
            optimal = False
            break
        found = True
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        scale = SCORE_SCALE if name == "priority" else 1
        stages.append(
            StageReport(name, solver.status_name(status).lower(), value / scale, bound / scale)
        )
        optimal = optimal and status == cp_model.OPTIMAL
        model.add(expression >= value)
        # Each stage starts from the previous stage's solution, which is feasible for it.
        model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in OR-Tools' stubs
        for group in groups:
            for var in group.counts.values():
                model.add_hint(var, solver.value(var))
        for var in split_vars.values():
            model.add_hint(var, solver.value(var))
        counts = {
            (g, j): solver.value(v) for g, gr in enumerate(groups) for j, v in gr.counts.items()
        }
        splits = {key: solver.value(var) for key, var in split_vars.items()}

    seconds = time.monotonic() - started
    if not found:
        return SolverOutcome(False, False, 0.0, 0.0, tuple(stages), seconds, note)
    _write(seating, groups, counts, splits, preferred)
    last = stages[-1]
    return SolverOutcome(True, optimal, last.value, last.bound, tuple(stages), seconds, note)


def _scaled(seating: Seating, i: int) -> int:
    return round(seating.households[i].score * SCORE_SCALE)


def _units(seating: Seating) -> tuple[list[_Group], list[int]]:
    groups: dict[tuple[object, ...], _Group] = {}
    singles: list[int] = []
    for i in seating.order:  # best first, so each group's members come out best first
        household = seating.households[i]
        if seating.waiting(i) <= 0 or not seating.eligible[i]:
            continue
        if household.split_allowed or seating.places[i]:
            singles.append(i)
            continue
        flights = seating.eligible[i]
        key = (household.category, household.size, flights, seating.own[i])
        group = groups.get(key)
        if group is None:
            levels = {j: seating.level(i, j) for j in flights}
            group = _Group([], household.size, household.category, flights, levels, {})
            groups[key] = group
        group.members.append(i)
    return list(groups.values()), singles


def _write(
    seating: Seating,
    groups: list[_Group],
    counts: Mapping[tuple[int, int], int],
    splits: Mapping[tuple[int, int], int],
    preferred: Mapping[int, Sequence[int]],
) -> None:
    """Seat the solution: each group's best members, those keeping their previous flight first,
    the rest by priority onto the earliest flights the solution gives the group."""
    for g, group in enumerate(groups):
        slots = {j: counts[g, j] for j in group.counts if counts[g, j] > 0}
        total = sum(slots.values())
        if not total:
            continue
        # Among equal scores, one who had a seat keeps it rather than a newcomer taking it.
        chosen = sorted(
            group.members,
            key=lambda i: (precedence_order(seating.households[i])[:2], i not in preferred, i),
        )[:total]
        rest = []
        for i in chosen:
            kept = next((j for j in preferred.get(i, ()) if slots.get(j, 0) > 0), None)
            if kept is None:
                rest.append(i)
                continue
            seating.put(i, kept, group.size)
            slots[kept] -= 1
        flights = iter(sorted(j for j, n in slots.items() for _ in range(n)))
        for i in rest:
            seating.put(i, next(flights), group.size)
    for (i, j), people in splits.items():
        if people:
            seating.put(i, j, people)
