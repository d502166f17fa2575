"""`refuge gate scan` killed (SIGKILL) in the middle of a batch of check-ins, then given the whole
batch again: everyone is checked in once, those already in are told so, no check-in is recorded
twice and the audit chain holds. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import text
from tests.gate.building import build

from refuge.cases.services import verify_audit
from refuge.domain import ManifestStatus

from .conftest import Installation, kill_when

HOUSEHOLDS = 30


@pytest.mark.slow
def test_a_batch_of_check_ins_killed_midway_completes_once_when_run_again(
    installation: Installation,
) -> None:
    refuge = installation.refuge
    build(refuge.uow, {"RCH303": HOUSEHOLDS}, now=dt.datetime.now(dt.UTC))
    issued = installation.run("gate", "issue", "--flight", "RCH303")
    assert issued.returncode == 0, issued.stderr
    tokens = installation.data_dir / "passes" / "RCH303" / "tokens.txt"
    batch = [line.split()[1] for line in tokens.read_text().splitlines()]
    scans = installation.data_dir / "scans.txt"
    scans.write_text("".join(token + "\n" for token in batch))

    killed = installation.start("gate", "scan", "--flight", "RCH303", "--file", str(scans))
    kill_when(killed, lambda: 5 <= installation.count("gate_scans") < len(batch) // 2)
    done = installation.count("gate_scans")
    assert done < len(batch)

    again = installation.run("gate", "scan", "--flight", "RCH303", "--file", str(scans))

    assert again.returncode == 0, again.stdout[-2000:]
    outcomes = Counter(line.split()[1] for line in again.stdout.splitlines()[:-1])
    assert outcomes["CHECKED_IN"] + outcomes["ALREADY_CHECKED_IN"] == len(batch)
    assert outcomes["ALREADY_CHECKED_IN"] >= done - 1  # the scan in flight may not have committed
    with refuge.uow() as uow:
        flight = uow.flights.get("RCH303")
        entries = uow.manifests.for_flight(flight.id)
    assert {e.status for e in entries} == {ManifestStatus.CHECKED_IN}
    with refuge.engine.connect() as connection:
        per_entry = connection.execute(
            text(
                "SELECT object_id, count(*) FROM audit_events WHERE action = 'gate.check_in' "
                "GROUP BY object_id"
            )
        ).all()
        moves = connection.execute(
            text("SELECT count(*) FROM case_transitions WHERE to_stage = 'checked_in'")
        ).scalar_one()
    assert len(per_entry) == len(batch)
    assert {count for _, count in per_entry} == {1}
    assert moves == HOUSEHOLDS
    assert verify_audit(refuge.uow()) == []
