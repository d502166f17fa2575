"""Rows per second for importing a generated operation's lists end to end, and peak memory,
against the pure reading pass over the same files.

Ours: every list through `refuge.intake.import_list` into a fresh database (SQLite, and a
scratch PostgreSQL database with --postgres), read in a background process as `refuge import`
does on a machine with more than one core: read, normalised, validated, re-import keys,
each record sealed under a data key of its own wrapped by the KEK, blind indexes, quarantine,
audit. Then a re-import of every list with new bytes and the same rows: every record compared
and found unchanged. Baseline, same run, same machine: the
pure `read_list` pass over the same files, which stores nothing. The ratio is the price of
storage and protection.

Each measurement runs in a forked process of its own, so its peak memory is its own (with its
background reader's, added). Besides rows per second of wall time, each prints rows per second
of CPU time (its own and its children's): on a machine shared with other work, wall time says
more about the neighbours than about the import.

    .venv/bin/python benchmarks/intake.py [--people 100000 | --million] [--seed 1]
        [--lists DIR] [--no-reimport] [--postgres URL]

--million generates 820,000 people, whose lists hold about 1,000,000 rows. --lists keeps the
written lists in DIR and reuses them on the next run with the same people and seed (writing a
million rows' lists takes longer than importing them).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from openpyxl import load_workbook

from refuge.bootstrap import Refuge, initialise
from refuge.cases.services import add_organisation
from refuge.config import Settings
from refuge.domain import Organisation
from refuge.intake import import_list, read_list
from refuge.scenario import generate
from support import scratch_database, written_scenario

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
Measure = Callable[[], int]  # returns the rows it handled
MILLION_PEOPLE = 820_000  # about 1.22 rows per person: some 1,000,000 rows


def baseline(lists: list[Path]) -> Measure:
    def measure() -> int:
        rows = 0
        for path in lists:
            run = read_list(path, organisation=path.stem, today=NOW.date())
            for _ in run:
                pass
            rows += run.report.read
        return rows

    return measure


def ours(lists: list[Path], refuge: Refuge) -> Measure:
    def measure() -> int:
        # In a forked process: leave the parent's pooled connections to the parent.
        refuge.engine.dispose(close=False)
        rows = 0
        for path in lists:
            outcome = import_list(
                refuge.uow(),
                path,
                organisation=path.stem,
                actor="bench",
                now=NOW,
                background=True,
            )
            report = outcome.report
            if report is None:  # the very same bytes: imported already, nothing to do
                continue
            if report.read != outcome.new + outcome.quarantined + (
                outcome.changed + outcome.unchanged + outcome.reapplied
            ):
                raise RuntimeError(f"file {path.name}: rows unaccounted for")
            rows += report.read
        return rows

    return measure


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _child(measure: Measure, pipe: Connection) -> None:
    start, cpu = time.perf_counter(), _cpu()
    rows = measure()
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    # Peak RSS of this process plus that of its largest child (the background reader).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    pipe.send((rows, elapsed, cpu, peak / 1024))
    pipe.close()


def forked(measure: Measure) -> tuple[int, float, float, float]:
    """(rows, seconds, CPU seconds, peak RSS MiB) of `measure` run in a forked process."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(measure, send))
    process.start()
    send.close()  # the child's end only, so a child that dies ends the wait below
    try:
        result: tuple[int, float, float, float] = receive.recv()
    except EOFError:
        result = (0, 0.0, 0.0, 0.0)
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"measurement failed (exit {process.exitcode})")
    return result


def wired(folder: Path, database_url: str | None, organisations: list[Organisation]) -> Refuge:
    settings = Settings(data_dir=folder, database_url=database_url, key_file=None)
    _, refuge = initialise(settings)
    for organisation in organisations:
        add_organisation(refuge.uow(), organisation, actor="bench", now=NOW)
    return refuge


def new_bytes_same_rows(lists: list[Path], folder: Path) -> list[Path]:
    """Copies of the lists under the same names, with other bytes and the same rows: a blank
    line added to each CSV, each workbook saved again by openpyxl."""
    folder.mkdir()
    copies = []
    for path in lists:
        copy = folder / path.name
        if path.suffix == ".xlsx":
            book = load_workbook(path)
            book.properties.modified = dt.datetime(2026, 11, 26)  # noqa: DTZ001 - as openpyxl keeps it
            book.save(copy)
        else:
            data = path.read_bytes()
            utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
            data += "\r\n".encode(
                ("utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be") if utf16 else "utf-8"
            )
            copy.write_bytes(data)
        copies.append(copy)
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="lists of about 1,000,000 rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lists", type=Path, help="keep the written lists here, to reuse")
    parser.add_argument("--no-reimport", action="store_true", help="measure first imports only")
    parser.add_argument(
        "--postgres",
        help="also import into a scratch database created (and dropped) on this PostgreSQL "
        "server, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    )
    args = parser.parse_args()
    people = MILLION_PEOPLE if args.million else args.people

    header = (
        f"{'':<24}{'rows':>9}{'s':>8}{'rows/s':>9}{'CPU s':>8}{'rows/CPU s':>11}"
        f"{'peak MiB':>10}{'x baseline':>11}{'x (CPU)':>9}"
    )
    # (what, baseline index, rows, seconds, CPU seconds, peak MiB)
    results: list[tuple[str, int, int, float, float, float]] = []

    def measured(name: str, base: int, measure: Measure) -> None:
        results.append((name, base, *forked(measure)))
        _, _, rows, elapsed, cpu, peak = results[-1]
        _, _, base_rows, base_elapsed, base_cpu, _ = results[base]
        print(
            f"{name:<24}{rows:>9}{elapsed:>8.1f}{rows / elapsed:>9.0f}{cpu:>8.1f}"
            f"{rows / cpu:>11.0f}{peak:>10.0f}"
            f"{(elapsed / rows) / (base_elapsed / base_rows):>11.2f}"
            f"{(cpu / rows) / (base_cpu / base_rows):>9.2f}",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        lists, _truth = written_scenario(args.lists or Path(tmp) / "lists", people, args.seed)
        organisations = list(generate(people, args.seed).organisations)
        gc.collect()
        size = sum(path.stat().st_size for path in lists) / 2**20
        print(
            f"scenario: {people} people, {len(lists)} lists ({size:.0f} MiB), ready in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        again = [Path(tmp) / "again" / path.name for path in lists]
        if not args.no_reimport:
            forked(lambda: len(new_bytes_same_rows(lists, Path(tmp) / "again")))
        print(header, flush=True)
        measured("read_list, the lists", 0, baseline(lists))
        if not args.no_reimport:
            measured("read_list, new bytes", 1, baseline(again))
        stores: list[tuple[str, str | None]] = [("sqlite", None)]
        with contextlib.ExitStack() as stack:
            if args.postgres:
                stores.append(("postgresql", stack.enter_context(scratch_database(args.postgres))))
            for name, url in stores:
                refuge = wired(Path(tmp) / name, url, organisations)
                try:
                    measured(f"import, {name}", 0, ours(lists, refuge))
                    if not args.no_reimport:
                        measured(f"re-import, {name}", 1, ours(again, refuge))
                finally:
                    refuge.close()

    print(
        "x baseline: time per row over that of reading the same files alone (import: the "
        "lists; re-import: the new bytes); x (CPU): the same in CPU time. Peak MiB: of the "
        "measuring process and its background reader together."
    )


if __name__ == "__main__":
    main()
