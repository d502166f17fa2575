"""Lists sent in, through the service: each role against imports, the quarantine and source
records (allowed, forbidden, masked), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import httpx2 as httpx

from refuge.accounts import Role

from .support import Operation, Staff

HEADER = "ID,Given name,Family name,Date of birth,Sex,Passport,Phone\n"
GOOD = "A-1,Synth,Delta,25/05/1985,M,P9876543,0700 123 456\n"
# Day 31 of February: rejected, quarantined.
BAD = "A-2,Synth,Echo,31/02/1985,F,,0799 123 456\n"
LIST = HEADER + GOOD + BAD

TAKES_LISTS = {Role.PARTNER, Role.CASE_OFFICER, Role.COORDINATOR}
READS_LISTS = TAKES_LISTS | {Role.AUDITOR}
UNMASKED = {Role.CASE_OFFICER, Role.VETTING_OFFICER, Role.COORDINATOR, Role.GATE_AGENT}
READS_RECORDS = READS_LISTS | {Role.VETTING_OFFICER}


def upload(staff: Staff, text: str = LIST, name: str = "list.csv", **form: str) -> httpx.Response:
    return staff.post("/imports", files={"file": (name, text.encode(), "text/csv")}, data=form)


def test_a_partner_uploads_its_list_and_gets_the_row_level_report(operation: Operation) -> None:
    answer = upload(operation.staff(Role.PARTNER))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["already"] is False
    assert body["imported"]["organisation"] == "ngo-a"
    counts = body["imported"]["counts"]
    assert (counts["read"], counts["accepted"], counts["rejected"]) == (2, 1, 1)
    assert [(p["row"], p["field"], p["severity"]) for p in body["problems"]] == [
        (3, "date_of_birth", "error")
    ]
    assert "Echo" not in answer.text
    again = upload(operation.staff(Role.PARTNER))
    assert again.status_code == 201
    assert again.json()["already"] is True


def test_who_may_upload_a_list_and_for_whom(operation: Operation) -> None:
    for role in Role:
        answer = upload(operation.staff(role), organisation="ngo-b")
        if role is Role.PARTNER:
            assert answer.status_code == 403, answer.text  # not for another organisation
        elif role in TAKES_LISTS:
            assert answer.status_code == 201, role
            assert answer.json()["imported"]["organisation"] == "ngo-b"
        else:
            assert answer.status_code == 403, role
    staff_without_organisation = upload(operation.staff(Role.COORDINATOR), HEADER + GOOD)
    assert staff_without_organisation.status_code == 422


def test_a_partners_system_pushes_its_list_with_an_import_token(operation: Operation) -> None:
    partner = operation.staff(Role.PARTNER)
    token = partner.post("/tokens", json={"name": "crm", "scopes": ["imports:write"]}).json()
    machine = operation.client()
    headers = {"Authorization": f"Bearer {token['token']}"}
    files = {"file": ("push.csv", LIST.encode(), "text/csv")}
    pushed = machine.post("/imports", files=files, headers=headers)
    assert pushed.status_code == 201, pushed.text
    assert pushed.json()["imported"]["actor"] == "user:partner-organisation"
    # The token holds no other scope: not even reading the imports back.
    assert machine.get("/imports", headers=headers).status_code == 403
    reader = partner.post("/tokens", json={"name": "ro", "scopes": ["imports:read"]}).json()
    refused = machine.post(
        "/imports", files=files, headers={"Authorization": f"Bearer {reader['token']}"}
    )
    assert refused.status_code == 403


def test_imports_and_their_reports_are_listed_a_partner_sees_its_own(
    operation: Operation,
) -> None:
    own = upload(operation.staff(Role.PARTNER)).json()["imported"]["id"]
    theirs = upload(operation.staff(Role.COORDINATOR), name="b.csv", organisation="ngo-b").json()
    theirs_id = theirs["imported"]["id"]
    for role in Role:
        staff = operation.staff(role)
        listing = staff.get("/imports")
        report = staff.get(f"/imports/{theirs_id}")
        if role not in READS_LISTS:
            assert listing.status_code == 403, role
            assert report.status_code == 404, role
            continue
        ids = [f["id"] for f in listing.json()]
        if role is Role.PARTNER:
            assert ids == [own]
            absent = staff.get(f"/imports/{uuid.uuid4()}")
            assert report.status_code == absent.status_code == 404
            continue
        assert ids == [own, theirs_id], role
        rows = report.json()["rows"]
        assert [(r["row"], r["rejected"]) for r in rows] == [(3, True)], role
        assert rows[0]["problems"][0]["field"] == "date_of_birth"


def test_a_quarantined_row_is_corrected_by_those_who_take_lists_in(operation: Operation) -> None:
    upload(operation.staff(Role.PARTNER))
    entries = operation.staff(Role.CASE_OFFICER).get("/quarantine").json()
    assert [(e["row"], e["status"]) for e in entries] == [(3, "open")]
    entry = entries[0]["id"]
    for role in Role:
        staff = operation.staff(role)
        listed = staff.get("/quarantine")
        opened = staff.get(f"/quarantine/{entry}")
        if role not in READS_LISTS:
            assert listed.status_code == 403, role
        if role not in TAKES_LISTS:
            assert opened.status_code == 404, role
            continue
        assert opened.status_code == 200, role
        assert {"column": "Family name", "value": "Echo"} in opened.json()["values"]
    corrected = operation.staff(Role.PARTNER).post(
        f"/quarantine/{entry}/corrections", json={"corrections": {"date_of_birth": "28/02/1985"}}
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["accepted"] is True
    assert operation.staff(Role.CASE_OFFICER).get("/quarantine").json() == []
    events = operation.staff(Role.AUDITOR).get("/audit/events", params={"limit": 500}).json()
    views = [e["actor"] for e in events if e["action"] == "intake.quarantine.view"]
    assert set(views) == {f"user:{r.value.replace('_', '-')}" for r in TAKES_LISTS}
    assert "Echo" not in str(events)


def test_another_organisations_quarantine_is_out_of_a_partners_sight(
    operation: Operation,
) -> None:
    upload(operation.staff(Role.COORDINATOR), organisation="ngo-b")
    (entry,) = operation.staff(Role.COORDINATOR).get("/quarantine").json()
    partner = operation.staff(Role.PARTNER)
    assert partner.get("/quarantine").json() == []
    assert partner.get("/quarantine", params={"organisation": "ngo-b"}).json() == []
    assert partner.get(f"/quarantine/{entry['id']}").status_code == 404
    fix = {"corrections": {"date_of_birth": "28/02/1985"}}
    assert partner.post(f"/quarantine/{entry['id']}/corrections", json=fix).status_code == 404


def test_a_new_version_of_a_list_replaces_the_one_before(operation: Operation) -> None:
    partner = operation.staff(Role.PARTNER)
    upload(partner, list_name="staff")
    fixed = HEADER + GOOD + BAD.replace("31/02", "28/02")
    second = upload(partner, fixed, name="list-v2.csv", list_name="staff").json()
    counts = second["imported"]["counts"]
    assert (counts["new"], counts["unchanged"], counts["quarantine_resolved"]) == (1, 1, 1)
    assert partner.get("/quarantine").json() == []


def test_records_are_masked_for_the_role_and_each_read_is_audited(operation: Operation) -> None:
    upload(operation.staff(Role.PARTNER))
    upload(
        operation.staff(Role.COORDINATOR),
        HEADER + GOOD.replace("Delta", "Foxtrot"),
        name="b.csv",
        organisation="ngo-b",
    )
    for role in Role:
        staff = operation.staff(role)
        listing = staff.get("/records")
        if role not in READS_RECORDS:
            assert listing.status_code == 403, role
            continue
        lines = listing.json()
        organisations = [line["organisation"] for line in lines]
        assert organisations == (["ngo-a"] if role is Role.PARTNER else ["ngo-a", "ngo-b"]), role
        assert "Delta" not in listing.text
        record = staff.get(f"/records/{lines[0]['id']}")
        assert record.status_code == 200, role
        body = record.json()
        assert (body["family"], body["row"], body["file"]) == ("Delta", 2, "list.csv")
        if role in UNMASKED:
            assert (body["passport_number"], body["phones"]) == ("P9876543", ["+93700123456"])
            assert body["masked"] is False
        else:
            assert (body["passport_number"], body["phones"]) == ("*****543", ["*****456"])
            assert "P9876543" not in record.text
    coordinator = operation.staff(Role.COORDINATOR)
    theirs = [r for r in coordinator.get("/records").json() if r["organisation"] == "ngo-b"]
    hidden = operation.staff(Role.PARTNER).get(f"/records/{theirs[0]['id']}")
    absent = operation.staff(Role.PARTNER).get(f"/records/{uuid.uuid4()}")
    assert hidden.status_code == absent.status_code == 404
    events = operation.staff(Role.AUDITOR).get("/audit/events", params={"limit": 500}).json()
    reads = [e for e in events if e["action"] == "record.read"]
    assert len(reads) == len(READS_RECORDS)
    assert reads[0]["details"] == {"role": reads[0]["details"]["role"], "via": "session"}
    assert "Delta" not in str(events)
