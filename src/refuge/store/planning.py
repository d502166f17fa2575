"""Planning in the store: plan versions (how each was made, by whom), the households each was
planned for, who sits on which flight, the standby list of every flight in order, the households
a coordinator allows to be split, and the outbox of notifications the differences between
versions call for. Case numbers, counts, codes and ids only: no personal data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from refuge.domain import ManifestEntry, ManifestStatus, NotFound
from refuge.planning.households import PlanningHousehold
from refuge.planning.plans import Assignment
from refuge.planning.ports import Notice, PlanRecord, StoredHousehold
from refuge.store.models import Base, ManifestEntryRow, PersonRow
from refuge.store.work import Work, chunks, translating

__all__ = [
    "PlanAssignmentRow",
    "PlanHouseholdRow",
    "PlanNotificationRow",
    "PlanSplitRow",
    "PlanStandbyRow",
    "PlanVersionRow",
    "SqlPlanRepository",
]

_ROWS_PER_INSERT = 5_000


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    allow_surge: Mapped[bool]
    time_limit: Mapped[float | None] = mapped_column(Float)
    # The version whose households this one planned: itself for a plan, its base for a re-offer.
    inputs_version: Mapped[int] = mapped_column(Integer)
    quotas: Mapped[dict[str, Any]]  # category -> people
    flight_ids: Mapped[list[str]]
    missed: Mapped[list[str]]  # "household-id flight-id" of no-shows kept off their flight
    households: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    seated: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)


class PlanHouseholdRow(Base):
    """A household as the plan version `version` saw it."""

    __tablename__ = "plan_households"

    version: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.version", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column()
    case_number: Mapped[str] = mapped_column(String(16))
    program: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    size: Mapped[int] = mapped_column(Integer)
    nationalities: Mapped[str] = mapped_column(String(200))  # alpha-3 codes, space separated
    split_allowed: Mapped[bool]


class PlanAssignmentRow(Base):
    __tablename__ = "plan_assignments"

    version: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.version", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the plan's order of precedence
    case_number: Mapped[str] = mapped_column(String(16))
    flight_code: Mapped[str] = mapped_column(String(32))
    people: Mapped[int] = mapped_column(Integer)
    checked_in: Mapped[int] = mapped_column(Integer)


class PlanStandbyRow(Base):
    __tablename__ = "plan_standby"

    version: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.version", ondelete="CASCADE"), primary_key=True
    )
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    household_id: Mapped[uuid.UUID] = mapped_column()


class PlanSplitRow(Base):
    """A household the coordinator allows to fly on several flights, or partly."""

    __tablename__ = "plan_split_permissions"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), primary_key=True)
    allowed_by: Mapped[str] = mapped_column(String(200))
    allowed_at: Mapped[dt.datetime]


class PlanNotificationRow(Base):
    """The outbox: one row per household whose seats changed in a version, to be told."""

    __tablename__ = "plan_notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.version", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)
    case_number: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    before: Mapped[str] = mapped_column(String(500))
    after: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]


Index("ix_plan_notifications_undelivered", PlanNotificationRow.delivered_at)


class SqlPlanRepository:
    """Implements `refuge.planning.ports.PlanRepository`."""

    def __init__(self, work: Work) -> None:
        self._work = work

    def latest_version(self) -> int | None:
        self._work.flush()
        rows = self._work.session.scalars(
            select(PlanVersionRow.version).order_by(PlanVersionRow.version.desc()).limit(1)
        )
        return rows.first()

    def record(self, version: int) -> PlanRecord:
        self._work.flush()
        row = self._work.session.get(PlanVersionRow, version)
        if row is None:
            raise NotFound(f"plan version {version} not found")
        return _record(row)

    def records(self) -> list[PlanRecord]:
        self._work.flush()
        rows = self._work.session.scalars(select(PlanVersionRow).order_by(PlanVersionRow.version))
        return [_record(row) for row in rows]

    def add(
        self,
        record: PlanRecord,
        households: Sequence[StoredHousehold] | None,
        assignments: Sequence[Assignment],
        standby: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    ) -> None:
        work = self._work
        work.flush()
        version = record.version
        with translating(
            f"storing plan version {version}",
            exists=f"plan version {version} exists already; another plan was stored meanwhile",
        ):
            work.session.execute(insert(PlanVersionRow).values(**_record_values(record)))
            _insert(
                work,
                PlanHouseholdRow,
                [_household_values(version, h) for h in households or ()],
            )
            _insert(
                work,
                PlanAssignmentRow,
                [
                    {
                        "version": version,
                        "household_id": a.household_id,
                        "flight_id": a.flight_id,
                        "position": position,
                        "case_number": a.case_number,
                        "flight_code": a.flight_code,
                        "people": a.people,
                        "checked_in": a.checked_in,
                    }
                    for position, a in enumerate(assignments)
                ],
            )
            _insert(
                work,
                PlanStandbyRow,
                [
                    {
                        "version": version,
                        "flight_id": flight_id,
                        "position": position,
                        "household_id": household_id,
                    }
                    for flight_id, waiting in standby.items()
                    for position, household_id in enumerate(waiting, start=1)
                ],
            )

    def households(self, inputs_version: int) -> list[StoredHousehold]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(PlanHouseholdRow)
            .where(PlanHouseholdRow.version == inputs_version)
            .order_by(
                PlanHouseholdRow.rank, PlanHouseholdRow.score.desc(), PlanHouseholdRow.case_number
            )
        )
        return [
            StoredHousehold(
                row.case_id,
                PlanningHousehold(
                    household_id=row.household_id,
                    case_number=row.case_number,
                    program=row.program,
                    category=row.category,
                    rank=row.rank,
                    score=row.score,
                    size=row.size,
                    nationalities=tuple(row.nationalities.split()),
                    split_allowed=row.split_allowed,
                ),
            )
            for row in rows
        ]

    def assignments(self, version: int) -> list[Assignment]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(PlanAssignmentRow)
            .where(PlanAssignmentRow.version == version)
            .order_by(PlanAssignmentRow.position)
        )
        return [
            Assignment(
                row.household_id,
                row.case_number,
                row.flight_id,
                row.flight_code,
                row.people,
                row.checked_in,
            )
            for row in rows
        ]

    def standby(self, version: int) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
        self._work.flush()
        rows = self._work.session.execute(
            select(PlanStandbyRow.flight_id, PlanStandbyRow.household_id)
            .where(PlanStandbyRow.version == version)
            .order_by(PlanStandbyRow.flight_id, PlanStandbyRow.position)
        )
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for flight_id, household_id in rows:
            out.setdefault(flight_id, []).append(household_id)
        return {flight_id: tuple(waiting) for flight_id, waiting in out.items()}

    def allow_split(self, household_id: uuid.UUID, *, by: str, at: dt.datetime) -> bool:
        work = self._work
        work.flush()
        if work.session.get(PlanSplitRow, household_id) is not None:
            return False
        with translating(f"allowing household {household_id} to be split"):
            work.session.execute(
                insert(PlanSplitRow).values(household_id=household_id, allowed_by=by, allowed_at=at)
            )
        return True

    def forbid_split(self, household_id: uuid.UUID) -> bool:
        self._work.flush()
        touched = self._work.change(
            delete(PlanSplitRow).where(PlanSplitRow.household_id == household_id)
        )
        return touched > 0

    def split_allowed(self) -> frozenset[uuid.UUID]:
        self._work.flush()
        return frozenset(self._work.session.scalars(select(PlanSplitRow.household_id)))

    def add_notices(self, notices: Sequence[Notice]) -> None:
        self._work.flush()
        with translating("filling the notification outbox"):
            _insert(
                self._work,
                PlanNotificationRow,
                [
                    {
                        "id": n.id,
                        "version": n.version,
                        "household_id": n.household_id,
                        "case_number": n.case_number,
                        "kind": n.kind,
                        "before": n.before[:500],
                        "after": n.after[:500],
                        "created_at": n.created_at,
                        "delivered_at": n.delivered_at,
                    }
                    for n in notices
                ],
            )

    def notices(self, *, undelivered_only: bool = True) -> list[Notice]:
        self._work.flush()
        query = select(PlanNotificationRow).order_by(
            PlanNotificationRow.version, PlanNotificationRow.case_number
        )
        if undelivered_only:
            query = query.where(PlanNotificationRow.delivered_at.is_(None))
        return [
            Notice(
                id=row.id,
                version=row.version,
                household_id=row.household_id,
                case_number=row.case_number,
                kind=row.kind,
                before=row.before,
                after=row.after,
                created_at=row.created_at,
                delivered_at=row.delivered_at,
            )
            for row in self._work.session.scalars(query)
        ]

    def members(self, household_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        self._work.flush()
        out: dict[uuid.UUID, list[uuid.UUID]] = {}
        for part in chunks(list(dict.fromkeys(household_ids))):
            rows = self._work.session.execute(
                select(PersonRow.household_id, PersonRow.id)
                .where(PersonRow.household_id.in_(part))
                .order_by(PersonRow.household_id, PersonRow.position)
            )
            for household_id, person_id in rows:
                out.setdefault(household_id, []).append(person_id)
        return out

    def manifest(self) -> list[ManifestEntry]:
        self._work.flush()
        # Columns, not ORM objects: a whole operation's manifest is read on every re-offer.
        rows = self._work.session.execute(
            select(
                ManifestEntryRow.flight_id,
                ManifestEntryRow.case_id,
                ManifestEntryRow.household_id,
                ManifestEntryRow.person_id,
                ManifestEntryRow.status,
                ManifestEntryRow.standby_rank,
                ManifestEntryRow.id,
            ).order_by(
                ManifestEntryRow.flight_id, ManifestEntryRow.household_id, ManifestEntryRow.id
            )
        )
        return [
            ManifestEntry(flight, case, household, person, ManifestStatus(status), rank, entry)
            for flight, case, household, person, status, rank, entry in rows
        ]

    def update_entries(self, entries: Sequence[ManifestEntry]) -> None:
        """Store the status and standby rank of many entries in one statement."""
        self._work.flush()
        if not entries:
            return
        statement = (
            update(ManifestEntryRow)
            .where(ManifestEntryRow.id == bindparam("entry_id"))
            .values(status=bindparam("new_status"), standby_rank=bindparam("new_rank"))
        )
        with translating("updating manifest entries"):
            self._work.session.connection().execute(
                statement,
                [
                    {"entry_id": e.id, "new_status": e.status.value, "new_rank": e.standby_rank}
                    for e in entries
                ],
            )

    def remove_entries(self, entry_ids: Sequence[uuid.UUID]) -> None:
        """Delete manifest entries in bulk (their boarding passes go with them)."""
        self._work.flush()
        with translating("removing manifest entries"):
            for part in chunks(entry_ids):
                self._work.change(delete(ManifestEntryRow).where(ManifestEntryRow.id.in_(part)))


def _insert(work: Work, model: type[Base], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        work.session.execute(insert(model), rows[start : start + _ROWS_PER_INSERT])


def _household_values(version: int, stored: StoredHousehold) -> dict[str, Any]:
    h = stored.household
    return {
        "version": version,
        "household_id": h.household_id,
        "case_id": stored.case_id,
        "case_number": h.case_number,
        "program": h.program,
        "category": h.category,
        "rank": h.rank,
        "score": h.score,
        "size": h.size,
        "nationalities": " ".join(h.nationalities),
        "split_allowed": h.split_allowed,
    }


def _record_values(record: PlanRecord) -> dict[str, Any]:
    return {
        "version": record.version,
        "kind": record.kind,
        "status": record.status,
        "objective": record.objective,
        "bound": record.bound,
        "gap": record.gap,
        "seconds": record.seconds,
        "note": record.note[:500],
        "actor": record.actor,
        "created_at": record.created_at,
        "allow_surge": record.allow_surge,
        "time_limit": record.time_limit,
        "inputs_version": record.inputs_version,
        "quotas": dict(record.quotas),
        "flight_ids": [str(f) for f in record.flight_ids],
        "missed": sorted(f"{h} {f}" for h, f in record.missed),
        "households": record.households,
        "people": record.people,
        "seated": record.seated,
        "seats": record.seats,
    }


def _record(row: PlanVersionRow) -> PlanRecord:
    missed = frozenset(
        (uuid.UUID(h), uuid.UUID(f)) for h, f in (pair.split() for pair in row.missed)
    )
    return PlanRecord(
        version=row.version,
        kind=row.kind,
        status=row.status,
        objective=row.objective,
        bound=row.bound,
        gap=row.gap,
        seconds=row.seconds,
        note=row.note,
        actor=row.actor,
        created_at=row.created_at,
        allow_surge=row.allow_surge,
        time_limit=row.time_limit,
        inputs_version=row.inputs_version,
        quotas={str(k): int(v) for k, v in row.quotas.items()},
        flight_ids=tuple(uuid.UUID(f) for f in row.flight_ids),
        missed=missed,
        households=row.households,
        people=row.people,
        seated=row.seated,
        seats=row.seats,
    )
