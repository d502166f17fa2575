"""The gate in the store: boarding passes issued against manifest entries, and the log of scans
at check-in and boarding (outcomes and reasons only, no personal data)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ForeignKey, String, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from refuge.domain import ManifestEntry
from refuge.gate.ports import IssuedPass, ScanRecord
from refuge.store.models import Base, ManifestEntryRow
from refuge.store.operation import _entry
from refuge.store.work import Work, chunks, translating

__all__ = ["BoardingPassRow", "GateScanRow", "SqlGateRepository"]


class BoardingPassRow(Base):
    __tablename__ = "boarding_passes"

    # The random id the signed token carries; the only link from a printed pass to a person.
    pass_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # One live pass per entry: re-issuing replaces the row, so an older print stops working.
    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("manifest_entries.id", ondelete="CASCADE"), unique=True
    )
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[dt.datetime] = mapped_column()
    valid_until: Mapped[dt.datetime] = mapped_column()


class GateScanRow(Base):
    __tablename__ = "gate_scans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column()
    gate_agent: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))  # pass or mrz
    step: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(40))
    # Kept without foreign keys: the log outlives a pass re-issued or an entry re-planned.
    pass_id: Mapped[uuid.UUID | None] = mapped_column()
    entry_id: Mapped[uuid.UUID | None] = mapped_column()


class SqlGateRepository:
    """Implements `refuge.gate.ports.GateRepository`."""

    def __init__(self, work: Work) -> None:
        self._work = work

    def add_passes(self, passes: Sequence[IssuedPass]) -> None:
        """Record passes, replacing any earlier pass of the same entries."""
        work = self._work
        work.flush()  # manifest entries queued in this unit of work come first
        if not passes:
            return
        with translating("recording boarding passes"):
            for part in chunks([p.entry_id for p in passes]):
                work.change(delete(BoardingPassRow).where(BoardingPassRow.entry_id.in_(part)))
            work.session.execute(
                insert(BoardingPassRow),
                [
                    {
                        "pass_id": p.pass_id,
                        "entry_id": p.entry_id,
                        "flight_id": p.flight_id,
                        "key_id": p.key_id,
                        "issued_at": p.issued_at,
                        "valid_until": p.valid_until,
                    }
                    for p in passes
                ],
            )

    def entry_for_pass(self, pass_id: uuid.UUID) -> ManifestEntry | None:
        """The manifest entry a pass was issued for, or None if no live pass has this id."""
        self._work.flush()
        row = self._work.session.scalars(
            select(ManifestEntryRow)
            .join(BoardingPassRow, BoardingPassRow.entry_id == ManifestEntryRow.id)
            .where(BoardingPassRow.pass_id == pass_id)
        ).one_or_none()
        return None if row is None else _entry(row)

    def passes_for_flight(self, flight_id: uuid.UUID) -> list[IssuedPass]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(BoardingPassRow)
            .where(BoardingPassRow.flight_id == flight_id)
            .order_by(BoardingPassRow.entry_id)
        )
        return [
            IssuedPass(
                pass_id=row.pass_id,
                entry_id=row.entry_id,
                flight_id=row.flight_id,
                key_id=row.key_id,
                issued_at=row.issued_at,
                valid_until=row.valid_until,
            )
            for row in rows
        ]

    def entries_for_households(
        self, flight_id: uuid.UUID, household_ids: Iterable[uuid.UUID]
    ) -> list[ManifestEntry]:
        self._work.flush()
        wanted = list(household_ids)
        if not wanted:
            return []
        rows = self._work.session.scalars(
            select(ManifestEntryRow)
            .where(
                ManifestEntryRow.flight_id == flight_id,
                ManifestEntryRow.household_id.in_(wanted),
            )
            .order_by(ManifestEntryRow.household_id, ManifestEntryRow.id)
        )
        return [_entry(row) for row in rows]

    def record_scan(self, scan: ScanRecord) -> None:
        self._work.flush()
        with translating("recording a gate scan"):
            self._work.session.execute(
                insert(GateScanRow).values(
                    id=scan.id,
                    flight_id=scan.flight_id,
                    at=scan.at,
                    gate_agent=scan.gate_agent,
                    kind=scan.kind,
                    step=scan.step,
                    outcome=scan.outcome,
                    reason=scan.reason,
                    pass_id=scan.pass_id,
                    entry_id=scan.entry_id,
                )
            )

    def scans_for_flight(self, flight_id: uuid.UUID) -> list[ScanRecord]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(GateScanRow).where(GateScanRow.flight_id == flight_id).order_by(GateScanRow.at)
        )
        return [
            ScanRecord(
                id=row.id,
                flight_id=row.flight_id,
                at=row.at,
                gate_agent=row.gate_agent,
                kind=row.kind,
                step=row.step,
                outcome=row.outcome,
                reason=row.reason,
                pass_id=row.pass_id,
                entry_id=row.entry_id,
            )
            for row in rows
        ]
