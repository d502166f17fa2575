"""The demo's first plan, on SQLite and PostgreSQL: eligible cases are cleared, approved and
planned onto the demo's flights; the others are left where screening put them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from tests.eligibility.stored import SIV_READY, SIV_TOO_EARLY, operation, register

from refuge.bootstrap import Refuge
from refuge.config import Settings
from refuge.demo_planning import plan_demo
from refuge.domain import Stage
from refuge.planning import plan_versions, read_plan
from refuge.protect import KeyEncryptionKey
from refuge.store import make_session_factory

from .stored import NOW


def test_the_demo_approves_the_eligible_and_plans_them(
    engine: Engine, kek: KeyEncryptionKey, tmp_path: Path
) -> None:
    refuge = Refuge(Settings(data_dir=tmp_path), engine, make_session_factory(engine), kek)
    operation(refuge.uow)
    ready = [register(refuge.uow, "siv", SIV_READY) for _ in range(3)]
    early = register(refuge.uow, "siv", SIV_TOO_EARLY)
    said: list[str] = []

    run = plan_demo(refuge, now=NOW, echo=said.append)

    assert run is not None
    assert [r.version for r in plan_versions(refuge.uow())] == [1]
    assert said[0] == "screened the cases; 3 eligible, 3 approved (9 people)"
    assert said[1].startswith("plan version 1 (plan, ")
    with refuge.uow() as uow:
        assert len(uow.flights.list()) == 4
        stages = {number: uow.cases.get(number).stage for number in [*ready, early]}
    # Seats for 80% of the people, spread over four aircraft: not every family fits.
    seated = {a.case_number for a in read_plan(refuge.uow()).plan.assignments}
    assert 1 <= len(seated) < 3
    assert {n: stages[n] for n in ready} == {
        n: Stage.MANIFESTED if n in seated else Stage.APPROVED for n in ready
    }
    assert stages[early] is not Stage.APPROVED
