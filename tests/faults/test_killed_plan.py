"""`refuge plan` killed (SIGKILL) while it stores a plan, then run again: the killed run left no
plan version, no manifest entry and no case moved, and the second run stores one whole plan. On
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.planning.stored import approved, declare, operation

from refuge.cases.services import verify_audit
from refuge.domain import Flight

from .conftest import Installation, kill_when

HOUSEHOLDS = 300


def storing(installation: Installation) -> bool:
    """Whether a write transaction is open on the database (`refuge plan` writes only when it
    stores the plan it made)."""
    engine = installation.refuge.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            held = connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname IN ('plan_versions', 'manifest_entries', 'audit_head') "
                    "AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
                )
            ).scalar_one()
        return bool(held)
    # SQLite: another connection cannot take the write lock while a writer holds it.
    probe = sqlite3.connect(Path(str(installation.refuge.sqlite_path)), timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def departing(code: str, seats: int, hours: int) -> Flight:
    """A flight leaving `hours` from now (the command plans on the real clock)."""
    departs = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=hours)
    return Flight(
        code=code,
        aircraft="C-17",
        seats=seats,
        origin="KBL",
        destination="DOH",
        departs_earliest=departs,
        departs_latest=departs + dt.timedelta(hours=2),
    )


def stages(installation: Installation) -> dict[str, int]:
    with installation.refuge.engine.connect() as connection:
        rows = connection.execute(text("SELECT stage, count(*) FROM cases GROUP BY stage")).all()
    return {str(stage): int(count) for stage, count in rows}


@pytest.mark.slow
def test_a_plan_killed_while_it_is_stored_leaves_nothing_and_runs_again_whole(
    installation: Installation,
) -> None:
    uow = installation.refuge.uow
    operation(uow)
    for n in range(HOUSEHOLDS):
        approved(uow, 2 + n % 4, threat=n % 3)
    declare(uow, departing("RCH101", 400, 6), departing("RCH202", 300, 12))
    before = stages(installation)
    events = installation.count("audit_events")

    kill_when(
        installation.start("plan", "--time-limit", "1", "--workers", "1"),
        lambda: storing(installation),
    )

    for table in ("plan_versions", "plan_assignments", "plan_notifications", "manifest_entries"):
        assert installation.count(table) == 0, table
    assert stages(installation) == before
    assert installation.count("audit_events") == events

    again = installation.run("plan", "--time-limit", "1", "--workers", "1")

    assert again.returncode == 0, again.stderr[-2000:]
    assert "plan version 1 (plan, " in again.stdout
    assert installation.count("plan_versions") == 1
    seated = installation.count("manifest_entries WHERE status = 'manifested'")
    assert 0 < seated <= 700
    assert stages(installation)["manifested"] == installation.count(
        "(SELECT DISTINCT household_id FROM plan_assignments) AS seated_households"
    )
    assert verify_audit(installation.refuge.uow()) == []
