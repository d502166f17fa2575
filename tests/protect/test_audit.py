"""The hash-chained audit log: a sealed chain verifies, and any edit, deletion or reordering is
found and named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput
from refuge.protect import GENESIS, AuditChain, AuditEvent, AuditFinding, AuditProblem

KEY = bytes(range(32))
START = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
ACTIONS = ["household.add", "case.transition", "case.transition", "flight.add", "household.shred"]


def sealed_chain(length: int, key: bytes = KEY) -> list[AuditEvent]:
    chain = AuditChain(key)
    events: list[AuditEvent] = []
    for seq in range(1, length + 1):
        events.append(
            chain.seal(
                seq=seq,
                at=START + dt.timedelta(minutes=seq),
                actor=f"officer-{seq % 3}",
                action=ACTIONS[seq % len(ACTIONS)],
                object_kind="case",
                object_id=f"RF-{seq:05d}",
                details={"to": "approved", "priority": 0.5 * seq, "members": seq, "urgent": True},
                prev_hash=events[-1].hash if events else GENESIS,
            )
        )
    return events


def verify(events: list[AuditEvent]) -> list[AuditFinding]:
    return AuditChain(KEY).verify(events)


def problems(findings: list[AuditFinding]) -> set[AuditProblem]:
    return {finding.problem for finding in findings}


@pytest.mark.parametrize("length", [0, 1, 2, 12])
def test_a_sealed_chain_verifies_clean(length: int) -> None:
    assert verify(sealed_chain(length)) == []


def test_a_chain_verifies_from_any_iterable() -> None:
    assert AuditChain(KEY).verify(iter(sealed_chain(5))) == []


def test_sealing_links_each_event_to_the_one_before() -> None:
    events = sealed_chain(3)
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert len({e.hash for e in events}) == 3


def _edited(event: AuditEvent, field: str) -> AuditEvent:
    changes: dict[str, object] = {
        "seq": event.seq + 100,
        "at": event.at + dt.timedelta(seconds=1),
        "actor": event.actor + "x",
        "action": "case.delete",
        "object_kind": "household",
        "object_id": event.object_id + "0",
        "details": {**event.details, "to": "closed"},
        "prev_hash": "f" * 64,
        "hash": "0" * 63 + "1",
    }
    return dataclasses.replace(event, **{field: changes[field]})  # type: ignore[arg-type]


EDITABLE = [f.name for f in dataclasses.fields(AuditEvent)]


@settings(max_examples=120)
@given(
    length=st.integers(min_value=1, max_value=8),
    position=st.integers(min_value=0, max_value=7),
    field=st.sampled_from(EDITABLE),
)
def test_editing_any_field_of_any_event_is_found_at_that_event(
    length: int, position: int, field: str
) -> None:
    events = sealed_chain(length)
    index = position % length
    events[index] = _edited(events[index], field)
    assert verify(events) == [
        AuditFinding(
            events[index].seq,
            AuditProblem.EDITED,
            f"event {events[index].seq} was changed after it was written",
        )
    ]


def test_an_edit_to_a_detail_value_type_is_found() -> None:
    events = sealed_chain(3)
    events[1] = dataclasses.replace(events[1], details={**events[1].details, "members": "2"})
    assert problems(verify(events)) == {AuditProblem.EDITED}


def test_an_event_written_in_another_time_zone_verifies_as_the_same_instant() -> None:
    events = sealed_chain(3)
    kabul = dt.timezone(dt.timedelta(hours=4, minutes=30))
    events[1] = dataclasses.replace(events[1], at=events[1].at.astimezone(kabul))
    assert verify(events) == []


@pytest.fixture
def kabul_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "AFT-4:30")  # POSIX form: needs no time zone database
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("kabul_local_time")
def test_an_event_read_back_without_its_time_zone_verifies_as_utc() -> None:
    # SQLite hands back naive datetimes for UTC columns; that must not look like an edit,
    # whatever the time zone of the machine that verifies.
    events = sealed_chain(3)
    events[1] = dataclasses.replace(events[1], at=events[1].at.replace(tzinfo=None))
    assert verify(events) == []


@pytest.mark.parametrize("deleted", [2, 3, 5, 7])
def test_deleting_an_event_in_the_middle_names_the_gap(deleted: int) -> None:
    events = [e for e in sealed_chain(8) if e.seq != deleted]
    findings = verify(events)
    assert [(f.seq, f.problem) for f in findings] == [(deleted + 1, AuditProblem.MISSING)]
    assert f"event {deleted} " in findings[0].message


def test_deleting_several_events_names_the_whole_gap() -> None:
    events = [e for e in sealed_chain(10) if not 4 <= e.seq <= 6]
    findings = verify(events)
    assert [(f.seq, f.problem) for f in findings] == [(7, AuditProblem.MISSING)]
    assert "events 4 to 6" in findings[0].message


def test_deleting_the_first_events_is_found() -> None:
    findings = verify(sealed_chain(6)[2:])
    assert [(f.seq, f.problem) for f in findings] == [(3, AuditProblem.MISSING)]
    assert "events 1 to 2" in findings[0].message


def test_two_separate_deletions_are_both_found() -> None:
    events = [e for e in sealed_chain(10) if e.seq not in {3, 8}]
    findings = verify(events)
    assert [(f.seq, f.problem) for f in findings] == [
        (4, AuditProblem.MISSING),
        (9, AuditProblem.MISSING),
    ]


@pytest.mark.parametrize(("first", "second"), [(0, 1), (2, 3), (1, 5), (0, 7), (6, 7)])
def test_swapping_two_events_is_found_as_reordering(first: int, second: int) -> None:
    events = sealed_chain(8)
    events[first], events[second] = events[second], events[first]
    findings = verify(events)
    assert problems(findings) == {AuditProblem.REORDERED}
    found_at = {f.seq for f in findings}
    assert {first + 1, second + 1} <= found_at


def test_a_reordering_message_says_which_event_is_out_of_place() -> None:
    events = sealed_chain(5)
    events[2], events[3] = events[3], events[2]
    messages = " / ".join(f.message for f in verify(events))
    assert "event 4" in messages
    assert "event 3" in messages


@settings(max_examples=60)
@given(st.permutations(list(range(6))))
def test_any_shuffle_of_a_chain_is_found_and_never_mistaken_for_a_deletion(
    order: list[int],
) -> None:
    chain = sealed_chain(6)
    findings = verify([chain[i] for i in order])
    if order == sorted(order):
        assert findings == []
    else:
        assert findings
        assert problems(findings) == {AuditProblem.REORDERED}


def test_an_event_stored_twice_is_found() -> None:
    events = sealed_chain(5)
    events.insert(3, events[2])
    findings = verify(events)
    assert [(f.seq, f.problem) for f in findings] == [(3, AuditProblem.REORDERED)]
    assert "event 3 is stored twice" in findings[0].message


def test_a_chain_sealed_under_another_key_is_edited_everywhere() -> None:
    events = sealed_chain(6, key=bytes(range(32, 64)))
    findings = verify(events)
    assert [(f.seq, f.problem) for f in findings] == [(s, AuditProblem.EDITED) for s in range(1, 7)]


def test_a_rewritten_chain_without_the_key_is_found() -> None:
    # Someone with the database but not the key edits an event and re-chains everything after
    # it with plain SHA-256: every rewritten event fails its keyed digest.
    events = sealed_chain(4)
    forged = AuditChain(b"guessed key")
    rebuilt = events[:1]
    for event in events[1:]:
        rebuilt.append(
            forged.seal(
                seq=event.seq,
                at=event.at,
                actor="someone-else",
                action=event.action,
                object_kind=event.object_kind,
                object_id=event.object_id,
                details=event.details,
                prev_hash=rebuilt[-1].hash,
            )
        )
    findings = verify(rebuilt)
    assert [(f.seq, f.problem) for f in findings] == [(s, AuditProblem.EDITED) for s in (2, 3, 4)]


def test_a_naive_time_is_refused_when_sealing() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        AuditChain(KEY).seal(
            seq=1,
            at=START.replace(tzinfo=None),
            actor="officer-1",
            action="case.transition",
            object_kind="case",
            object_id="RF-00001",
        )


def test_the_digest_depends_on_the_key() -> None:
    event = sealed_chain(1)[0]
    assert AuditChain(KEY).digest(event) == event.hash
    assert AuditChain(bytes(range(32, 64))).digest(event) != event.hash
