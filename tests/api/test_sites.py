"""Reception sites over HTTP, each role walked through, on SQLite and PostgreSQL: reception
officers register arrivals and departures, coordinators add sites, expect flights and read
occupancy and warnings, auditors read, partners and the other roles are refused."""

from __future__ import annotations

import datetime as dt
import uuid

from refuge.accounts import Role
from refuge.domain import ManifestEntry, Stage
from refuge.gate import board, check_in

from .support import Operation

READS_SITES = {Role.RECEPTION_OFFICER, Role.COORDINATOR, Role.AUDITOR}
RECEIVES = {Role.RECEPTION_OFFICER, Role.COORDINATOR}
SITE = {"code": "doha-1", "name": "Hangar 1", "capacity": 4, "warn_percent": 75}


def boarded(operation: Operation, label: str) -> list[uuid.UUID]:
    """Manifest the labelled case's household on the operation's flight and board it."""
    now = operation.clock.now
    with operation.refuge.uow() as uow:
        case = uow.cases.get(operation.cases[label])
        flight = uow.flights.get(operation.flight)
        for stage in (Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED, Stage.MANIFESTED):
            case.move_to(stage, actor="t", at=now)
        uow.cases.save(case)
        household = uow.households.get(uuid.UUID(operation.households[label]))
        entries = [
            ManifestEntry(flight.id, case.id, household.id, m.person.id) for m in household.members
        ]
        uow.manifests.add_many(entries)
        uow.commit()
    for entry in entries:
        for step in (check_in, board):
            step(
                operation.refuge.uow(),
                entry.id,
                flight_code=operation.flight,
                gate_agent="g",
                now=now,
            )
    return [e.id for e in entries]


def test_only_coordinators_add_sites_and_only_reception_coordinators_and_auditors_read_them(
    operation: Operation,
) -> None:
    for role in Role:
        added = operation.staff(role).post("/sites", json=SITE)
        if role is Role.COORDINATOR:
            assert added.status_code == 201, added.text
            assert added.json()["warning"] is None
        else:
            assert added.status_code == 403, role
            assert added.json()["code"] == "forbidden"
    for role in Role:
        staff = operation.staff(role)
        listed, one = staff.get("/sites"), staff.get("/sites/doha-1")
        warned = staff.get("/sites/warnings")
        expected = 200 if role in READS_SITES else 403
        assert (listed.status_code, one.status_code, warned.status_code) == (expected,) * 3, role
    assert operation.staff(Role.AUDITOR).get("/sites/elsewhere").status_code == 404


def test_a_reception_officer_receives_a_case_and_a_coordinator_sees_the_site_fill(
    operation: Operation,
) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    assert coordinator.post("/sites", json=SITE).status_code == 201
    boarded(operation, "a1")
    boarded(operation, "a2")
    expected = coordinator.post(
        "/sites/doha-1/expected-flights", json={"flight": operation.flight}
    ).json()
    assert expected["inbound"] == [{"flight": operation.flight, "people": 4}]
    assert expected["warning"]["first_over"] == operation.flight
    assert set(expected["inbound"][0]) == {"flight", "people"}  # no flight times
    number = operation.cases["a1"]

    for role in Role:
        if role in RECEIVES:
            continue
        refused = operation.staff(role).post("/sites/doha-1/arrivals", json={"case": number})
        assert refused.status_code == 403, role
    officer = operation.staff(Role.RECEPTION_OFFICER)
    received = officer.post("/sites/doha-1/arrivals", json={"case": number})

    assert received.status_code == 200, received.text
    body = received.json()
    assert (body["arrived"], body["cases_arrived"]) == (2, [number])
    # The flight has landed: only people present count now, 2 of 4, below 75%.
    assert body["warning"] is None
    assert coordinator.get(f"/cases/{number}").json()["stage"] == "arrived"
    rest = officer.post("/sites/doha-1/arrivals", json={"flight": operation.flight}).json()
    assert (rest["arrived"], rest["already"]) == (2, 2)
    assert rest["warning"]["now"] is True
    warnings = coordinator.get("/sites/warnings").json()
    assert [w["present"] for w in warnings] == [4]

    operation.clock.advance(dt.timedelta(hours=2))
    gone = officer.post("/sites/doha-1/departures", json={"case": number, "to": "ramstein"})
    assert gone.json() == {"departed": 2, "present": 2, "to": "ramstein"}
    assert (
        operation.staff(Role.PARTNER)
        .post("/sites/doha-1/departures", json={"case": operation.cases["a2"]})
        .status_code
        == 403
    )
    operation.clock.advance(dt.timedelta(hours=1))
    series = coordinator.get("/sites/doha-1/occupancy", params={"every": "hour"}).json()
    assert max(p["peak"] for p in series["series"]) == 4
    assert series["series"][-1]["present"] == 2
    assert operation.staff(Role.PARTNER).get("/sites/doha-1/occupancy").status_code == 403
    with operation.refuge.uow() as uow:
        arrivals = [e for e in uow.audit.events() if e.action.startswith("arrival.")]
    assert [e.actor for e in arrivals] == ["user:reception-officer"] * 3


def test_one_person_arrives_by_passport_zone_and_a_bad_scan_is_answered_not_raised(
    operation: Operation,
) -> None:
    operation.staff(Role.COORDINATOR).post("/sites", json=SITE)
    boarded(operation, "b1")
    officer = operation.staff(Role.RECEPTION_OFFICER)

    unreadable = officer.post(
        "/sites/doha-1/arrivals", json={"flight": operation.flight, "scan": "P<AFG"}
    )
    forged = officer.post(
        "/sites/doha-1/arrivals", json={"flight": operation.flight, "scan": "RP1.AAAA"}
    )
    without_flight = officer.post("/sites/doha-1/arrivals", json={"scan": "P<AFG"})

    assert unreadable.json()["outcome"] == "unreadable"
    assert forged.json()["outcome"] == "refused"
    assert forged.json()["reason"] == "malformed"
    assert without_flight.status_code == 422
