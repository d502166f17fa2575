"""Applicants check their case with its number and secret: coarse answers, never flight
details, and nothing to tell an unknown case from a wrong secret."""

from __future__ import annotations

import datetime as dt

from refuge.accounts import Role

from .support import Operation


def _secret(operation: Operation, label: str) -> str:
    answer = operation.staff(Role.CASE_OFFICER).post(
        f"/cases/{operation.cases[label]}/applicant-secret"
    )
    assert answer.status_code == 200
    return str(answer.json()["secret"])


def test_an_applicant_sees_a_coarse_status_with_number_and_secret(operation: Operation) -> None:
    secret = _secret(operation, "a1")
    applicant = operation.client()
    number = operation.cases["a1"]
    answer = applicant.post("/applicant/status", json={"case_number": number, "secret": secret})
    assert answer.json() == {"status": "received"}
    # As typed by hand: lower case, no dashes in the secret, spaces in the number.
    typed = number.lower().replace("-", " ")
    loose = applicant.post(
        "/applicant/status", json={"case_number": typed, "secret": secret.replace("-", "").lower()}
    )
    assert loose.json() == {"status": "received"}


def test_the_status_follows_the_case_but_never_tells_of_flights(operation: Operation) -> None:
    secret = _secret(operation, "a2")
    number = operation.cases["a2"]
    coordinator = operation.staff(Role.COORDINATOR)
    for version, stage in enumerate(
        ["screened_eligible", "vetting_cleared", "approved", "manifested"]
    ):
        url = f"/cases/{number}/transitions"
        moved = coordinator.post(url, json={"to": stage, "expected_version": version})
        assert moved.status_code == 200, moved.text
    answer = operation.client().post(
        "/applicant/status", json={"case_number": number, "secret": secret}
    )
    assert answer.json() == {"status": "approved"}
    assert "rf101" not in answer.text
    assert "manifest" not in answer.text


def test_an_unknown_case_and_a_wrong_secret_answer_the_same(operation: Operation) -> None:
    _secret(operation, "a1")
    client = operation.client()
    wrong = client.post(
        "/applicant/status",
        json={"case_number": operation.cases["a1"], "secret": "AAAAA-BBBBB-CCCCC-DDDDD"},
    )
    unknown = client.post(
        "/applicant/status",
        json={"case_number": "RF-000000000", "secret": "AAAAA-BBBBB-CCCCC-DDDDD"},
    )
    no_secret_yet = client.post(
        "/applicant/status",
        json={"case_number": operation.cases["b1"], "secret": "AAAAA-BBBBB-CCCCC-DDDDD"},
    )
    assert wrong.status_code == unknown.status_code == no_secret_yet.status_code == 404
    assert wrong.json() == unknown.json() == no_secret_yet.json()


def test_status_checks_are_rate_limited_per_case_number(operation: Operation) -> None:
    secret = _secret(operation, "a1")
    number = operation.cases["a1"]
    guesses = [
        operation.client()
        .post("/applicant/status", json={"case_number": number, "secret": f"GUESS-{n}"})
        .status_code
        for n in range(5)
    ]
    assert guesses == [404] * 5
    # Even the right secret waits now, so guessing cannot go on.
    right = {"case_number": number, "secret": secret}
    limited = operation.client().post("/applicant/status", json=right)
    assert limited.status_code == 429
    assert limited.json()["code"] == "too_many_attempts"
    assert limited.headers["retry-after"]
    operation.clock.advance(dt.timedelta(minutes=16))
    assert operation.client().post("/applicant/status", json=right).status_code == 200


def test_a_new_secret_replaces_the_old_one(operation: Operation) -> None:
    old, new = _secret(operation, "b1"), _secret(operation, "b1")
    number = operation.cases["b1"]
    client = operation.client()
    stale = client.post("/applicant/status", json={"case_number": number, "secret": old})
    fresh = client.post("/applicant/status", json={"case_number": number, "secret": new})
    assert (stale.status_code, fresh.status_code) == (404, 200)


def test_only_roles_that_move_cases_issue_secrets(operation: Operation) -> None:
    for role in (Role.AUDITOR, Role.FLIGHT_OPERATIONS, Role.PARTNER):
        answer = operation.staff(role).post(f"/cases/{operation.cases['a1']}/applicant-secret")
        assert answer.status_code == 403, role


def test_one_client_trying_many_case_numbers_is_rate_limited(operation: Operation) -> None:
    client = operation.client()
    answers = [
        client.post(
            "/applicant/status",
            json={"case_number": f"RF-{n:09d}", "secret": "AAAAA-BBBBB-CCCCC-DDDDD"},
        ).status_code
        for n in range(31)
    ]
    assert answers == [404] * 30 + [429]
