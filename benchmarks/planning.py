"""Greedy plan against the CP-SAT plan on one synthetic operation, side by side in one run.

Households fall in five categories of precedence (programs tied to them, a few dual nationals of
partner nations, 2% allowed to split), far more people than seats; flights of 150-800 seats, some
of them partner nations' aircraft carrying their own nationals first and the programs they agreed
to; people quotas on two categories. Printed per method: time, seats filled, people per level,
priority-weighted people seated, precedence violations, and the solver's objective, proven bound
and gap; then the ratio solver / greedy, and the time to re-offer the seats of no-shows.

    .venv/bin/python benchmarks/planning.py [--sizes 1000x10,20000x60] [--time-limit 30]
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
    ("partner", 5, "partner-tcn", 0.20, ["AFG"]),
]
QUOTAS = {"at-risk": 9_000, "p2": 7_000}
PARTNERS = {"GBR": frozenset({"citizens", "partner-tcn"}), "DEU": frozenset({"partner-tcn"})}


def households(count: int, rng: random.Random, smallest: int = 1) -> list[PlanningHousehold]:
    out = []
    weights = [c[3] for c in CATEGORIES]
    for n in range(count):
        category, rank, program, _, nations = rng.choices(CATEGORIES, weights)[0]
        nationalities = [rng.choice(nations)]
        if nationalities == ["AFG"] and rng.random() < 0.05:
            nationalities.append(rng.choice(["GBR", "DEU"]))  # a dual national of a partner
        size = min(12, smallest + int(rng.expovariate(1 / 3.2)))
        out.append(
            PlanningHousehold(
                household_id=uuid.UUID(int=rng.getrandbits(128)),
                case_number=f"RF-{n:06d}",
                program=program,
                category=category,
                rank=rank,
                score=round(rng.uniform(0, 100) * 2) / 2,
                size=size,
                nationalities=tuple(nationalities),
                split_allowed=rng.random() < 0.02,
            )
        )
    return out


def flights(count: int, rng: random.Random) -> list[Flight]:
    out = []
    for n in range(count):
        departs = START + dt.timedelta(hours=rng.uniform(0, 240))
        state = rng.choices([None, "GBR", "DEU"], [0.7, 0.15, 0.15])[0]
        out.append(
            Flight(
                code=f"RCH{n:03d}" if state is None else f"{state[:2]}{n:03d}",
                aircraft="C-17",
                seats=rng.randint(150, 800),
                origin="KBL",
                destination="DOH",
                departs_earliest=departs,
                departs_latest=departs + dt.timedelta(hours=3),
                surge_seats=0,
                operator_state=state,
                programs=PARTNERS[state] if state else frozenset(),
                nationalities=frozenset({state, "AFG"}) if state else frozenset(),
                id=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    return out


def row(name: str, seconds: float, result: Plan, measures: Evaluation) -> list[str]:
    report = result.report
    by_level = " ".join(str(people) for _, people in measures.people_by_level)
    return [
        name,
        f"{seconds:.2f}",
        f"{measures.seats_filled}/{measures.seats}",
        by_level,
        f"{measures.priority:,.0f}",
        str(len(precedence_violations(result))),
        str(report.status),
        "-" if report.bound is None else f"{report.bound:,.0f}",
        "-" if report.gap is None else f"{report.gap:.5%}",
    ]


def run(count: int, flights_count: int, smallest: int, time_limit: float, seed: int) -> None:
    rng = random.Random(seed)
    people = households(count, rng, smallest)
    aircraft = flights(flights_count, rng)
    print(
        f"\n{len(people):,} households of {smallest} or more "
        f"({sum(h.size for h in people):,} people), "
        f"{len(aircraft)} flights ({sum(f.seats for f in aircraft):,} seats), "
        f"quotas {QUOTAS}, solver time limit {time_limit:g} s"
    )
    start = time.perf_counter()
    greedy = greedy_plan(people, aircraft, QUOTAS)
    greedy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    solved = plan(people, aircraft, QUOTAS, time_limit_s=time_limit)
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
        row("greedy", greedy_seconds, greedy, g),
        row("cp-sat", solver_seconds, solved, s),
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
        default="1000x10,20000x60,20000x60x5",
        help="households x flights [x smallest household], comma-separated",
    )
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import refuge.planning.solver  # noqa: F401 -- load OR-Tools outside the timings

    for size in args.sizes.split(","):
        count, flights_count, *smallest = (int(part) for part in size.split("x"))
        run(count, flights_count, smallest[0] if smallest else 1, args.time_limit, args.seed)


if __name__ == "__main__":
    main()
