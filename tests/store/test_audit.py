"""The audit log in the database: chained, serialised across writers, and tamper-evident against
someone editing, deleting or reordering rows with SQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from sqlalchemy import Engine, text

from refuge.protect.audit import AuditProblem
from refuge.store import SqlUnitOfWork

from .builders import NOW

UowFactory = Callable[[], SqlUnitOfWork]


def _record(uow_factory: UowFactory, count: int, *, actor: str = "officer-1") -> None:
    with uow_factory() as uow:
        for n in range(count):
            uow.audit.record(
                actor=actor,
                action="case.transition",
                object_kind="case",
                object_id=f"RF-{n:09d}",
                at=NOW + dt.timedelta(seconds=n),
                details={"from": "registered", "to": "screened_eligible", "members": n},
            )
        uow.commit()


def _problems(uow_factory: UowFactory) -> list[tuple[int, AuditProblem]]:
    with uow_factory() as uow:
        return [(f.seq, f.problem) for f in uow.audit.verify()]


def test_events_chain_in_order_and_come_back_unchanged(uow_factory: UowFactory) -> None:
    _record(uow_factory, 3)
    _record(uow_factory, 2, actor="officer-2")

    with uow_factory() as uow:
        events = list(uow.audit.events())
        assert uow.audit.verify() == []
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(e.prev_hash == before.hash for before, e in zip(events, events[1:], strict=False))
    assert events[0].at == NOW
    assert events[0].at.tzinfo == dt.UTC
    assert events[2].details == {"from": "registered", "to": "screened_eligible", "members": 2}


def test_an_event_not_committed_leaves_no_trace(uow_factory: UowFactory) -> None:
    _record(uow_factory, 2)
    with uow_factory() as uow:
        uow.audit.record(actor="a", action="x.y", object_kind="case", object_id="1", at=NOW)
    _record(uow_factory, 1)

    with uow_factory() as uow:
        assert [e.seq for e in uow.audit.events()] == [1, 2, 3]
        assert uow.audit.verify() == []


def test_an_edited_event_is_named(uow_factory: UowFactory, engine: Engine) -> None:
    _record(uow_factory, 4)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3"))

    assert _problems(uow_factory) == [(3, AuditProblem.EDITED)]


def test_an_event_deleted_from_the_middle_is_noticed(
    uow_factory: UowFactory, engine: Engine
) -> None:
    _record(uow_factory, 5)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq IN (2, 3)"))

    with uow_factory() as uow:
        findings = uow.audit.verify()
    assert [(f.seq, f.problem) for f in findings] == [(4, AuditProblem.MISSING)]
    assert "events 2 to 3 were deleted" in findings[0].message


def test_events_deleted_from_the_end_are_noticed(uow_factory: UowFactory, engine: Engine) -> None:
    _record(uow_factory, 5)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq >= 4"))

    with uow_factory() as uow:
        findings = uow.audit.verify()
    assert [(f.seq, f.problem) for f in findings] == [(5, AuditProblem.MISSING)]
    assert "events 4 to 5 were deleted from the end" in findings[0].message


def test_reordered_events_are_named(uow_factory: UowFactory, engine: Engine) -> None:
    _record(uow_factory, 4)
    # Swap the rows stored as events 2 and 3.
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET seq = -2 WHERE seq = 2"))
        connection.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
        connection.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = -2"))

    with uow_factory() as uow:
        findings = uow.audit.verify()
    # The sequence number is sealed into each event, so the two moved rows read as edited, and
    # the event after them no longer follows the one stored before it.
    assert [(f.seq, f.problem) for f in findings] == [
        (2, AuditProblem.EDITED),
        (3, AuditProblem.EDITED),
        (4, AuditProblem.REORDERED),
    ]
    assert findings[2].message == "event 4 follows event 2 in the chain but is stored after event 3"


def test_concurrent_writers_never_fork_the_chain(uow_factory: UowFactory) -> None:
    writers, rounds, per_round = 4, 5, 3
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(actor: str) -> None:
        try:
            start.wait(timeout=10)
            for _ in range(rounds):
                _record(uow_factory, per_round, actor=actor)
        except BaseException as exc:  # reported below, on the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"writer-{n}",)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with uow_factory() as uow:
        events = list(uow.audit.events())
        assert uow.audit.verify() == []
    assert [e.seq for e in events] == list(range(1, writers * rounds * per_round + 1))
    # Each unit of work's events are consecutive: nobody chained into the middle of another's.
    runs = [events[i].actor for i in range(0, len(events), per_round)]
    assert all(
        {e.actor for e in events[i : i + per_round]} == {runs[i // per_round]}
        for i in range(0, len(events), per_round)
    )
