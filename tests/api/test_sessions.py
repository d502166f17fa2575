"""Logging in and staying logged in: TOTP required, one answer for every failure, lock-out, rate
limits, session expiry and revocation, CSRF, and API tokens with scopes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from refuge.accounts import Role, totp_code

from .support import PASSWORD, USERNAMES, Operation

OFFICER = USERNAMES[Role.CASE_OFFICER]


def _login(
    operation: Operation, username: str, password: str, totp: str | None = None
) -> dict[str, Any]:
    if totp is None:
        totp = operation.code(username) if username in operation.seeds else "123456"
    client = operation.client()
    answer = client.post(
        "/session", json={"username": username, "password": password, "totp": totp}
    )
    return {"status": answer.status_code, "body": answer.json(), "answer": answer}


def test_a_password_alone_does_not_open_a_session(operation: Operation) -> None:
    wrong_code = _login(operation, OFFICER, PASSWORD, totp="000000")
    assert wrong_code["status"] == 401
    right = _login(operation, OFFICER, PASSWORD)
    assert right["status"] == 200
    cookies = right["answer"].headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("refuge_session="))
    assert "HttpOnly" in session
    assert "Secure" in session
    assert "SameSite=strict" in session
    assert right["body"]["role"] == "case_officer"


def test_a_totp_code_cannot_be_used_twice(operation: Operation) -> None:
    operation.clock.advance(dt.timedelta(seconds=31))
    code = totp_code(operation.seeds[OFFICER], operation.clock.now)
    assert _login(operation, OFFICER, PASSWORD, totp=code)["status"] == 200
    assert _login(operation, OFFICER, PASSWORD, totp=code)["status"] == 401


def test_wrong_user_and_wrong_password_get_the_same_answer(operation: Operation) -> None:
    unknown = _login(operation, "nobody-here", PASSWORD)
    wrong = _login(operation, OFFICER, "not the password at all")
    assert unknown["status"] == wrong["status"] == 401
    assert unknown["body"] == wrong["body"]
    assert (
        unknown["answer"].headers["www-authenticate"] == wrong["answer"].headers["www-authenticate"]
    )


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    operation: Operation,
) -> None:
    for _ in range(5):
        assert _login(operation, OFFICER, "a wrong password")["status"] == 401
    locked = _login(operation, OFFICER, PASSWORD)
    assert locked["status"] == 401
    assert locked["body"] == _login(operation, "nobody-here", PASSWORD)["body"]
    operation.clock.advance(dt.timedelta(minutes=16))
    assert _login(operation, OFFICER, PASSWORD)["status"] == 200


def test_guessing_is_rate_limited_whether_or_not_the_user_exists(operation: Operation) -> None:
    for username in ("nobody-here", OFFICER):
        answers = [_login(operation, username, "guess", "123456")["status"] for _ in range(11)]
        assert answers == [401] * 10 + [429], username
        operation.clock.advance(dt.timedelta(minutes=6))


def test_a_session_expires(operation: Operation) -> None:
    staff = operation.login(Role.CASE_OFFICER)
    assert staff.get("/session").status_code == 200
    operation.clock.advance(dt.timedelta(hours=8, seconds=1))
    answer = staff.get("/session")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_logging_out_revokes_the_session_on_the_server(operation: Operation) -> None:
    staff = operation.login(Role.CASE_OFFICER)
    stolen = staff.client.cookies.get("refuge_session")
    assert stolen
    replay = operation.client()
    replay.cookies.set("refuge_session", stolen)
    assert replay.get("/session").status_code == 200
    assert staff.delete("/session").status_code == 204
    assert replay.get("/session").status_code == 401


def test_a_coordinator_revokes_every_session_of_a_user(operation: Operation) -> None:
    gate = operation.login(Role.GATE_AGENT)
    coordinator = operation.staff(Role.COORDINATOR)
    answer = coordinator.post(f"/users/{USERNAMES[Role.GATE_AGENT]}/sessions/revoke")
    assert answer.json() == {"revoked": 1}
    assert gate.get("/cases").status_code == 401


def test_changes_need_the_csrf_token_reads_do_not(operation: Operation) -> None:
    officer = operation.staff(Role.CASE_OFFICER)
    url = f"/cases/{operation.cases['a1']}/transitions"
    body = {"to": "screened_eligible", "expected_version": 0}
    assert officer.get("/cases").status_code == 200
    missing = officer.client.post(url, json=body)
    wrong = officer.client.post(url, json=body, headers={"X-CSRF-Token": "rfc_forged"})
    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["code"] == "forbidden"
    assert officer.client.get(f"/cases/{operation.cases['a1']}").json()["version"] == 0
    assert officer.post(url, json=body).status_code == 200


def test_api_tokens_carry_only_their_scopes_and_skip_csrf(operation: Operation) -> None:
    officer = operation.staff(Role.CASE_OFFICER)
    issued = officer.post("/tokens", json={"name": "sync", "scopes": ["cases:read", "cases:write"]})
    assert issued.status_code == 201
    token = issued.json()["token"]
    machine = operation.client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert machine.get("/cases", headers=bearer).status_code == 200
    # Not in the token's scopes though the officer's role has them:
    household = machine.get(f"/households/{operation.households['a1']}", headers=bearer)
    assert household.status_code == 404
    assert machine.get("/reports/summary", headers=bearer).status_code == 403
    moved = machine.post(
        f"/cases/{operation.cases['a1']}/transitions",
        json={"to": "screened_eligible", "expected_version": 0},
        headers=bearer,
    )
    assert moved.status_code == 200
    # A token cannot mint tokens, nor can an officer ask for scopes its role does not hold.
    assert (
        machine.post(
            "/tokens", json={"name": "x", "scopes": ["cases:read"]}, headers=bearer
        ).status_code
        == 403
    )
    beyond = officer.post("/tokens", json={"name": "x", "scopes": ["audit:read"]})
    assert beyond.status_code == 403
    assert officer.delete(f"/tokens/{issued.json()['id']}").status_code == 204
    assert machine.get("/cases", headers=bearer).status_code == 401


def test_machine_reads_of_households_are_audited_as_token_reads(operation: Operation) -> None:
    gate = operation.staff(Role.GATE_AGENT)
    token = gate.post("/tokens", json={"name": "scanner", "scopes": ["households:read"]}).json()
    machine = operation.client()
    answer = machine.get(
        f"/households/{operation.households['b1']}",
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert answer.status_code == 200
    events = operation.staff(Role.AUDITOR).get("/audit/events", params={"limit": 500}).json()
    (read,) = [e for e in events if e["action"] == "household.read"]
    assert read["details"] == {"role": "gate_agent", "via": "token"}


def test_a_malformed_authorization_header_is_not_signed_in(operation: Operation) -> None:
    client = operation.client()
    for header in ("Basic abc", "Bearer ", "Bearer rft_unknown"):
        answer = client.get("/cases", headers={"Authorization": header})
        assert answer.status_code == 401, header


def test_a_deactivated_user_loses_sessions_and_tokens_and_cannot_log_in(
    operation: Operation,
) -> None:
    gate = operation.login(Role.GATE_AGENT)
    token = gate.post("/tokens", json={"name": "scanner", "scopes": ["cases:read"]}).json()
    machine = operation.client()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert machine.get("/cases", headers=bearer).status_code == 200
    coordinator = operation.staff(Role.COORDINATOR)
    username = USERNAMES[Role.GATE_AGENT]
    assert coordinator.post(f"/users/{username}/deactivate").status_code == 204
    assert gate.get("/cases").status_code == 401
    assert machine.get("/cases", headers=bearer).status_code == 401
    assert _login(operation, username, PASSWORD)["status"] == 401
    listed = {u["username"]: u for u in coordinator.get("/users").json()}
    assert listed[username]["active"] is False


def test_api_tokens_expire_and_only_their_owner_or_a_coordinator_revokes_them(
    operation: Operation,
) -> None:
    officer = operation.staff(Role.CASE_OFFICER)
    issued = officer.post("/tokens", json={"name": "sync", "scopes": ["cases:read"]}).json()
    other = operation.staff(Role.VETTING_OFFICER)
    assert other.delete(f"/tokens/{issued['id']}").status_code == 404
    bearer = {"Authorization": f"Bearer {issued['token']}"}
    machine = operation.client()
    assert machine.get("/cases", headers=bearer).status_code == 200
    operation.clock.advance(dt.timedelta(days=91))
    assert machine.get("/cases", headers=bearer).status_code == 401
