"""Plans over the stored operation, on SQLite and PostgreSQL: versions stored with their
manifests, cases moved, the outbox filled and the audit log written; re-planning keeps people
checked in where they are; a household is split only once allowed; a no-show at the gate hands
its seats to the standby list in order; the deadline forecast reads the stored plan."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from refuge.domain import Conflict, ManifestEntry, ManifestStatus, NotFound, Stage
from refuge.gate import check_in, no_show
from refuge.planning import (
    ChangeKind,
    Plan,
    allow_split,
    compare_plans,
    deadline_forecast,
    plan_versions,
    read_plan,
)
from refuge.planning import stored as stored_module

from .stored import NOW, Factory, approved, declare, flight, operation, replan


def entries(uow_factory: Factory, number: str) -> list[ManifestEntry]:
    with uow_factory() as uow:
        case = uow.cases.get(number)
        return uow.manifests.for_case(case.id)


def stage(uow_factory: Factory, number: str) -> Stage:
    with uow_factory() as uow:
        return uow.cases.get(number).stage


def seats(uow_factory: Factory, number: str) -> dict[str, int]:
    """Flight code -> people of the case manifested (or checked in, or boarded) there."""
    with uow_factory() as uow:
        codes = {f.id: f.code for f in uow.flights.list()}
    out: dict[str, int] = {}
    for e in entries(uow_factory, number):
        if e.status in {ManifestStatus.MANIFESTED, ManifestStatus.CHECKED_IN}:
            out[codes[e.flight_id]] = out.get(codes[e.flight_id], 0) + 1
    return out


def actions(uow_factory: Factory) -> list[str]:
    with uow_factory() as uow:
        return [event.action for event in uow.audit.events()]


@pytest.fixture
def factory(uow_factory: Factory) -> Factory:
    operation(uow_factory)
    return uow_factory


def test_a_plan_is_stored_with_its_manifests_standby_outbox_and_audit(factory: Factory) -> None:
    declare(factory, flight("A1", 6, hours=6), flight("B2", 6, hours=10))
    first = approved(factory, 3, threat=5)
    second = approved(factory, 3, threat=3)
    third = approved(factory, 4, threat=4)
    fourth = approved(factory, 2, threat=1)
    lowest = approved(factory, 2, threat=0)

    run = replan(factory)

    assert run.record.version == 1
    assert run.record.seated == 12
    assert run.record.people == 14
    assert run.record.bound is not None
    assert run.record.gap == pytest.approx(0.0, abs=1e-6)
    for number in (first, second, third, fourth):
        placed = seats(factory, number)
        assert len(placed) == 1, "a household flies whole, on one flight"
        assert stage(factory, number) is Stage.MANIFESTED
    assert seats(factory, lowest) == {}
    assert stage(factory, lowest) is Stage.APPROVED
    waiting = entries(factory, lowest)
    assert {e.status for e in waiting} == {ManifestStatus.STANDBY}
    assert len(waiting) == 4  # both members on both flights' standby lists
    assert {e.standby_rank for e in waiting} == {1}
    with factory() as uow:
        notices = uow.plans.notices()
    assert sorted(n.case_number for n in notices) == sorted([first, second, third, fourth])
    assert {n.kind for n in notices} == {"assigned"}
    assert "plan.plan" in actions(factory)
    stored = read_plan(factory())
    assert stored.plan.assignments == run_assignments(factory, 1)
    assert [h for h in stored.plan.standby[stored.plan.flights[0].id]] == [
        h.household_id for h in stored.plan.households if h.case_number == lowest
    ]


def run_assignments(uow_factory: Factory, version: int) -> tuple[object, ...]:
    with uow_factory() as uow:
        return tuple(uow.plans.assignments(version))


def test_planning_again_keeps_the_checked_in_and_tells_only_who_changed(factory: Factory) -> None:
    declare(factory, flight("A1", 6))
    early = approved(factory, 3, threat=3)
    late = approved(factory, 3, threat=1)
    replan(factory)
    checked = [e for e in entries(factory, late) if e.status is ManifestStatus.MANIFESTED]
    for entry in checked:
        check_in(factory(), entry.id, flight_code="A1", gate_agent="gate-1", now=NOW)
    urgent = approved(factory, 3, threat=5)

    run = replan(factory)

    # The checked-in family keeps its seats although a household of higher priority now waits.
    assert [(e.id, e.status) for e in entries(factory, late)] == [
        (e.id, ManifestStatus.CHECKED_IN) for e in checked
    ]
    assert seats(factory, urgent) == {"A1": 3}
    assert seats(factory, early) == {}
    assert stage(factory, early) is Stage.APPROVED
    assert {e.status for e in entries(factory, early)} == {ManifestStatus.STANDBY}
    kinds = {c.case_number: c.kind for c in run.changes.changes}
    assert kinds == {urgent: ChangeKind.ASSIGNED, early: ChangeKind.DROPPED}
    with factory() as uow:
        latest = [n for n in uow.plans.notices() if n.version == 2]
    assert {(n.case_number, n.kind) for n in latest} == {(urgent, "assigned"), (early, "dropped")}
    assert compare_plans(factory(), 1, 2) == run.changes
    assert [r.version for r in plan_versions(factory())] == [1, 2]


def test_higher_precedence_is_seated_before_a_higher_score_of_lower_precedence(
    factory: Factory,
) -> None:
    declare(factory, flight("A1", 4))
    siv = approved(factory, 4, threat=5)
    citizen = approved(factory, 3, program="citizens", nationality="USA")

    replan(factory)

    assert seats(factory, citizen) == {"A1": 3}
    assert seats(factory, siv) == {}


def test_a_flight_carries_only_the_programs_it_may(factory: Factory) -> None:
    declare(factory, flight("A1", 9, programs=frozenset({"humanitarian-p"})))
    siv = approved(factory, 3, threat=5)
    at_risk = approved(factory, 3, program="humanitarian-p")

    replan(factory)

    assert seats(factory, siv) == {}
    assert seats(factory, at_risk) == {"A1": 3}


def test_a_household_is_split_only_once_the_coordinator_allows_it(factory: Factory) -> None:
    declare(factory, flight("A1", 3, hours=6), flight("B2", 3, hours=9))
    big = approved(factory, 5)

    replan(factory)
    assert seats(factory, big) == {}

    household_id, changed = allow_split(factory(), big, actor="coordinator-1", now=NOW)
    assert changed
    assert allow_split(factory(), str(household_id), actor="coordinator-1", now=NOW) == (
        household_id,
        False,
    )
    run = replan(factory)

    assert sum(seats(factory, big).values()) == 5
    assert len(seats(factory, big)) == 2
    assert [c.kind for c in run.changes.changes] == [ChangeKind.ASSIGNED]
    assert "plan.allow_split" in actions(factory)


def test_a_split_permission_for_an_unknown_case_is_refused(factory: Factory) -> None:
    with pytest.raises(NotFound):
        allow_split(factory(), "RF-NOPE", actor="coordinator-1", now=NOW)
    with pytest.raises(NotFound):
        allow_split(factory(), str(uuid.uuid4()), actor="coordinator-1", now=NOW)


def test_a_no_show_at_the_gate_hands_its_seats_to_standby_in_order(factory: Factory) -> None:
    declare(factory, flight("A1", 6))
    boarding = approved(factory, 3, threat=5)
    absent = approved(factory, 3, threat=3)
    next_up = approved(factory, 2, threat=1)
    too_big = approved(factory, 3, threat=0)
    replan(factory)
    assert seats(factory, next_up) == {}
    at_gate = [e for e in entries(factory, boarding) if e.status is ManifestStatus.MANIFESTED]
    for entry in at_gate:
        check_in(factory(), entry.id, flight_code="A1", gate_agent="gate-1", now=NOW)

    freed = no_show(factory(), absent, flight_code="A1", gate_agent="gate-1", now=NOW)

    assert len(freed) == 3
    assert seats(factory, next_up) == {"A1": 2}
    assert stage(factory, next_up) is Stage.MANIFESTED
    assert seats(factory, too_big) == {}
    assert [(e.id, e.status) for e in entries(factory, boarding)] == [
        (e.id, ManifestStatus.CHECKED_IN) for e in at_gate
    ]
    assert {e.status for e in entries(factory, absent)} == {ManifestStatus.NO_SHOW}
    latest = read_plan(factory())
    assert (latest.record.version, latest.record.kind) == (2, "reoffer")
    assert {a.case_number for a in latest.plan.assignments} == {boarding, next_up}
    with factory() as uow:
        told = {(n.case_number, n.kind) for n in uow.plans.notices() if n.version == 2}
    assert told == {(next_up, "assigned"), (absent, "dropped")}
    assert actions(factory)[-1] == "plan.reoffer"


def test_a_plan_stored_meanwhile_makes_a_run_start_again(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    declare(factory, flight("A1", 6))
    approved(factory, 2)
    solve = stored_module.plan

    def solve_while_another_coordinator_plans(*args: Any, **options: Any) -> Plan:
        monkeypatch.setattr(stored_module, "plan", solve)
        replan(factory)
        return solve(*args, **options)

    monkeypatch.setattr(stored_module, "plan", solve_while_another_coordinator_plans)
    with pytest.raises(Conflict, match="another plan version"):
        replan(factory)
    assert [r.version for r in plan_versions(factory())] == [1]


def test_the_deadline_forecast_reads_the_latest_plan(factory: Factory) -> None:
    declare(factory, flight("A1", 6, hours=6), flight("B2", 6, hours=30))
    approved(factory, 3, threat=5)
    approved(factory, 3, threat=3)
    approved(factory, 4, threat=1)
    approved(factory, 4, program="humanitarian-p")
    replan(factory)

    deadline = NOW + dt.timedelta(hours=12)

    result = deadline_forecast(factory(), deadline, now=NOW, fill_rate=1.0)

    assert result.flights == 1
    assert result.expected_departures == 6
    assert result.people_left_behind == 8
    assert result.extra_seats == 8
    by_category = {line.category: line for line in result.lines}
    assert by_category["siv"].people_leaving == 6
    assert by_category["humanitarian"].people_left_behind == 4
    # Without a rate, the share of seats the stored plan fills on the flights before the deadline.
    stored = read_plan(factory())
    first = stored.plan.flights[0]
    filled = sum(a.people for a in stored.plan.manifest(first.id))
    assert deadline_forecast(factory(), deadline, now=NOW).fill_rate == filled / first.seats


def test_no_forecast_or_plan_to_show_before_the_first_plan(factory: Factory) -> None:
    with pytest.raises(NotFound):
        read_plan(factory())
    with pytest.raises(NotFound):
        deadline_forecast(factory(), NOW, now=NOW)


def test_a_category_quota_stored_by_eligibility_holds_in_the_plan(factory: Factory) -> None:
    declare(factory, flight("A1", 20))
    with factory() as uow:
        uow.eligibility.define_quota("category:siv", 5, "people")
        uow.commit()
    first = approved(factory, 3, threat=5)
    second = approved(factory, 3, threat=4)
    at_risk = approved(factory, 3, program="humanitarian-p")

    run = replan(factory)

    assert run.record.quotas == {"siv": 5}
    assert seats(factory, first) == {"A1": 3}
    assert seats(factory, second) == {}  # three more would take siv to six people
    assert seats(factory, at_risk) == {"A1": 3}


def test_planning_after_a_no_show_keeps_the_checked_in_and_leaves_the_no_show_out(
    factory: Factory,
) -> None:
    declare(factory, flight("A1", 6, hours=6), flight("B2", 3, hours=12))
    boarding = approved(factory, 3, threat=5)
    absent = approved(factory, 3, threat=4)
    waiting = approved(factory, 3, threat=1)
    replan(factory)
    at_gate = [e for e in entries(factory, boarding) if e.status is ManifestStatus.MANIFESTED]
    for entry in at_gate:
        check_in(factory(), entry.id, flight_code="A1", gate_agent="gate-1", now=NOW)
    no_show(factory(), absent, flight_code="A1", gate_agent="gate-1", now=NOW)

    run = replan(factory)

    assert run.record.version == 3
    assert [(e.id, e.status) for e in entries(factory, boarding)] == [
        (e.id, ManifestStatus.CHECKED_IN) for e in at_gate
    ]
    # Not checked in, the last family may move to the seats the no-show left on the earlier flight.
    assert sum(seats(factory, waiting).values()) == 3
    assert stage(factory, absent) is Stage.NO_SHOW
    assert absent not in {h.case_number for h in read_plan(factory()).plan.households}
    assert {e.status for e in entries(factory, absent)} == {ManifestStatus.NO_SHOW}
