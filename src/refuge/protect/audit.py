"""The tamper-evident audit log: every change appends an event whose digest chains to the one
before it.

Digests are HMAC-SHA256 under a key derived from the key-encryption key, which lives outside the
database: someone who can edit the database but does not hold the key cannot rewrite the chain
to hide an edit. Events carry identifiers and codes only, never personal data.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from refuge.domain import InvalidInput

__all__ = ["GENESIS", "AuditChain", "AuditEvent", "AuditFinding", "AuditProblem", "Detail"]

GENESIS = "0" * 64

Detail = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    seq: int
    at: dt.datetime
    actor: str
    action: str  # dotted verb, e.g. "case.transition", "household.shred"
    object_kind: str
    object_id: str
    details: Mapping[str, Detail] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""


class AuditProblem(enum.StrEnum):
    EDITED = "edited"  # the event's content no longer matches its digest
    MISSING = "missing"  # events before this one were deleted
    REORDERED = "reordered"  # the event does not follow the one stored before it
    BROKEN_LINK = "broken_link"  # the event chains to a digest no stored event has


@dataclass(frozen=True, slots=True)
class AuditFinding:
    seq: int
    problem: AuditProblem
    message: str


class AuditChain:
    """Seals events into the chain and verifies a stored chain."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, event: AuditEvent) -> str:
        body = {
            "seq": event.seq,
            "at": _utc(event.at).isoformat(),
            "actor": event.actor,
            "action": event.action,
            "object_kind": event.object_kind,
            "object_id": event.object_id,
            "details": dict(event.details),
            "prev_hash": event.prev_hash,
        }
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def seal(
        self,
        *,
        seq: int,
        at: dt.datetime,
        actor: str,
        action: str,
        object_kind: str,
        object_id: str,
        details: Mapping[str, Detail] | None = None,
        prev_hash: str = GENESIS,
    ) -> AuditEvent:
        if at.tzinfo is None:
            raise InvalidInput(f"audit event {seq}: time must carry a time zone")
        unsealed = AuditEvent(
            seq, at, actor, action, object_kind, object_id, dict(details or {}), prev_hash
        )
        return AuditEvent(
            seq,
            at,
            actor,
            action,
            object_kind,
            object_id,
            unsealed.details,
            prev_hash,
            self.digest(unsealed),
        )

    def verify(self, events: Iterable[AuditEvent]) -> list[AuditFinding]:
        """Check events in stored order (by seq). Returns what is wrong, in stored order; empty
        means intact.

        An event whose content no longer matches its digest is EDITED, and its links are not
        trusted. An intact event that does not chain to the one stored before it is REORDERED
        when the event it chains to is stored elsewhere, and follows MISSING events when that
        event is gone. Deleting the newest events leaves no trace in the chain itself.
        """
        stored = list(events)
        intact = [hmac.compare_digest(self.digest(event), event.hash) for event in stored]
        by_hash = {event.hash: event for event in stored}
        findings: list[AuditFinding] = []
        seen: set[str] = set()
        for index, event in enumerate(stored):
            before = stored[index - 1] if index else None
            twice = event.hash in seen
            seen.add(event.hash)
            if not intact[index]:
                findings.append(
                    AuditFinding(
                        event.seq,
                        AuditProblem.EDITED,
                        f"event {event.seq} was changed after it was written",
                    )
                )
                continue
            if twice:
                findings.append(
                    AuditFinding(
                        event.seq, AuditProblem.REORDERED, f"event {event.seq} is stored twice"
                    )
                )
                continue
            if event.prev_hash == (before.hash if before else GENESIS):
                continue
            if event.prev_hash == GENESIS or event.prev_hash in by_hash:
                follows = (
                    "starts the chain"
                    if event.prev_hash == GENESIS
                    else f"follows event {by_hash[event.prev_hash].seq} in the chain"
                )
                place = f"after event {before.seq}" if before else "first"
                findings.append(
                    AuditFinding(
                        event.seq,
                        AuditProblem.REORDERED,
                        f"event {event.seq} {follows} but is stored {place}",
                    )
                )
            elif before is not None and not intact[index - 1] and before.seq + 1 == event.seq:
                # The event before it was edited (its stored digest, say): reported just above.
                continue
            else:
                findings.append(AuditFinding(event.seq, AuditProblem.MISSING, _gap(before, event)))
        return findings


def _gap(before: AuditEvent | None, event: AuditEvent) -> str:
    first = before.seq + 1 if before else 1
    last = event.seq - 1
    if first == last:
        return f"event {first} was deleted (event {event.seq} chains to it)"
    if first < last:
        return f"events {first} to {last} were deleted (event {event.seq} chains to the last)"
    return f"the event that event {event.seq} chains to was deleted"


def _utc(at: dt.datetime) -> dt.datetime:
    # Sealing refuses naive times, but stores such as SQLite hand UTC times back naive; reading
    # them as local time would make verification depend on the machine's time zone.
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
