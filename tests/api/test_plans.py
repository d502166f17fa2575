"""Plans and the forecast over the service, each role in turn, on SQLite and PostgreSQL:
coordinators run plans, flight operations and auditors read them, everyone else is refused;
departure times in a plan only for the roles that see them before the release window."""

from __future__ import annotations

import datetime as dt

from refuge.accounts import Role
from refuge.domain import Stage

from .support import START, Operation

READERS = {Role.COORDINATOR, Role.FLIGHT_OPERATIONS, Role.AUDITOR}


def approve(operation: Operation, *labels: str) -> None:
    with operation.refuge.uow() as uow:
        for label in labels:
            case = uow.cases.get(operation.cases[label])
            for stage in (Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
                case.move_to(stage, actor="t", at=START)
            uow.cases.save(case)
        uow.commit()


def test_only_coordinators_run_a_plan(operation: Operation) -> None:
    approve(operation, "a1", "b1")
    for role in Role:
        if role is Role.COORDINATOR:
            continue
        refused = operation.staff(role).post("/plans", json={"time_limit_s": 1})
        assert refused.status_code == 403, role
        assert refused.json()["code"] == "forbidden"
    made = operation.staff(Role.COORDINATOR).post("/plans", json={"time_limit_s": 1})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["plan"]["version"] == 1
    assert body["plan"]["actor"] == "user:coordinator"
    assert body["plan"]["seated"] == 4
    assert sorted(c["case_number"] for c in body["changes"]["changes"]) == sorted(
        [operation.cases["a1"], operation.cases["b1"]]
    )
    assert {c["kind"] for c in body["changes"]["changes"]} == {"assigned"}
    assert body["notices"] == 2


def test_a_plan_run_asks_for_a_sensible_time_limit(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    assert coordinator.post("/plans", json={"time_limit_s": 0}).status_code == 422
    assert coordinator.post("/plans", json={"time_limit_s": 3600}).status_code == 422
    assert coordinator.post("/plans", json={"surplus": True}).status_code == 422


def test_plans_are_read_by_those_who_need_them_times_only_by_some(operation: Operation) -> None:
    approve(operation, "a1", "a2")
    assert operation.staff(Role.COORDINATOR).post("/plans", json={"time_limit_s": 1}).is_success
    for role in Role:
        staff = operation.staff(role)
        listed, shown = staff.get("/plans"), staff.get("/plans/1")
        if role not in READERS:
            assert listed.status_code == shown.status_code == 403, role
            continue
        assert listed.status_code == shown.status_code == 200, role
        assert [v["version"] for v in listed.json()] == [1]
        (flight,) = shown.json()["flights"]
        assert flight["code"] == operation.flight
        assert sorted(s["case_number"] for s in flight["seats"]) == sorted(
            [operation.cases["a1"], operation.cases["a2"]]
        )
        early = role in (Role.FLIGHT_OPERATIONS, Role.COORDINATOR)
        assert flight["times_released"] is early, role
        assert (flight["departs_earliest"] is not None) is early, role
        assert "Synth" not in shown.text
    assert operation.staff(Role.AUDITOR).get("/plans/2").status_code == 404


def test_what_changed_between_versions_is_read_per_case(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    approve(operation, "a1")
    assert coordinator.post("/plans", json={"time_limit_s": 1}).is_success
    approve(operation, "b1")
    assert coordinator.post("/plans", json={"time_limit_s": 1}).is_success
    for role in Role:
        answer = operation.staff(role).get("/plans/2/diff")
        if role not in READERS:
            assert answer.status_code == 403, role
            continue
        assert answer.status_code == 200, role
        body = answer.json()
        assert (body["old_version"], body["new_version"]) == (1, 2)
        assert [(c["case_number"], c["kind"]) for c in body["changes"]] == [
            (operation.cases["b1"], "assigned")
        ]
    assert coordinator.get("/plans/1/diff").status_code == 422  # nothing before version 1
    assert coordinator.get("/plans/2/diff?against=2").status_code == 422


def test_the_forecast_is_counts_for_the_readers_of_plans(operation: Operation) -> None:
    approve(operation, "a1", "a2", "b1")
    coordinator = operation.staff(Role.COORDINATOR)
    deadline = (START + dt.timedelta(days=2)).isoformat()
    assert coordinator.get("/forecast", params={"deadline": deadline}).status_code == 404
    assert coordinator.post("/plans", json={"time_limit_s": 1}).is_success
    for role in Role:
        answer = operation.staff(role).get(
            "/forecast", params={"deadline": deadline, "fill_rate": 0.01}
        )
        if role not in READERS:
            assert answer.status_code == 403, role
            continue
        assert answer.status_code == 200, role
        body = answer.json()
        # 1% of 300 seats is 3: one household of two goes, the other two wait whole.
        assert (body["flights"], body["seats"], body["expected_departures"]) == (1, 300, 2)
        assert body["people_left_behind"] == 4
        assert body["extra_seats"] == 400
        assert "Synth" not in answer.text


def test_applicants_and_strangers_get_nothing(operation: Operation) -> None:
    stranger = operation.client()
    for path in ("/plans", "/plans/1", "/plans/1/diff", "/forecast?deadline=2026-09-01T00:00Z"):
        assert stranger.get(path).status_code == 401, path
    assert stranger.post("/plans", json={}).status_code == 401
