"""The audit log in the database: events appended to a hash chain, one writer at a time.

Appending first locks the one-row `audit_head` table (an upsert of the row onto itself, in one
round trip: on PostgreSQL it locks the row as FOR UPDATE would; on SQLite the write takes the
database's write lock) and only then reads the chain's last event, so two writers can never both
chain to the same event. The lock is held to the end of the transaction; events of one unit of
work are written in one batch, at commit (or before the log is read). The head also records how
far the chain reached, so events deleted from its end are noticed by `verify`.

Writers that save cases and append to the log must do so in that order (as the case services
do), or two of them can wait for each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from refuge.protect.audit import GENESIS, AuditChain, AuditEvent, AuditFinding, AuditProblem, Detail
from refuge.store.models import AUDIT_HEAD_ID, AuditEventRow, AuditHeadRow
from refuge.store.work import AuditHead, Work, translating

__all__ = ["SqlAuditLog"]

_READ_BATCH = 2000


class SqlAuditLog:
    def __init__(self, work: Work, chain: AuditChain) -> None:
        self._work = work
        self._chain = chain

    def record(
        self,
        *,
        actor: str,
        action: str,
        object_kind: str,
        object_id: str,
        at: dt.datetime,
        details: Mapping[str, Detail] | None = None,
    ) -> AuditEvent:
        """Append an event chained to the last one (serialised across writers)."""
        head = self._work.audit_head or self._lock_head()
        event = self._chain.seal(
            seq=head.seq + 1,
            at=at,
            actor=actor,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            details=details,
            prev_hash=head.hash,
        )
        self._work.queue(
            AuditEventRow,
            [
                {
                    "seq": event.seq,
                    "at": event.at,
                    "actor": event.actor,
                    "action": event.action,
                    "object_kind": event.object_kind,
                    "object_id": event.object_id,
                    "details": dict(event.details),
                    "prev_hash": event.prev_hash,
                    "hash": event.hash,
                }
            ],
        )
        head.seq, head.hash, head.dirty = event.seq, event.hash, True
        return event

    def _lock_head(self) -> AuditHead:
        work = self._work
        upsert = sqlite_insert if work.dialect == "sqlite" else postgresql_insert
        with translating("appending to the audit log"):
            # One round trip: creates the head if it is missing, or else "updates" it to itself,
            # which locks the row to the end of the transaction (on PostgreSQL as FOR UPDATE
            # would; on SQLite the write takes the database's write lock), and returns it. No
            # other writer can read the same head before this transaction ends.
            statement = upsert(AuditHeadRow).values(id=AUDIT_HEAD_ID, seq=0, hash=GENESIS)
            seq, digest = work.session.execute(
                statement.on_conflict_do_update(
                    index_elements=[AuditHeadRow.id], set_={"id": statement.excluded.id}
                ).returning(AuditHeadRow.seq, AuditHeadRow.hash)
            ).one()
        work.audit_head = AuditHead(seq, digest)
        return work.audit_head

    def events(self) -> Iterator[AuditEvent]:
        """Every event in seq order, read in batches."""
        self._work.flush(audit=True)
        return self._stream()

    def _stream(self) -> Iterator[AuditEvent]:
        # Closed even when the reader stops early (a page): on PostgreSQL the batches come
        # from a server-side cursor that would otherwise stay open until collected.
        with self._work.session.scalars(
            select(AuditEventRow)
            .order_by(AuditEventRow.seq)
            .execution_options(yield_per=_READ_BATCH)
        ) as rows:
            for row in rows:
                yield _event(row)

    def verify(self) -> list[AuditFinding]:
        """What is wrong with the stored chain: edited, deleted or reordered events, named."""
        findings = self._chain.verify(self.events())
        session = self._work.session
        reached = session.scalar(select(AuditHeadRow.seq).where(AuditHeadRow.id == AUDIT_HEAD_ID))
        last = session.scalar(select(func.max(AuditEventRow.seq))) or 0
        if reached is not None and reached > last:
            findings.append(
                AuditFinding(
                    reached,
                    AuditProblem.MISSING,
                    f"events {last + 1} to {reached} were deleted from the end of the log",
                )
            )
        return findings

    def count(self) -> int:
        self._work.flush(audit=True)
        return self._work.session.scalar(select(func.count()).select_from(AuditEventRow)) or 0


def _event(row: AuditEventRow) -> AuditEvent:
    details: dict[str, Any] = row.details
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        details=details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
