"""How well and how fast record linkage finds persons and households, against the scenario's truth
and against a simple baseline measured in the same run.

Each size: a scenario of that many people is written as the organisations' lists (in a
temporary directory, removed afterwards; or kept in --lists DIR/<people> and reused by the next
run with the same people and seed), read back through intake, and linked. The time is that of
`link_records`: from the records in memory to persons, households and the review queue. The baseline
puts together records with the same normalised name key and year of birth (records missing
either stay alone), and takes households the same way as the model: through the lists'
household references. Figures: pairwise precision, recall and F1, B-cubed F1 and the share of
true clusters found exactly, for persons and households; cross-script pairs (one record in
Perso-Arabic script, one in Latin) found; time, wall clock and CPU (the process's CPU seconds,
all threads: on a shared machine the wall clock says how busy the others were, the CPU time
what the work cost); process peak memory.

    .venv/bin/python benchmarks/matching.py [--people 10000 100000 1000000] [--seed 1]
        [--engine duckdb] [--lists DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import itertools
import resource
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from refuge.intake import IntakeRecord, read_list
from refuge.matching import (
    ENGINES,
    ClusterScores,
    LinkRecord,
    connected_components,
    household_clusters,
    link_record,
    link_records,
    person_name_keys,
    score_clusters,
)
from support import written_scenario

TODAY = dt.date(2026, 11, 25)


@dataclass
class Listed:
    records: list[LinkRecord]
    person: dict[str, str]
    household: dict[str, str]
    arabic: set[str]


def read_scenario(people: int, seed: int, folder: Path) -> Listed:
    lists, truth_file = written_scenario(folder, people, seed)
    truth: dict[tuple[str, int], dict[str, str]] = {}
    with truth_file.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            truth[(row["file"], int(row["row"]))] = row
    listed = Listed([], {}, {}, set())
    for path in lists:
        for row, result in enumerate(read_list(path, organisation=path.stem, today=TODAY), 1):
            if not isinstance(result, IntakeRecord):
                continue
            record_id = f"{path.name}:{row}"
            true = truth[(path.name, row)]
            listed.records.append(link_record(record_id, result))
            listed.person[record_id] = true["person_id"]
            listed.household[record_id] = true["household_id"]
            if "arabic_script" in true["perturbations"]:
                listed.arabic.add(record_id)
    return listed


def baseline(
    records: list[LinkRecord],
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...], int]:
    """Exact match on name key and year of birth; households through the lists' references."""
    groups: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for record in records:
        key = person_name_keys(record.name).full
        if key and record.date_of_birth.year is not None:
            groups[(key, record.date_of_birth.year)].append(record.record_id)
    links = [(group[0], other) for group in groups.values() for other in group[1:]]
    pairs = sum(len(group) * (len(group) - 1) // 2 for group in groups.values())
    persons = connected_components((r.record_id for r in records), links)
    households = household_clusters(persons, {r.record_id: r.source_household for r in records})
    return persons, households, pairs


def cross_script_found(listed: Listed, persons: tuple[tuple[str, ...], ...]) -> tuple[int, int]:
    person_of = {record: i for i, cluster in enumerate(persons) for record in cluster}
    by_person: defaultdict[str, list[str]] = defaultdict(list)
    for record, person in listed.person.items():
        by_person[person].append(record)
    total = found = 0
    for group in by_person.values():
        for a, b in itertools.combinations(group, 2):
            if (a in listed.arabic) != (b in listed.arabic):
                total += 1
                found += person_of[a] == person_of[b]
    return found, total


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row(
    name: str,
    seconds: float,
    cpu: float,
    pairs: int,
    persons: ClusterScores,
    homes: ClusterScores,
) -> str:
    return (
        f"{name:<10}{seconds:>9.1f}{cpu:>9.1f}{pairs:>12,}"
        f"{persons.precision:>8.3f}{persons.recall:>8.3f}{persons.f1:>8.3f}"
        f"{persons.bcubed_f1:>8.3f}{persons.exact:>8.3f}"
        f"{homes.precision:>8.3f}{homes.recall:>8.3f}{homes.f1:>8.3f}{homes.exact:>8.3f}"
    )


def run(people: int, seed: int, engine: str, lists: Path | None) -> None:
    with contextlib.ExitStack() as stack:
        if lists is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="refuge-bench-")))
        else:
            folder = lists / str(people)
        start = time.perf_counter()
        listed = read_scenario(people, seed, folder)
        prepared = time.perf_counter() - start
    print(
        f"\n{people:,} people: {len(listed.records):,} records on the lists, "
        f"{len(set(listed.person.values())):,} persons listed, "
        f"{len(set(listed.household.values())):,} households (written and read in {prepared:.0f} s)"
    )
    start, cpu = time.perf_counter(), time.process_time()
    base_persons, base_households, base_pairs = baseline(listed.records)
    base_seconds = time.perf_counter() - start
    base_cpu = time.process_time() - cpu
    base = (
        score_clusters(base_persons, listed.person),
        score_clusters(base_households, listed.household),
    )

    start, cpu = time.perf_counter(), time.process_time()
    linkage = link_records(listed.records, engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    ours = (
        score_clusters(linkage.persons, listed.person),
        score_clusters(linkage.households, listed.household),
    )

    print(
        f"{'':<10}{'':>9}{'':>9}{'':>12}{'persons':^40}{'households':^32}\n"
        f"{'':<10}{'time s':>9}{'CPU s':>9}{'pairs':>12}"
        f"{'P':>8}{'R':>8}{'F1':>8}{'B3 F1':>8}{'exact':>8}"
        f"{'P':>8}{'R':>8}{'F1':>8}{'exact':>8}"
    )
    print(_row("baseline", base_seconds, base_cpu, base_pairs, *base))
    print(_row(engine, seconds, cpu_seconds, linkage.pairs_compared, *ours))
    print(
        f"{'ratio':<10}{seconds / base_seconds:>9.1f}{cpu_seconds / base_cpu:>9.1f}{'':>12}"
        f"{ours[0].precision / base[0].precision:>8.3f}{ours[0].recall / base[0].recall:>8.3f}"
        f"{ours[0].f1 / base[0].f1:>8.3f}{ours[0].bcubed_f1 / base[0].bcubed_f1:>8.3f}"
        f"{ours[0].exact / base[0].exact:>8.3f}"
        f"{ours[1].precision / base[1].precision:>8.3f}{ours[1].recall / base[1].recall:>8.3f}"
        f"{ours[1].f1 / base[1].f1:>8.3f}{ours[1].exact / base[1].exact:>8.3f}"
    )
    found, total = cross_script_found(listed, linkage.persons)
    base_found, _ = cross_script_found(listed, base_persons)
    print(
        f"cross-script pairs (Perso-Arabic and Latin records of one person): {found:,} of "
        f"{total:,} found ({base_found:,} by the baseline); review queue: "
        f"{len(linkage.review):,} pairs in {linkage.review_band}; "
        f"process peak RSS {_peak_rss_mib():,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=ENGINES, default="duckdb")
    parser.add_argument("--lists", type=Path, help="keep the written lists here for the next run")
    args = parser.parse_args()
    for people in args.people:
        run(people, args.seed, args.engine, args.lists)


if __name__ == "__main__":
    main()
