"""Reading a page of the audit log closes what it read from (found by the schema conformance
run on PostgreSQL, where the events come from a server-side cursor)."""

from __future__ import annotations

from refuge.accounts import Role

from .support import Operation


def test_a_page_of_the_audit_log_leaves_no_cursor_open(operation: Operation) -> None:
    # Warnings are errors here: an abandoned PostgreSQL server-side cursor warns when collected.
    auditor = operation.staff(Role.AUDITOR)
    first = auditor.get("/audit/events", params={"limit": 1})
    assert first.status_code == 200
    assert len(first.json()) == 1
