"""Text the database cannot hold (NUL; control characters in one-line names) is refused as
invalid input on every database, never a server error (found by the schema conformance run on
PostgreSQL)."""

from __future__ import annotations

from refuge.accounts import Role

from .support import Operation


def test_an_organisation_name_with_a_nul_is_invalid_input(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    answer = coordinator.post(
        "/organisations", json={"code": "ngo-c", "name": "Org\x00C", "kind": "ngo"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert coordinator.get("/organisations").status_code == 200


def test_a_transition_reason_may_span_lines_but_not_hold_a_nul(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    number = operation.cases["a1"]
    version = coordinator.get(f"/cases/{number}").json()["version"]
    refused = coordinator.post(
        f"/cases/{number}/transitions",
        json={"to": "withdrawn", "reason": "a\x00b", "expected_version": version},
    )
    assert refused.status_code == 422
    moved = coordinator.post(
        f"/cases/{number}/transitions",
        json={"to": "withdrawn", "reason": "asked to leave\nby phone", "expected_version": version},
    )
    assert moved.status_code == 200, moved.text


def test_a_case_number_with_a_nul_is_invalid_input(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    assert coordinator.get("/cases/A%00B").status_code == 422
    answer = operation.client().post(
        "/applicant/status", json={"case_number": "A\x00B", "secret": "x"}
    )
    assert answer.status_code == 422
