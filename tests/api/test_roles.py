"""Each role against each resource: what it may read, what it is refused, and what is masked.
Runs on SQLite and PostgreSQL; each test walks every role through one operation."""

from __future__ import annotations

import datetime as dt
import uuid

from refuge.accounts import Role

from .support import Operation

READS_HOUSEHOLDS = {
    Role.CASE_OFFICER,
    Role.VETTING_OFFICER,
    Role.COORDINATOR,
    Role.GATE_AGENT,
    Role.RECEPTION_OFFICER,
    Role.AUDITOR,
}
UNMASKED = {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.GATE_AGENT}


def test_case_list_shows_each_role_what_it_may_see(operation: Operation) -> None:
    mine = {operation.cases["a1"], operation.cases["a2"]}
    for role in Role:
        answer = operation.staff(role).get("/cases")
        if role is Role.FLIGHT_OPERATIONS:
            assert answer.status_code == 403, role
            assert answer.json()["code"] == "forbidden"
            continue
        assert answer.status_code == 200, role
        numbers = {row["number"] for row in answer.json()}
        coarse = {"number", "organisation", "program", "status"}
        if role is Role.PARTNER:
            assert numbers == mine
            assert all(set(row) == coarse for row in answer.json())
        else:
            assert numbers == mine | {operation.cases["b1"]}, role
            assert all(set(row) == coarse | {"stage", "version"} for row in answer.json())
            assert {row["stage"] for row in answer.json()} == {"registered"}


def test_staff_filter_the_case_list_by_stage_and_page_through_it(operation: Operation) -> None:
    officer = operation.staff(Role.CASE_OFFICER)
    moved = officer.post(
        f"/cases/{operation.cases['b1']}/transitions",
        json={"to": "screened_eligible", "expected_version": 0},
    )
    assert moved.status_code == 200
    eligible = officer.get("/cases", params={"stage": "screened_eligible"}).json()
    assert [row["number"] for row in eligible] == [operation.cases["b1"]]
    pages = [officer.get("/cases", params={"limit": 2, "offset": o}).json() for o in (0, 2)]
    assert [len(page) for page in pages] == [2, 1]
    numbers = [row["number"] for page in pages for row in page]
    assert numbers == sorted(operation.cases.values())
    partner = operation.staff(Role.PARTNER)
    assert partner.get("/cases", params={"stage": "registered"}).status_code == 422


def test_partner_reads_only_the_coarse_status_of_its_own_cases(operation: Operation) -> None:
    own = operation.staff(Role.PARTNER).get(f"/cases/{operation.cases['a1']}")
    assert own.status_code == 200
    assert own.json() == {
        "number": operation.cases["a1"],
        "organisation": "ngo-a",
        "program": "siv",
        "status": "received",
    }
    assert "etag" not in own.headers


def test_another_organisations_case_looks_exactly_like_a_missing_one(
    operation: Operation,
) -> None:
    partner = operation.staff(Role.PARTNER)
    theirs = operation.cases["b1"]
    missing = "RF-00000000" + theirs[-1]
    hidden = partner.get(f"/cases/{theirs}")
    absent = partner.get(f"/cases/{missing}")
    assert hidden.status_code == absent.status_code == 404
    same = {**absent.json(), "detail": absent.json()["detail"].replace(missing, theirs)}
    assert hidden.json() == same


def test_staff_read_the_whole_case_with_its_version(operation: Operation) -> None:
    for role in Role:
        answer = operation.staff(role).get(f"/cases/{operation.cases['b1']}")
        if role in (Role.PARTNER, Role.FLIGHT_OPERATIONS):
            assert answer.status_code == 404, role
            continue
        assert answer.status_code == 200, role
        body = answer.json()
        assert body["stage"] == "registered"
        assert answer.headers["etag"] == f'"{body["version"]}"'
        assert body["household_id"] == operation.households["b1"]


def test_household_reads_are_masked_for_the_role(operation: Operation) -> None:
    for role in Role:
        staff = operation.staff(role)
        answer = staff.get(f"/households/{operation.households['a1']}")
        if role not in READS_HOUSEHOLDS:
            absent = staff.get(f"/households/{uuid.uuid4()}")
            assert answer.status_code == absent.status_code == 404, role
            assert answer.json()["code"] == absent.json()["code"] == "not_found"
            continue
        assert answer.status_code == 200, role
        principal = answer.json()["members"][0]
        document = principal["documents"][0]
        if role in UNMASKED:
            assert document == {
                "kind": "passport",
                "number": "P1234567",
                "masked": False,
                "issuing_state": "AFG",
                "expiry": None,
            }, role
            assert principal["phones"] == ["+93700000001"]
            assert principal["notes"] == "interpreter for the embassy"
        else:
            assert document["number"] == "*****567", role
            assert document["masked"] is True
            assert principal["phones"] == ["*****001"]
            assert principal["notes"] is None
            assert "P1234567" not in answer.text
            assert "+93700000001" not in answer.text


def test_every_read_of_a_household_by_a_person_is_audited_without_personal_data(
    operation: Operation,
) -> None:
    operation.staff(Role.GATE_AGENT).get(f"/households/{operation.households['a2']}")
    auditor = operation.staff(Role.AUDITOR)
    auditor.get(f"/households/{operation.households['a2']}")
    events = auditor.get("/audit/events", params={"limit": 500}).json()
    reads = [e for e in events if e["action"] == "household.read"]
    assert [(e["actor"], e["object_id"]) for e in reads] == [
        ("user:gate-agent", operation.households["a2"]),
        ("user:auditor", operation.households["a2"]),
    ]
    assert reads[0]["details"] == {"role": "gate_agent", "via": "session"}
    assert "Bravo" not in str(events)
    assert "P7654321" not in str(events)


def test_reading_a_whole_case_is_audited_a_partners_coarse_read_is_not(
    operation: Operation,
) -> None:
    number = operation.cases["a1"]
    operation.staff(Role.PARTNER).get(f"/cases/{number}")
    operation.staff(Role.VETTING_OFFICER).get(f"/cases/{number}")
    events = operation.staff(Role.AUDITOR).get("/audit/events", params={"limit": 500}).json()
    reads = [(e["actor"], e["object_id"]) for e in events if e["action"] == "case.read"]
    assert reads == [("user:vetting-officer", number)]


def test_flight_times_are_hidden_until_the_release_window(operation: Operation) -> None:
    for role in Role:
        staff = operation.staff(role)
        answer = staff.get("/flights")
        if role is Role.PARTNER:
            assert answer.status_code == 403
            assert staff.get(f"/flights/{operation.flight}").status_code == 404
            continue
        assert answer.status_code == 200, role
        (flight,) = answer.json()
        early = role in (Role.FLIGHT_OPERATIONS, Role.COORDINATOR)
        assert flight["times_released"] is early, role
        assert (flight["departs_earliest"] is not None) is early, role
    # Three hours before the window opens, everyone with flight access sees the times.
    operation.clock.now = dt.datetime(2026, 8, 21, 3, 0, tzinfo=dt.UTC)
    later = operation.login(Role.RECEPTION_OFFICER).get(f"/flights/{operation.flight}").json()
    assert later["times_released"] is True
    assert later["departs_earliest"] == "2026-08-21T06:00:00Z"


def test_only_auditors_and_coordinators_read_and_verify_the_audit_log(
    operation: Operation,
) -> None:
    for role in Role:
        staff = operation.staff(role)
        events, verify = staff.get("/audit/events"), staff.get("/audit/verify")
        if role in (Role.AUDITOR, Role.COORDINATOR):
            assert events.status_code == verify.status_code == 200
            assert {e["action"] for e in events.json()} >= {"case.register", "session.open"}
            assert verify.json() == {"intact": True, "findings": []}
        else:
            assert events.status_code == verify.status_code == 403, role


def test_reports_are_counts_for_those_who_need_them(operation: Operation) -> None:
    allowed = {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.AUDITOR}
    for role in Role:
        answer = operation.staff(role).get("/reports/summary")
        if role not in allowed:
            assert answer.status_code == 403, role
            continue
        body = answer.json()
        assert (body["cases"], body["households"], body["people"]) == (3, 3, 6)
        assert body["cases_by_stage"] == {"registered": 3}


def test_organisations_and_programs_are_listed_a_partner_sees_only_its_own(
    operation: Operation,
) -> None:
    for role in Role:
        staff = operation.staff(role)
        codes = [o["code"] for o in staff.get("/organisations").json()]
        assert codes == (["ngo-a"] if role is Role.PARTNER else ["ngo-a", "ngo-b"]), role
        assert [p["code"] for p in staff.get("/programs").json()] == ["siv"]


def test_only_coordinators_change_organisations_programs_and_users(operation: Operation) -> None:
    for number, role in enumerate(Role):
        staff = operation.staff(role)
        organisation = staff.post(
            "/organisations", json={"code": f"org-{number}", "name": "New", "kind": "ngo"}
        )
        program = staff.post(
            "/programs", json={"code": f"p-{number}", "name": "P", "precedence": 2}
        )
        user = staff.post(
            "/users",
            json={
                "username": f"new-{number}",
                "password": "another long password",
                "role": "auditor",
            },
        )
        expected = 201 if role is Role.COORDINATOR else 403
        assert (organisation.status_code, program.status_code, user.status_code) == (
            expected,
        ) * 3, role
        listing = staff.get("/users")
        assert listing.status_code == (200 if role in (Role.COORDINATOR, Role.AUDITOR) else 403)


def test_a_coordinator_enrols_a_user_who_then_logs_in_with_the_seed(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    enrolment = coordinator.post(
        "/users",
        json={
            "username": "ngo-b-liaison",
            "password": "a liaison's long password",
            "role": "partner_organisation",
            "organisation": "ngo-b",
        },
    ).json()
    assert enrolment["provisioning_uri"].startswith("otpauth://totp/Refuge:ngo-b-liaison")
    operation.seeds["ngo-b-liaison"] = enrolment["totp_secret"]
    client = operation.client()
    answer = client.post(
        "/session",
        json={
            "username": "ngo-b-liaison",
            "password": "a liaison's long password",
            "totp": operation.code("ngo-b-liaison"),
        },
    )
    assert answer.json()["organisation"] == "ngo-b"
    assert [c["number"] for c in client.get("/cases").json()] == [operation.cases["b1"]]


def test_cases_move_only_as_far_as_the_role_may_move_them(operation: Operation) -> None:
    number = operation.cases["a1"]
    url = f"/cases/{number}/transitions"
    vetting = operation.staff(Role.VETTING_OFFICER)
    refused = vetting.post(url, json={"to": "screened_eligible"}, headers={"If-Match": '"0"'})
    assert refused.status_code == 403
    for role in (Role.AUDITOR, Role.PARTNER, Role.FLIGHT_OPERATIONS):
        answer = operation.staff(role).post(
            url, json={"to": "screened_eligible", "expected_version": 0}
        )
        assert answer.status_code in (403, 404), role
    officer = operation.staff(Role.CASE_OFFICER)
    moved = officer.post(url, json={"to": "screened_eligible"}, headers={"If-Match": '"0"'})
    assert moved.status_code == 200
    assert (moved.json()["stage"], moved.headers["etag"]) == ("screened_eligible", '"1"')
    cleared = vetting.post(url, json={"to": "vetting_cleared", "expected_version": 1})
    assert cleared.json()["stage"] == "vetting_cleared"
    partner = operation.staff(Role.PARTNER).get(f"/cases/{number}").json()
    assert partner["status"] == "in_process"
