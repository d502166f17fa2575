"""How long loading a generated operation takes, and its peak memory, against a plaintext baseline.

Ours: every household through the case services into SQLite (every personal field encrypted
under its household key, blind indexes, one audit event per case). Baseline, same run, same
machine: the same people written as plaintext rows with sqlite3.executemany, the least any
loader could do. The ratio is the price of protection and bookkeeping.

    .venv/bin/python benchmarks/load_scenario.py [--people 100000] [--seed 1] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from refuge.bootstrap import initialise
from refuge.config import Settings
from refuge.demo import load_scenario
from refuge.scenario import HouseholdTruth, Scenario, generate
from support import scratch_database


def baseline(truths: list[HouseholdTruth], path: Path) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute(
        "create table person (id text primary key, household text, given text, family text, "
        "dob text, documents text, phones text)"
    )
    rows = [
        (
            str(m.person.id),
            str(h.id),
            m.person.name.given,
            m.person.name.family,
            m.person.date_of_birth.iso(),
            ",".join(d.number for d in m.person.documents),
            ",".join(m.person.phones),
        )
        for h in (truth.household for truth in truths)
        for m in h.members
    ]
    db.executemany("insert into person values (?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return time.perf_counter() - start


def ours(
    scenario: Scenario, truths: list[HouseholdTruth], folder: Path, database_url: str | None
) -> tuple[float, float]:
    settings = Settings(data_dir=folder, database_url=database_url, key_file=None)
    _, refuge = initialise(settings)
    rss_before = _peak_rss_mib()
    start = time.perf_counter()
    load_scenario(refuge, scenario, now=dt.datetime.now(dt.UTC), truths=truths)
    elapsed = time.perf_counter() - start
    refuge.close()
    return elapsed, _peak_rss_mib() - rss_before


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres",
        help="also load into a scratch database created (and dropped) on this PostgreSQL server, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    )
    args = parser.parse_args()

    start = time.perf_counter()
    scenario = generate(args.people, args.seed)
    # Households are built on demand; build them once, outside both timings.
    truths = list(scenario.truths)
    generated = time.perf_counter() - start
    people = sum(truth.household.size for truth in truths)
    print(f"scenario: {people} people in {len(truths)} households, generated in {generated:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        base = baseline(truths, Path(tmp) / "baseline.db")
        runs = [("sqlite", *ours(scenario, truths, Path(tmp) / "sqlite", None))]
        if args.postgres:
            with scratch_database(args.postgres) as url:
                runs.append(("postgresql", *ours(scenario, truths, Path(tmp) / "pg", url)))
    print(f"{'store':<12}{'load s':>10}{'people/s':>12}{'+peak MiB':>10}{'x baseline':>12}")
    print(f"{'baseline':<12}{base:>10.1f}{people / base:>12.0f}{'':>10}{1.0:>12.1f}")
    for name, elapsed, peak in runs:
        print(
            f"{name:<12}{elapsed:>10.1f}{people / elapsed:>12.0f}{peak:>10.0f}"
            f"{elapsed / base:>12.1f}"
        )
    print(f"process peak RSS: {_peak_rss_mib():.0f} MiB (+peak: growth of the peak during a load)")


if __name__ == "__main__":
    main()
