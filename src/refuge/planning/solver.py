"""The CP-SAT model of a plan, solved stage by stage for a lexicographic objective: people seated
at each level of precedence in turn (each stage keeps what the earlier ones reached), then the
priority-weighted people seated.

Households that may not be split, are not pinned and share category, size, eligible flights and
the flights where they are own nationals are interchangeable but for their scores, so the model
counts them per flight instead of choosing each one: the best k of such a group are always its k
highest scores (swapping one seated for a higher one of the group keeps every constraint), so
only the number seated matters. This keeps the model to a few thousand integers for tens of
thousands of households, and exact."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from refuge.planning.households import precedence_order
from refuge.planning.plans import StageReport
from refuge.planning.seating import Level, Seating, level_name

__all__ = ["SolverOutcome", "model_size", "relaxed_bound", "solve", "units"]

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
    taken: cp_model.IntVar | None = None
    chosen: list[cp_model.IntVar] | None = None  # how many seated of each run of equal scores
    runs: list[int] | None = None  # members in each run, best scores first


@dataclass(frozen=True, slots=True)
class SolverOutcome:
    solved: bool  # a solution was found and written into the seating
    optimal: bool
    objective: float | None  # of the priority stage, if it was reached
    bound: float | None
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
    gap_limit: float = 1e-4,
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
        # How many are seated of each score, their sum tied to the group's: the priority of k
        # seated is then exactly the best k scores in the linear relaxation too (it takes the best
        # first), which gives the solver a tight bound.
        runs = [
            (score, len(list(members)))
            for score, members in itertools.groupby(
                group.members, key=lambda i: _scaled(seating, i)
            )
        ]
        chosen = [model.new_int_var(0, n, f"z{g}_{r}") for r, (_, n) in enumerate(runs)]
        model.add(sum(chosen) == taken)
        priority.append(
            sum(score * group.size * z for (score, _), z in zip(runs, chosen, strict=True))
        )
        group.taken, group.chosen, group.runs = taken, chosen, [n for _, n in runs]
        hinted = {j: 0 for j in group.counts}
        for i in group.members:
            for j in hint.places[i]:
                if j in hinted:
                    hinted[j] += 1
        for j, var in group.counts.items():
            model.add_hint(var, hinted[j])
        _hint_group(model, group, sum(hinted.values()))

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

    # Members seated already (checked in) count in every stage, so its figures are the plan's.
    for i, places in enumerate(seating.places):
        for j, members in places.items():
            by_level.setdefault(seating.level(i, j), []).append(members)
            priority.append(_scaled(seating, i) * members)

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
    solver.parameters.linearization_level = 2
    stages: list[StageReport] = []
    levels = [lv for lv in seating.all_levels if lv in by_level]
    objectives = [(level_name(lv), sum(by_level[lv])) for lv in levels]
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
        # Precedence stages stop when within a few people in ten thousand of their bound: the
        # last person is the hardest to prove and the repair after the solve seats anyone left
        # who could take a lower level's place.
        solver.parameters.relative_gap_limit = gap_limit if name != "priority" else 0.0
        # Measured on 20,000 households: presolving the priority stage took seconds and gained
        # nothing over its linear relaxation, which is tight already; without it the stage was
        # proven four times sooner.
        solver.parameters.cp_model_presolve = name != "priority"
        model.maximize(expression)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            note = f"no solution in stage {name} ({solver.status_name(status)})"
            optimal = False
            break
        found = True
        value = round(solver.objective_value)
        bound = math.floor(solver.best_objective_bound + 1e-9)
        scale = SCORE_SCALE if name == "priority" else 1
        # CP-SAT says OPTIMAL when it stops at the gap limit too; only a met bound is optimal.
        proven = status == cp_model.OPTIMAL and value == bound
        stage_status = "optimal" if proven else "feasible"
        stages.append(StageReport(name, stage_status, value / scale, bound / scale))
        optimal = optimal and proven
        model.add(expression >= value)
        counts = {
            (g, j): solver.value(v) for g, gr in enumerate(groups) for j, v in gr.counts.items()
        }
        splits = {key: solver.value(var) for key, var in split_vars.items()}
        if s == len(objectives) - 1:
            break
        # A stage cares only for its level, so its solution may leave lower levels' seats empty;
        # the next stage starts from it topped up greedily, which keeps every stage's value.
        trial = seating.copy()
        _write(trial, groups, counts, splits, preferred)
        trial.fill(preferred)
        counts, splits = _read(trial, groups, split_vars)
        model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in OR-Tools' stubs
        for g, group in enumerate(groups):
            for j, var in group.counts.items():
                model.add_hint(var, counts[g, j])
            _hint_group(model, group, sum(counts[g, j] for j in group.counts))
        for key, var in split_vars.items():
            model.add_hint(var, splits[key])

    seconds = time.monotonic() - started
    if not found:
        return SolverOutcome(False, False, None, None, tuple(stages), seconds, note)
    _write(seating, groups, counts, splits, preferred)
    last = stages[-1]
    if last.name != "priority":
        return SolverOutcome(True, False, None, None, tuple(stages), seconds, note)
    return SolverOutcome(True, optimal, last.value, last.bound, tuple(stages), seconds, note)


def _hint_group(model: cp_model.CpModel, group: _Group, taken: int) -> None:
    if group.taken is None or group.chosen is None or group.runs is None:
        return
    model.add_hint(group.taken, taken)
    for z, members in zip(group.chosen, group.runs, strict=True):
        model.add_hint(z, min(members, taken))
        taken -= min(members, taken)


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


def _read(
    seating: Seating, groups: list[_Group], split_vars: Mapping[tuple[int, int], object]
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    counts = {}
    for g, group in enumerate(groups):
        for j in group.counts:
            counts[g, j] = 0
        for i in group.members:
            for j in seating.places[i]:
                counts[g, j] += 1
    splits = {
        (i, j): seating.places[i].get(j, 0) - seating.pins[i].get(j, 0) for i, j in split_vars
    }
    return counts, splits


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


def units(seating: Seating) -> tuple[list[_Group], list[int]]:
    """What the models count: groups of interchangeable households, and households counted alone
    (those that may be split or have members checked in)."""
    return _units(seating)


def model_size(units: tuple[list[_Group], list[int]], seating: Seating) -> int:
    """How many counting variables the exact model would have: one per group and flight it may
    take, one per household counted alone and flight."""
    groups, singles = units
    return sum(len(g.flights) for g in groups) + sum(len(seating.eligible[i]) for i in singles)


def relaxed_bound(
    seating: Seating,
    plan: Seating,
    *,
    time_limit_s: float,
    workers: int = 0,
    gap_limit: float = 1e-5,
    units: tuple[list[_Group], list[int]] | None = None,
) -> SolverOutcome:
    """Bounds for `plan` (a complete plan of the inputs `seating` holds, pins seated) from a
    relaxation: flights that every household may take alike (same eligibility and own-nationals
    status for all) are pooled, their free seats summed, so households are counted per pool
    instead of per flight. Any plan is a solution of the pooled model, so what it cannot beat no
    plan can. Stage by stage as the exact model: the most people of each level given that the
    levels before keep what `plan` seated there, then the priority bound given that every level
    keeps what `plan` seated. A few hundred variables, whatever the number of flights."""
    started = time.monotonic()
    groups, singles = units if units is not None else _units(seating)
    pools: dict[tuple[object, ...], list[int]] = {}
    kinds: dict[int, frozenset[int]] = {}
    for i in range(len(seating.households)):
        kinds.setdefault(id(seating.eligible[i]), frozenset(seating.eligible[i]))
    owns = list({seating.own[i] for i in range(len(seating.households)) if seating.own[i]})
    eligibles = list(kinds.values())
    for j in range(len(seating.flights)):
        signature = (
            tuple(j in e for e in eligibles),
            tuple(j in o for o in owns),
        )
        pools.setdefault(signature, []).append(j)
    pool_of = {j: p for p, flights in enumerate(pools.values()) for j in flights}
    room = [sum(seating.room(j) for j in flights) for flights in pools.values()]

    model = cp_model.CpModel()
    loads: list[list[cp_model.LinearExprT]] = [[] for _ in room]
    by_category: dict[str, list[cp_model.LinearExprT]] = {}
    by_level: dict[Level, list[cp_model.LinearExprT]] = {}
    priority: list[cp_model.LinearExprT] = []
    taken: list[tuple[_Group, cp_model.LinearExprT]] = []
    for g, group in enumerate(groups):
        # One representative flight per pool: level and eligibility are the same across a pool.
        reps = {pool_of[j]: j for j in group.flights}
        counts = []
        for p, j in reps.items():
            var = model.new_int_var(0, min(len(group.members), room[p] // group.size), f"n{g}_{p}")
            counts.append(var)
            loads[p].append(group.size * var)
            by_level.setdefault(group.levels[j], []).append(group.size * var)
        if not counts:
            continue
        model.add(sum(counts) <= len(group.members))
        by_category.setdefault(group.category, []).append(group.size * sum(counts))
        taken.append((group, sum(counts)))
    for i in singles:
        reps = {pool_of[j]: j for j in seating.eligible[i]}
        people = []
        for p, j in reps.items():
            var = model.new_int_var(0, min(seating.waiting(i), room[p]), f"y{i}_{p}")
            loads[p].append(var)
            by_level.setdefault(seating.level(i, j), []).append(var)
            people.append(var)
        if people:
            model.add(sum(people) <= seating.waiting(i))
            by_category.setdefault(seating.households[i].category, []).append(sum(people))
            priority.append(_scaled(seating, i) * sum(people))
    pinned_priority = 0
    for i, places in enumerate(seating.places):
        for j, members in places.items():
            by_level.setdefault(seating.level(i, j), []).append(members)
            pinned_priority += _scaled(seating, i) * members
    priority.append(pinned_priority)
    for p, terms in enumerate(loads):
        if terms:
            model.add(sum(terms) <= room[p])
    for category, terms in by_category.items():
        if category in seating.quotas:
            left = max(0, seating.quotas[category] - seating.quota_used[category])
            model.add(sum(terms) <= left)

    reached = plan.people_by_level()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    stages: list[StageReport] = []
    levels = [lv for lv in seating.all_levels if lv in by_level]
    objectives: list[tuple[str, cp_model.LinearExprT, int]] = [
        (level_name(lv), sum(by_level[lv]), reached.get(lv, 0)) for lv in levels
    ]
    target = round(plan.priority() * SCORE_SCALE)
    objectives.append(("priority", 0, target))
    optimal = True
    note = ""
    for s, (name, expression, value) in enumerate(objectives):
        if name == "priority":
            # Added only now: a group's runs of equal scores are most of the model (one per
            # household when scores rarely tie), and the precedence stages need none of them.
            expression = sum([*priority, _runs(model, seating, taken)])
        remaining = time_limit_s - (time.monotonic() - started)
        if remaining <= 0:
            note = f"time limit reached before the bound of stage {name}"
            optimal = False
            break
        solver.parameters.max_time_in_seconds = remaining / (len(objectives) - s)
        # The plan is fixed and only its bound is sought: proving the last hundred-thousandth
        # took the priority stage of 100,000 households past half a minute on two cores.
        solver.parameters.relative_gap_limit = gap_limit
        # As in `solve`: the priority stage's linear relaxation is tight, presolve only costs.
        solver.parameters.cp_model_presolve = name != "priority"
        model.maximize(expression)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            note = f"no bound for stage {name} ({solver.status_name(status)})"
            optimal = False
            break
        bound = max(math.floor(solver.best_objective_bound + 1e-9), value)
        scale = SCORE_SCALE if name == "priority" else 1
        proven = value >= bound
        stages.append(
            StageReport(name, "optimal" if proven else "feasible", value / scale, bound / scale)
        )
        optimal = optimal and proven
        # The next stages ask what is possible while this level keeps what the plan reached.
        model.add(expression >= value)
    seconds = time.monotonic() - started
    last = stages[-1] if stages else None
    if last is None or last.name != "priority":
        return SolverOutcome(True, False, None, None, tuple(stages), seconds, note)
    return SolverOutcome(True, optimal, last.value, last.bound, tuple(stages), seconds, note)


def _runs(
    model: cp_model.CpModel, seating: Seating, taken: list[tuple[_Group, cp_model.LinearExprT]]
) -> cp_model.LinearExprT:
    """The priority of each group's seated members: how many of each run of equal scores, the
    best runs first (the relaxation takes them so, being their sum tied to the group's)."""
    terms: list[cp_model.LinearExprT] = []
    for g, (group, count) in enumerate(taken):
        runs = [
            (score, len(list(members)))
            for score, members in itertools.groupby(
                group.members, key=lambda i: _scaled(seating, i)
            )
        ]
        chosen = [model.new_int_var(0, n, f"z{g}_{r}") for r, (_, n) in enumerate(runs)]
        model.add(sum(chosen) == count)
        terms.append(
            sum(score * group.size * z for (score, _), z in zip(runs, chosen, strict=True))
        )
    return sum(terms)
