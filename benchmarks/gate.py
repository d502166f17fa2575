"""A simulated peak day at the gate: 21,600 check-ins (the busiest day of the 2021 airlift).

Builds that many manifested people (households of four, flights of 400), issues every boarding
pass through the gate service, then checks each person in by scanning their pass through the
service: verify the signature, find the manifest entry, move entry and case, write the audit
event and the scan log, commit. Printed per database: scans per second and p50/p99 latency per
scan, against a baseline measured in the same run (verify_pass alone, with no storage), and the
ratio of the two.

    .venv/bin/python benchmarks/gate.py [--people 21600] [--databases sqlite,postgresql]
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
    ManifestEntry,
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
from refuge.gate import (
    GateStep,
    ScanOutcome,
    generate_pass_key,
    issue_passes,
    scan,
    verify_pass,
)
from refuge.protect import KeyEncryptionKey
from refuge.store import SqlUnitOfWork, make_engine, make_session_factory, migrate
from support import scratch_database

DAY = dt.datetime(2021, 8, 23, 0, 0, tzinfo=dt.UTC)
HOUSEHOLD = 4
SEATS = 400
_PATH = (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED, Stage.MANIFESTED)


def household(n: int, rng: random.Random) -> Household:
    def person(given: str, year: int, sex: Sex, k: int) -> Person:
        return Person(
            PersonName(given, f"Family{n}"),
            PartialDate(year, rng.randint(1, 12), rng.randint(1, 28)),
            sex,
            ("AFG",),
            (Document(DocumentKind.PASSPORT, f"P{n:07d}{k}", "AFG", dt.date(2030, 1, 1)),),
        )

    principal = person("Ahmad", rng.randint(1960, 1995), Sex.MALE, 0)
    others = [
        (person("Mariam", rng.randint(1965, 1998), Sex.FEMALE, 1), Relationship.SPOUSE),
        *(
            (person(f"Child{k}", rng.randint(2005, 2020), Sex.FEMALE, k), Relationship.CHILD)
            for k in range(2, HOUSEHOLD)
        ),
    ]
    return Household.of(principal, *others)


def build(uow: Callable[[], SqlUnitOfWork], people: int) -> list[str]:
    """Store the day's flights and manifested households; return the flight codes."""
    rng = random.Random(2021)
    households = people // HOUSEHOLD
    per_flight = SEATS // HOUSEHOLD
    codes: list[str] = []
    with uow() as work:
        work.organisations.add(Organisation("aid", "Aid", OrganisationKind.NGO))
        work.programs.add(Program("siv", "SIV", precedence=1, quota=people))
        work.commit()
    for start in range(0, households, per_flight):
        code = f"RCH{len(codes) + 1:03d}"
        departs = DAY + dt.timedelta(minutes=20 * len(codes))
        flight = Flight(code, "C-17", SEATS, "KBL", "DOH", departs, departs + dt.timedelta(hours=2))
        with uow() as work:
            work.flights.add(flight)
            for n in range(start, min(start + per_flight, households)):
                item = household(n, rng)
                work.households.add(item)
                case = Case(work.cases.next_number(), item.id, "siv", "aid")
                for stage in _PATH:
                    case.move_to(stage, actor="coordinator", at=DAY - dt.timedelta(days=1))
                work.cases.add(case)
                work.manifests.add_many(
                    ManifestEntry(flight.id, case.id, item.id, m.person.id) for m in item.members
                )
            work.commit()
        codes.append(code)
    return codes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(label: str, url: str, people: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    factory = make_session_factory(engine)
    kek = KeyEncryptionKey.generate()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory, kek)

    started = time.perf_counter()
    codes = build(uow, people)
    built = time.perf_counter() - started
    key = generate_pass_key()
    started = time.perf_counter()
    passes = [
        (code, token.token)
        for code in codes
        for token in issue_passes(uow(), code, key, actor="ops", now=DAY - dt.timedelta(hours=2))
    ]
    issued = time.perf_counter() - started
    random.Random(7).shuffle(passes)
    keys = [key.public_key()]
    now = DAY - dt.timedelta(hours=1)

    baseline: list[float] = []
    for code, token in passes:
        t0 = time.perf_counter()
        verify_pass(keys, token, flight_code=code, now=now, already_boarded=lambda _: False)
        baseline.append(time.perf_counter() - t0)

    latencies: list[float] = []
    refused = 0
    day_started = time.perf_counter()
    for code, token in passes:
        t0 = time.perf_counter()
        result = scan(
            uow(),
            token,
            flight_code=code,
            gate_agent="gate-1",
            now=now,
            public_keys=keys,
            step=GateStep.CHECK_IN,
        )
        latencies.append(time.perf_counter() - t0)
        refused += result.outcome is not ScanOutcome.CHECKED_IN
    elapsed = time.perf_counter() - day_started
    engine.dispose()

    rate = len(passes) / elapsed
    base_rate = len(baseline) / sum(baseline)
    print(f"\n{label}: {len(passes)} people on {len(codes)} flights")
    print(f"  built in {built:.1f} s; passes issued in {issued:.1f} s; {refused} scans refused")
    print(f"  {'':28} {'scans/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name, per_second, values in (
        ("check-in through the service", rate, latencies),
        ("baseline: verify_pass alone", base_rate, baseline),
    ):
        print(
            f"  {name:28} {per_second:10.0f} {percentile(values, 0.5) * 1e3:8.2f}"
            f" {percentile(values, 0.99) * 1e3:8.2f}"
        )
    print(
        f"  ratio baseline/service: {base_rate / rate:.0f}x;"
        f" mean {statistics.fmean(latencies) * 1e3:.2f} ms per scan;"
        f" the day's check-ins take {elapsed:.0f} s of one desk's time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=21_600)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                run("SQLite", f"sqlite:///{Path(folder) / 'refuge.db'}", args.people)
        elif database == "postgresql":
            with scratch_database(args.postgres) as url:
                run("PostgreSQL", url, args.people)
        else:
            parser.error(f"unknown database {database}")


if __name__ == "__main__":
    main()
