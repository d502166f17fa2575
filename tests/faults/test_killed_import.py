"""`refuge import` killed (SIGKILL) in the middle of a large list, then run again: nothing of the
killed run is left, the second run stores the list once, and a third adds nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from refuge.cases.services import add_organisation, verify_audit
from refuge.domain import Organisation, OrganisationKind

from .conftest import Installation, kill_when

ROWS = 25_000
LOCKED_A_WHILE = 0.5  # seconds
GIVEN = ["Ahmad", "Maryam", "Zarghona", "Mohammad", "Fatima", "Rahim", "Laila", "Najib"]
FAMILY = ["Karimi", "Ahmadi", "Sultani", "Popal", "Hashimi", "Wardak", "Noori", "Safi"]


def big_list(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Ref", "Given name", "Family name", "Date of birth", "Sex", "Phone"])
        for number in range(ROWS):
            day = dt.date(1950, 1, 1) + dt.timedelta(days=number % 20_000)
            writer.writerow(
                [
                    f"K-{number}",
                    GIVEN[number % len(GIVEN)],
                    f"{FAMILY[number // len(GIVEN) % len(FAMILY)]}",
                    day.strftime("%d/%m/%Y"),
                    "MF"[number % 2],
                    f"0700 {number:06d}"[:12] if number % 3 else "",
                ]
            )
    return path


class Writing:
    """Whether the import's transaction has been storing records a while (not committed yet)."""

    def __init__(self, installation: Installation) -> None:
        self.installation = installation
        self.locked_since: float | None = None

    def __call__(self) -> bool:
        if writing(self.installation):
            return True
        # SQLite keeps a transaction's pages in its cache (64 MiB) until the commit, so the log
        # may not grow before then: the import is storing once it has held the database's write
        # lock a while. It takes that lock with the file's row (add_file), and a batch of records
        # follows as soon as the reader has read one; storing the list takes seconds.
        if not write_locked(self.installation.refuge.sqlite_path):
            self.locked_since = None
            return False
        if self.locked_since is None:
            self.locked_since = time.monotonic()
        return time.monotonic() - self.locked_since >= LOCKED_A_WHILE


def write_locked(path: Path | None) -> bool:
    """Whether another connection holds the SQLite database's write lock: a transaction of ours
    cannot take it at once."""
    if path is None:
        return False
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # "database is locked"
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def writing(installation: Installation) -> bool:
    """Whether the import's transaction has started storing records (not yet committed), as
    seen in the database's files and locks."""
    if installation.refuge.engine.dialect.name == "postgresql":
        with installation.refuge.engine.connect() as connection:
            held = connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'intake_records' AND l.mode = 'RowExclusiveLock' "
                    "AND l.pid <> pg_backend_pid()"
                )
            ).scalar_one()
        return bool(held)
    # SQLite writes a transaction's pages to the write-ahead log as its cache overflows.
    wal = Path(str(installation.refuge.sqlite_path) + "-wal")
    return wal.exists() and wal.stat().st_size > 1 << 20


@pytest.mark.slow
def test_an_import_killed_midway_leaves_nothing_and_runs_again_once(
    installation: Installation, tmp_path: Path
) -> None:
    add_organisation(
        installation.refuge.uow(),
        Organisation("ngo", "NGO", OrganisationKind.NGO),
        actor="test",
        now=dt.datetime.now(dt.UTC),
    )
    path = big_list(tmp_path / "big.csv")
    events = installation.count("audit_events")

    kill_when(installation.start("import", str(path), "--org", "ngo"), Writing(installation))

    for table in ("intake_files", "intake_records", "intake_quarantine", "intake_identifiers"):
        assert installation.count(table) == 0, table
    assert installation.count("audit_events") == events

    again = installation.run("import", str(path), "--org", "ngo")
    assert again.returncode == 0, again.stderr
    records, quarantined = (
        installation.count("intake_records"),
        installation.count("intake_quarantine"),
    )
    assert installation.count("intake_files") == 1
    assert records + quarantined == ROWS
    assert f"{records} new" in again.stdout

    third = installation.run("import", str(path), "--org", "ngo")
    assert third.returncode == 0, third.stderr
    assert "was imported already" in third.stdout
    assert installation.count("intake_records") == records
    assert verify_audit(installation.refuge.uow()) == []
