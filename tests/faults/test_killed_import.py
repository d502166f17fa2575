"""`refuge import` killed (SIGKILL) in the middle of a large list, then run again: nothing of the
killed run is left, the second run stores the list once, and a third adds nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from refuge.cases.services import add_organisation, verify_audit
from refuge.domain import Organisation, OrganisationKind

from .conftest import Installation, kill_when

ROWS = 15_000
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


def writing(installation: Installation) -> bool:
    """Whether the import's transaction has started storing records (not yet committed)."""
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

    kill_when(
        installation.start("import", str(path), "--org", "ngo"), lambda: writing(installation)
    )

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
