"""Persons, the review queue, screening and manifests through the service: each role against each
(allowed, forbidden, masked), on SQLite and PostgreSQL. Matching's persons and pairs are stored
as a run of `match` would store them, through the store's own repository."""

from __future__ import annotations

import datetime as dt
import uuid

from refuge.accounts import Role
from refuge.domain import ManifestEntry, ManifestStatus
from refuge.matching import Decision, Membership, PairVerdict, ReviewPair

from .support import START, Operation
from .test_lists import GOOD, HEADER, upload

UNMASKED = {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.GATE_AGENT}
READS_PERSONS = {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.AUDITOR}
REVIEWS = {Role.CASE_OFFICER, Role.COORDINATOR}
READS_REVIEW = REVIEWS | {Role.AUDITOR}
READS_HOUSEHOLDS = set(Role) - {Role.PARTNER, Role.FLIGHT_OPERATIONS}
SECOND = "B-7,Synth,Delta,25/05/1985,M,P9876543,\n"


def matched(operation: Operation) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Two organisations' records of one person, stored as one person with an open pair between
    them; returns (person, left record, right record)."""
    upload(operation.staff(Role.PARTNER), HEADER + GOOD)
    upload(operation.staff(Role.COORDINATOR), HEADER + SECOND, name="b.csv", organisation="ngo-b")
    lines = operation.staff(Role.COORDINATOR).get("/records").json()
    left, right = (uuid.UUID(line["id"]) for line in lines)
    person, household = uuid.uuid4(), uuid.uuid4()
    with operation.refuge.uow() as uow:
        uow.matching.replace_memberships(
            [Membership(left, person, household), Membership(right, person, household)]
        )
        verdict = PairVerdict("passport", "exact", "agrees", 50.0)
        pair = ReviewPair(uuid.uuid4(), left, right, 0.6, (verdict,), Decision.OPEN, START)
        uow.matching.replace_open_pairs([pair])
        uow.commit()
    return person, left, right


def test_persons_show_every_record_joined_masked_for_the_role(operation: Operation) -> None:
    person, left, right = matched(operation)
    for role in Role:
        staff = operation.staff(role)
        listing, read = staff.get("/persons"), staff.get(f"/persons/{person}")
        if role not in READS_PERSONS:
            assert listing.status_code == 403, role
            assert read.status_code == 404, role
            continue
        assert [(p["id"], p["records"]) for p in listing.json()] == [(str(person), 2)], role
        body = read.json()
        assert {r["id"] for r in body["records"]} == {str(left), str(right)}
        assert {r["organisation"] for r in body["records"]} == {"ngo-a", "ngo-b"}
        numbers = {r["passport_number"] for r in body["records"]}
        assert numbers == ({"P9876543"} if role in UNMASKED else {"*****543"}), role
    assert operation.staff(Role.CASE_OFFICER).get(f"/persons/{uuid.uuid4()}").status_code == 404
    events = operation.staff(Role.AUDITOR).get("/audit/events", params={"limit": 500}).json()
    reads = [e["actor"] for e in events if e["action"] == "person.read"]
    assert len(reads) == len(READS_PERSONS)
    assert "Delta" not in str(events)


def test_a_partner_sees_its_own_record_but_not_the_person_it_was_joined_into(
    operation: Operation,
) -> None:
    person, left, _ = matched(operation)
    partner = operation.staff(Role.PARTNER)
    (line,) = partner.get("/records").json()
    assert line["id"] == str(left)
    assert partner.get(f"/persons/{person}").status_code == 404


def test_case_officers_confirm_reject_and_undo_uncertain_pairs(operation: Operation) -> None:
    _, left, right = matched(operation)
    pairs = {}
    for role in Role:
        answer = operation.staff(role).get("/review/pairs")
        if role not in READS_REVIEW:
            assert answer.status_code == 403, role
            continue
        (pair,) = answer.json()
        assert (pair["left"], pair["right"]) == (str(left), str(right))
        assert pair["fields"] == [
            {"field": "passport", "level": "exact", "verdict": "agrees", "bayes_factor": 50.0}
        ]
        pairs[role] = pair["id"]
    pair_id = pairs[Role.CASE_OFFICER]
    for role in set(Role) - REVIEWS:
        refused = operation.staff(role).post(
            f"/review/pairs/{pair_id}/decision", json={"decision": "reject"}
        )
        assert refused.status_code == 403, role
    officer = operation.staff(Role.CASE_OFFICER)
    rejected = officer.post(f"/review/pairs/{pair_id}/decision", json={"decision": "reject"})
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["persons_before"], body["persons_after"]) == (1, 2)
    assert body["pair"]["decided_by"] == "user:case-officer"
    assert officer.get("/review/pairs").json() == []
    twice = officer.post(f"/review/pairs/{pair_id}/decision", json={"decision": "confirm"})
    assert twice.status_code == 409
    undone = officer.post(f"/review/pairs/{pair_id}/undo")
    assert undone.json()["pair"]["decision"] == "open"
    assert officer.post(f"/review/pairs/{uuid.uuid4()}/undo").status_code == 404


def test_a_vetting_officer_records_the_security_screening_outcome(operation: Operation) -> None:
    number = operation.cases["b1"]
    officer = operation.staff(Role.CASE_OFFICER)
    officer.post(
        f"/cases/{number}/transitions", json={"to": "screened_eligible", "expected_version": 0}
    )
    url = f"/screening/cases/{number}/vetting"
    for role in set(Role) - {Role.VETTING_OFFICER, Role.COORDINATOR}:
        answer = operation.staff(role).post(url, json={"outcome": "cleared", "expected_version": 1})
        assert answer.status_code in (403, 404), role
    vetting = operation.staff(Role.VETTING_OFFICER)
    stale = vetting.post(url, json={"outcome": "refused", "expected_version": 0})
    assert stale.status_code == 409
    refused = vetting.post(
        url, json={"outcome": "refused", "reason": "check"}, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 200, refused.text
    assert (refused.json()["stage"], refused.headers["etag"]) == ("vetting_refused", '"2"')
    partner = operation.staff(Role.PARTNER).get(f"/cases/{operation.cases['a1']}")
    assert partner.json()["status"] == "received"


def test_screening_runs_are_for_case_officers_and_decisions_read_by_staff(
    operation: Operation,
) -> None:
    for role in set(Role) - {Role.CASE_OFFICER, Role.COORDINATOR}:
        answer = operation.staff(role).post("/screening/runs", json={})
        assert answer.status_code == 403, role
    run = operation.staff(Role.CASE_OFFICER).post("/screening/runs", json={})
    assert run.status_code == 200, run.text
    assert run.json()["screened"] == 3
    number = operation.cases["a1"]
    for role in Role:
        answer = operation.staff(role).get(f"/screening/cases/{number}")
        if role not in READS_PERSONS:
            assert answer.status_code == 403, role
            continue
        decision = answer.json()["decision"]
        assert decision["program"] == "siv", role
        assert decision["reasons"], role
        assert decision["outcome"] in {"eligible", "ineligible", "missing-documents"}
    again = operation.staff(Role.CASE_OFFICER).post("/screening/runs", json={"only_changed": True})
    assert again.json()["unchanged"] == 3


def test_manifests_group_households_mask_numbers_and_hold_back_times(
    operation: Operation,
) -> None:
    with operation.refuge.uow() as uow:
        flight = uow.flights.get(operation.flight)
        for label, status in (("a1", ManifestStatus.MANIFESTED), ("b1", ManifestStatus.STANDBY)):
            case = uow.cases.get(operation.cases[label])
            household = uow.households.get(case.household_id)
            uow.manifests.add_many(
                ManifestEntry(
                    flight.id,
                    case.id,
                    household.id,
                    member.person.id,
                    status,
                    1 if status is ManifestStatus.STANDBY else None,
                )
                for member in household.members
            )
        uow.commit()
    for role in Role:
        answer = operation.staff(role).get(f"/manifests/{operation.flight}")
        if role is Role.PARTNER:
            assert answer.status_code == 404
            continue
        assert answer.status_code == 200, role
        body = answer.json()
        assert body["seated"] == 2
        assert [h["case_number"] for h in body["households"]] == [operation.cases["a1"]]
        assert [h["case_number"] for h in body["standby"]] == [operation.cases["b1"]]
        principal = body["households"][0]["members"][0]
        assert len(body["households"][0]["members"]) == 2
        if role not in READS_HOUSEHOLDS:
            assert (principal["family_name"], principal["document_number"]) == ("", ""), role
            assert body["names_shown"] is False
        elif role in UNMASKED:
            assert principal["relationship"] == "principal"
            assert principal["family_name"] == "Alpha", role
            assert principal["document_number"] == "P1234567", role
        else:
            assert principal["document_number"] == "*****567", role
            assert "P1234567" not in answer.text
        early = role in (Role.FLIGHT_OPERATIONS, Role.COORDINATOR)
        assert (body["flight"]["departs_earliest"] is not None) is early, role
    # In the release window the times are shown to all who read the manifest.
    operation.clock.now = START + dt.timedelta(hours=21)
    later = operation.login(Role.GATE_AGENT).get(f"/manifests/{operation.flight}").json()
    assert later["flight"]["departs_earliest"] == "2026-08-21T06:00:00Z"
    # (The auditor logs in again: the clock has moved past the first session's lifetime.)
    auditor = operation.login(Role.AUDITOR)
    events = auditor.get("/audit/events", params={"limit": 500}).json()
    reads = [e for e in events if e["action"] == "manifest.read"]
    assert len(reads) == len(READS_HOUSEHOLDS) + 1
    assert reads[0]["details"]["households"] == 2
    assert "Alpha" not in str(events)
