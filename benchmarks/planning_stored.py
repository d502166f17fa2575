"""Planning over the stored operation: `run_plan` (read the approved cases and their facts,
solve, store the version with its manifests, case moves, outbox and audit event) against the
planner alone on the same households and flights, and a no-show at the gate (mark it, re-offer
the freed seats, store the new version and manifests, one transaction) against the pure
`reoffer` on the plan in memory. Printed per database: seconds and the ratio to the baseline.

    .venv/bin/python benchmarks/planning_stored.py [--households 2000] [--flights 20]
        [--no-shows 5] [--time-limit 10] [--databases sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Flight,
    Household,
    ManifestStatus,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
    Stage,
)
from refuge.eligibility import RecordedFacts, shipped_precedence
from refuge.gate import no_show
from refuge.planning import plan, read_plan, reoffer, run_plan
from refuge.protect import KeyEncryptionKey
from refuge.store import SqlUnitOfWork, make_engine, make_session_factory, migrate
from support import scratch_database

NOW = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
_PATH = (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED)


def household(n: int, rng: random.Random) -> Household:
    def person(k: int) -> Person:
        return Person(
            PersonName(f"Synthetic{n}", f"Household{k}"),
            PartialDate(1960 + rng.randrange(50), 1 + rng.randrange(12)),
            Sex.FEMALE if k % 2 else Sex.MALE,
            ("AFG",),
            (Document(DocumentKind.PASSPORT, f"B{n:06d}{k:02d}", "AFG", dt.date(2030, 1, 1)),),
        )

    size = max(1, min(10, round(rng.gauss(5.5, 2.0))))
    return Household.of(person(0), *((person(k), Relationship.CHILD) for k in range(1, size)))


def build(factory: Callable[[], SqlUnitOfWork], households: int, flights: int) -> None:
    rng = random.Random(7)
    people = 0
    with factory() as uow:
        uow.organisations.add(Organisation("bench-ngo", "Bench NGO", OrganisationKind.NGO))
        uow.programs.add(Program("siv", "Special Immigrant Visa", 3))
        for n in range(households):
            home = household(n, rng)
            people += home.size
            uow.households.add(home)
            case = Case(uow.cases.next_number(), home.id, "siv", "bench-ngo")
            for stage in _PATH:
                case.move_to(stage, actor="bench", at=NOW)
            uow.cases.add(case)
            facts = RecordedFacts(threat_level=rng.randrange(6), medical_need=rng.randrange(3))
            uow.eligibility.record_facts(case.id, home.id, facts.as_record(), NOW)
        # About 70% of the people fit: the rest wait on standby.
        seats = max(1, round(people * 0.7 / flights))
        for f in range(flights):
            departs = NOW + dt.timedelta(hours=2 + 3 * f)
            uow.flights.add(
                Flight(
                    code=f"BN{f:04d}",
                    aircraft="C-17",
                    seats=seats,
                    origin="KBL",
                    destination="DOH",
                    departs_earliest=departs,
                    departs_latest=departs + dt.timedelta(hours=2),
                )
            )
        uow.commit()


def measure(url: str, args: argparse.Namespace) -> list[tuple[str, float, float]]:
    engine = make_engine(url)
    migrate(engine)
    sessions = make_session_factory(engine)
    kek = KeyEncryptionKey.generate()

    def factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, kek)

    try:
        build(factory, args.households, args.flights)
        order = shipped_precedence()
        started = time.perf_counter()
        run_plan(factory(), actor="bench", now=NOW, order=order, time_limit_s=args.time_limit)
        stored_s = time.perf_counter() - started
        first = read_plan(factory()).plan
        started = time.perf_counter()
        plan(first.households, first.flights, first.quotas, time_limit_s=args.time_limit)
        alone_s = time.perf_counter() - started

        seated = sorted({a.case_number for a in first.assignments})
        rng = random.Random(3)
        gate_s: list[float] = []
        pure_s: list[float] = []
        for number in rng.sample(seated, min(args.no_shows, len(seated))):
            current = read_plan(factory()).plan
            (flight,) = [a.flight_code for a in current.assignments if a.case_number == number]
            household_id = next(
                a.household_id for a in current.assignments if a.case_number == number
            )
            started = time.perf_counter()
            reoffer(current, [household_id])
            pure_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            freed = no_show(factory(), number, flight_code=flight, gate_agent="bench", now=NOW)
            gate_s.append(time.perf_counter() - started)
            assert all(e.status is ManifestStatus.NO_SHOW for e in freed)  # noqa: S101
    finally:
        engine.dispose()
    return [
        ("refuge plan, stored (s)", stored_s, alone_s),
        (
            "no-show + re-offer, stored (median s)",
            statistics.median(gate_s),
            statistics.median(pure_s),
        ),
        ("no-show + re-offer, stored (max s)", max(gate_s), max(pure_s)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--flights", type=int, default=20)
    parser.add_argument("--no-shows", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(
        f"{args.households:,} approved households, {args.flights} flights, "
        f"time limit {args.time_limit:g} s; baseline: the planner alone on the same inputs"
    )
    print(f"{'database':<11} {'what':<40} {'stored':>9} {'baseline':>9} {'ratio':>7}")
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                rows = measure(f"sqlite:///{Path(folder) / 'bench.db'}", args)
        else:
            with scratch_database(args.postgres) as url:
                rows = measure(url, args)
        for what, stored, baseline in rows:
            ratio = stored / baseline if baseline else float("inf")
            print(f"{database:<11} {what:<40} {stored:>9.3f} {baseline:>9.3f} {ratio:>7.1f}")


if __name__ == "__main__":
    main()
