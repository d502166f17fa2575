"""Paging parameters beyond what the database can hold are refused as invalid input, not
answered with a server error (found by the schema conformance run)."""

from __future__ import annotations

from refuge.accounts import Role

from .support import Operation


def test_a_case_list_offset_past_32_bits_is_invalid_input(operation: Operation) -> None:
    coordinator = operation.staff(Role.COORDINATOR)
    answer = coordinator.get("/cases", params={"offset": 2**63})
    assert answer.status_code == 422
    assert coordinator.get("/cases", params={"offset": 2**31 - 1}).json() == []


def test_an_audit_cursor_past_64_bits_is_invalid_input(operation: Operation) -> None:
    auditor = operation.staff(Role.AUDITOR)
    assert auditor.get("/audit/events", params={"after": 2**63}).status_code == 422
    assert auditor.get("/audit/events", params={"after": 2**63 - 1}).json() == []
