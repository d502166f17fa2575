"""Greedy plan against `plan` (CP-SAT) on the issue's instances, side by side in one run:
1,000 households on 10 flights, 20,000 on 200, 100,000 on 1,000.

Households fall in five categories of precedence (programs tied to them, a few dual nationals of
partner nations, 2% allowed to split), averaging about six people, third-country nationals mostly
single; about 1.5 people per seat. Flights are real aircraft of 150-660 seats, some with surge
seats (a C-17 to 800) over ten days, some of them partner nations' aircraft carrying their own
nationals first and the programs they agreed to; people quotas on two categories. Printed per
method: time, seats filled, people per level, priority-weighted people seated, precedence
violations, and the gap of each to the bound `plan` proved; then the ratio solver / greedy, and
the time to re-offer the seats of no-shows. Beyond the exact model's size `plan` keeps the greedy
plan and proves its bound on pooled flights (status "bounded"; see `refuge.planning.plan`).

    .venv/bin/python benchmarks/planning.py [--sizes 1000x10,20000x200] [--time-limit 55]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid

from refuge.domain import Flight
from refuge.planning import (
    ChangeKind,
    Evaluation,
    Plan,
    PlanningHousehold,
    diff,
    evaluate,
    greedy_plan,
    plan,
    precedence_violations,
    reoffer,
)

START = dt.datetime(2021, 8, 15, 6, 0, tzinfo=dt.UTC)
# (category, rank, program, share of households, nationalities to draw from)
CATEGORIES = [
    ("citizens", 1, "citizens", 0.05, ["USA", "GBR", "DEU"]),
    ("siv", 2, "siv", 0.20, ["AFG"]),
    ("at-risk", 3, "p1", 0.25, ["AFG"]),
    ("p2", 4, "p2", 0.30, ["AFG"]),
    ("partner", 5, "partner-tcn", 0.20, ["AFG", "PAK", "IND", "NPL"]),
]
# People quotas per 1,000 households, scaled with the instance.
QUOTAS_PER_1000 = {"at-risk": 900, "p2": 700}
PARTNERS = {"GBR": frozenset({"citizens", "partner-tcn"}), "DEU": frozenset({"partner-tcn"})}
# (aircraft, seats, surge seats the operator allows, share of flights); a C-17 took 800+ in 2021.
AIRCRAFT = [
    ("A320", 150, 0, 0.15),
    ("B737", 189, 0, 0.10),
    ("A330", 300, 30, 0.20),
    ("B767", 350, 0, 0.15),
    ("B777", 400, 40, 0.15),
    ("C-17", 400, 400, 0.15),
    ("B747", 660, 0, 0.10),
]


def household_size(category: str, rng: random.Random) -> int:
    """Afghan households average about 6-7 people; third-country nationals are mostly single
    workers."""
    if category == "partner" and rng.random() < 0.7:
        return 1
    if category == "citizens" and rng.random() < 0.4:
        return 1
    return max(1, min(15, round(rng.gauss(7.0, 2.5))))


def households(count: int, rng: random.Random) -> list[PlanningHousehold]:
    out = []
    weights = [c[3] for c in CATEGORIES]
    for n in range(count):
        category, rank, program, _, nations = rng.choices(CATEGORIES, weights)[0]
        nationalities = [rng.choice(nations)]
        if nationalities == ["AFG"] and rng.random() < 0.05:
            nationalities.append(rng.choice(["GBR", "DEU"]))  # a dual national of a partner
        out.append(
            PlanningHousehold(
                household_id=uuid.UUID(int=rng.getrandbits(128)),
                case_number=f"RF-{n:06d}",
                program=program,
                category=category,
                rank=rank,
                score=round(rng.uniform(0, 100), 2),  # few ties: the greedy cut is rarely free
                size=household_size(category, rng),
                nationalities=tuple(nationalities),
                split_allowed=rng.random() < 0.02,
            )
        )
    return out


def flights(count: int, rng: random.Random) -> list[Flight]:
    out = []
    weights = [a[3] for a in AIRCRAFT]
    for n in range(count):
        # Departures spread over ten days, each within a window of two to six hours.
        departs = START + dt.timedelta(hours=rng.uniform(0, 240))
        state = rng.choices([None, "GBR", "DEU"], [0.7, 0.15, 0.15])[0]
        aircraft, seats, surge, _ = rng.choices(AIRCRAFT, weights)[0]
        out.append(
            Flight(
                code=f"RCH{n:04d}" if state is None else f"{state[:2]}{n:04d}",
                aircraft=aircraft,
                seats=seats,
                origin="KBL",
                destination="DOH",
                departs_earliest=departs,
                departs_latest=departs + dt.timedelta(hours=rng.choice([2, 3, 4, 6])),
                surge_seats=surge,
                operator_state=state,
                programs=PARTNERS[state] if state else frozenset(),
                # A partner's aircraft takes its own nationals and the Afghans and third-country
                # nationals of the programs it agreed to.
                nationalities=frozenset({state, "AFG", "PAK", "IND", "NPL"})
                if state
                else frozenset(),
                id=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    return out


def row(
    name: str, seconds: float, result: Plan, measures: Evaluation, bound: float | None
) -> list[str]:
    """The gap of either plan is to the bound the solver proved (on priority, once every level of
    precedence is at its best)."""
    report = result.report
    by_level = " ".join(str(people) for _, people in measures.people_by_level)
    gap = None if bound is None or bound <= 0 else (bound - measures.priority) / bound
    return [
        name,
        f"{seconds:.2f}",
        f"{measures.seats_filled}/{measures.seats}",
        by_level,
        f"{measures.priority:,.0f}",
        str(len(precedence_violations(result))),
        str(report.status),
        "-" if bound is None else f"{bound:,.0f}",
        "-" if gap is None else f"{gap:.6%}",
    ]


def run(count: int, flights_count: int, time_limit: float, seed: int, workers: int) -> None:
    rng = random.Random(seed)
    people = households(count, rng)
    aircraft = flights(flights_count, rng)
    quotas = {c: q * count // 1000 for c, q in QUOTAS_PER_1000.items()}
    print(
        f"\n{len(people):,} households ({sum(h.size for h in people):,} people, "
        f"{sum(h.size == 1 for h in people):,} singles), "
        f"{len(aircraft)} flights ({sum(f.seats for f in aircraft):,} seats "
        f"+ {sum(f.surge_seats for f in aircraft):,} surge), "
        f"quotas {quotas}, solver time limit {time_limit:g} s, {workers} workers"
    )
    start = time.perf_counter()
    greedy = greedy_plan(people, aircraft, quotas, allow_surge=True)
    greedy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    solved = plan(
        people, aircraft, quotas, time_limit_s=time_limit, allow_surge=True, workers=workers
    )
    solver_seconds = time.perf_counter() - start
    g, s = evaluate(greedy), evaluate(solved)
    header = [
        "method",
        "time s",
        "seats filled",
        "people per level",
        "priority x people",
        "violations",
        "status",
        "bound",
        "gap",
    ]
    rows = [
        header,
        row("greedy", greedy_seconds, greedy, g, solved.report.bound),
        row("cp-sat", solver_seconds, solved, s, solved.report.bound),
    ]
    widths = [max(len(r[k]) for r in rows) for k in range(len(header))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    print("levels: " + ", ".join(name for name, _ in g.people_by_level))
    for stage in solved.report.stages:
        print(
            f"  stage {stage.name}: {stage.status}, {stage.value:,.0f} (bound {stage.bound:,.0f})"
        )
    if solved.report.note:
        print(f"  note: {solved.report.note}")
    print(
        f"ratio cp-sat / greedy: priority x people {s.priority / g.priority:.4f}, "
        f"seats filled {s.seats_filled / g.seats_filled:.4f}, "
        f"time {solver_seconds / greedy_seconds:.1f}"
    )
    # The gate: 2% of the seated households do not turn up at the first three flights.
    first = {f.id for f in solved.flights[:3]}
    seated = [a.household_id for a in solved.assignments if a.flight_id in first]
    missing = rng.sample(seated, max(1, len(seated) // 50))
    start = time.perf_counter()
    after = reoffer(solved, no_shows=missing, checked_in=[h for h in seated if h not in missing])
    seconds = time.perf_counter() - start
    refilled = sum(1 for c in diff(solved, after).changes if c.kind is ChangeKind.ASSIGNED)
    print(
        f"reoffer: {len(missing)} no-show households, {refilled} standby households seated "
        f"in {seconds:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000x10,20000x200,100000x1000",
        help="households x flights, comma-separated",
    )
    parser.add_argument("--time-limit", type=float, default=55.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import refuge.planning.solver  # noqa: F401 -- load OR-Tools outside the timings

    for size in args.sizes.split(","):
        count, flights_count = (int(part) for part in size.split("x"))
        run(count, flights_count, args.time_limit, args.seed, args.workers)


if __name__ == "__main__":
    main()
