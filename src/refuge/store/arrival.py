"""Arrivals in the store: reception sites, the flights expected at them, and one row per person
received at a site (against a manifest entry, or a land-border source record) with their
departure. Ids, times and codes only: no personal data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ForeignKey, Index, Integer, String, exists, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from refuge.arrival.ports import Arrival, ArrivalKind
from refuge.arrival.sites import InboundFlight, Site, SiteKind, Stay
from refuge.domain import ManifestStatus, NotFound
from refuge.exchange import Movement
from refuge.store.intake import IntakeRecordRow
from refuge.store.models import Base, CaseRow, FlightRow, ManifestEntryRow, PersonRow
from refuge.store.work import Work, chunks, translating

__all__ = ["ArrivalRow", "ReceptionSiteRow", "SiteFlightRow", "SqlArrivalRepository"]

# Statistics labels for arrivals not (yet) in a program, or of no stated nationality.
UNREGISTERED = "unregistered"
UNKNOWN = "unknown"
_TRAVELLING = (
    ManifestStatus.MANIFESTED.value,
    ManifestStatus.CHECKED_IN.value,
    ManifestStatus.BOARDED.value,
)


class ReceptionSiteRow(Base):
    __tablename__ = "reception_sites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer)
    warn_percent: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"))
    points: Mapped[list[str]]


class SiteFlightRow(Base):
    """The site a flight lands its people at, so its manifest counts before it lands."""

    __tablename__ = "site_flights"

    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), primary_key=True)
    site: Mapped[str] = mapped_column(ForeignKey("reception_sites.code"), index=True)


class ArrivalRow(Base):
    __tablename__ = "arrivals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(ForeignKey("reception_sites.code"))
    kind: Mapped[str] = mapped_column(String(16))
    arrived_at: Mapped[dt.datetime]
    officer: Mapped[str] = mapped_column(String(200))
    batch: Mapped[uuid.UUID] = mapped_column(index=True)
    point: Mapped[str | None] = mapped_column(String(64))
    # Kept without foreign keys to the manifest: the record of who arrived outlives re-planning.
    flight_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # A person arrives once from one manifest entry, and once from one source record.
    entry_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    household_id: Mapped[uuid.UUID | None]
    record_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    departed_at: Mapped[dt.datetime | None]
    departed_to: Mapped[str | None] = mapped_column(String(64))


Index("ix_arrivals_site_arrived_at", ArrivalRow.site, ArrivalRow.arrived_at)


class SqlArrivalRepository:
    """Implements `refuge.arrival.ports.ArrivalRepository`."""

    def __init__(self, work: Work) -> None:
        self._work = work

    # -- sites ---------------------------------------------------------------------------------

    def add_site(self, site: Site) -> None:
        with translating(f"adding site {site.code}", exists=f"site {site.code} exists already"):
            self._work.session.execute(
                insert(ReceptionSiteRow).values(
                    code=site.code,
                    name=site.name,
                    kind=site.kind.value,
                    capacity=site.capacity,
                    warn_percent=site.warn_percent,
                    organisation=site.organisation,
                    points=list(site.points),
                )
            )

    def get_site(self, code: str) -> Site:
        row = self._work.session.get(ReceptionSiteRow, code)
        if row is None:
            raise NotFound(f"site {code} not found")
        return _site(row)

    def sites(self) -> list[Site]:
        rows = self._work.session.scalars(select(ReceptionSiteRow).order_by(ReceptionSiteRow.code))
        return [_site(row) for row in rows]

    def expect_flight(self, flight_id: uuid.UUID, site: str) -> None:
        session = self._work.session
        with translating("expecting a flight at a site"):
            row = session.get(SiteFlightRow, flight_id)
            if row is None:
                session.execute(insert(SiteFlightRow).values(flight_id=flight_id, site=site))
            else:
                row.site = site
                session.flush()

    def expected_site(self, flight_id: uuid.UUID) -> str | None:
        row = self._work.session.get(SiteFlightRow, flight_id)
        return None if row is None else row.site

    def inbound(self, site: str) -> list[InboundFlight]:
        self._work.flush()
        landed = exists().where(ArrivalRow.flight_id == FlightRow.id)
        rows = self._work.session.execute(
            select(FlightRow.code, FlightRow.departs_earliest, func.count(ManifestEntryRow.id))
            .join(SiteFlightRow, SiteFlightRow.flight_id == FlightRow.id)
            .outerjoin(
                ManifestEntryRow,
                (ManifestEntryRow.flight_id == FlightRow.id)
                & ManifestEntryRow.status.in_(_TRAVELLING),
            )
            .where(SiteFlightRow.site == site, ~landed)
            .group_by(FlightRow.id, FlightRow.code, FlightRow.departs_earliest)
            .order_by(FlightRow.departs_earliest, FlightRow.code)
        )
        return [InboundFlight(code, departs, people) for code, departs, people in rows]

    # -- arrivals and departures ---------------------------------------------------------------

    def add_arrivals(self, arrivals: Sequence[Arrival]) -> None:
        if not arrivals:
            return
        self._work.flush()  # cases and entries queued in this unit of work come first
        with translating("registering arrivals", exists="someone here has arrived already"):
            self._work.session.execute(
                insert(ArrivalRow),
                [
                    {
                        "id": a.id,
                        "site": a.site,
                        "kind": a.kind.value,
                        "arrived_at": a.arrived_at,
                        "officer": a.officer,
                        "batch": a.batch,
                        "point": a.point,
                        "flight_id": a.flight_id,
                        "entry_id": a.entry_id,
                        "case_id": a.case_id,
                        "household_id": a.household_id,
                        "record_id": a.record_id,
                        "departed_at": a.departed_at,
                        "departed_to": a.departed_to,
                    }
                    for a in arrivals
                ],
            )

    def arrived_entries(self, entry_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return self._among(ArrivalRow.entry_id, entry_ids)

    def arrived_records(self, record_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return self._among(ArrivalRow.record_id, record_ids)

    def _among(self, column: Mapped[uuid.UUID | None], ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        wanted = list(dict.fromkeys(ids))
        found: set[uuid.UUID] = set()
        for part in chunks(wanted):
            found.update(
                value
                for value in self._work.session.scalars(select(column).where(column.in_(part)))
                if value is not None
            )
        return found

    def present(
        self,
        site: str,
        *,
        case_id: uuid.UUID | None = None,
        flight_id: uuid.UUID | None = None,
        batch: uuid.UUID | None = None,
    ) -> list[Arrival]:
        query = select(ArrivalRow).where(ArrivalRow.site == site, ArrivalRow.departed_at.is_(None))
        if case_id is not None:
            query = query.where(ArrivalRow.case_id == case_id)
        if flight_id is not None:
            query = query.where(ArrivalRow.flight_id == flight_id)
        if batch is not None:
            query = query.where(ArrivalRow.batch == batch)
        rows = self._work.session.scalars(query.order_by(ArrivalRow.arrived_at, ArrivalRow.id))
        return [_arrival(row) for row in rows]

    def depart(self, arrival_ids: Sequence[uuid.UUID], *, at: dt.datetime, to: str | None) -> int:
        departed = 0
        with translating("recording departures"):
            for part in chunks(list(arrival_ids)):
                departed += self._work.change(
                    update(ArrivalRow)
                    .where(ArrivalRow.id.in_(part), ArrivalRow.departed_at.is_(None))
                    .values(departed_at=at, departed_to=to)
                )
        return departed

    def count_present(self, site: str) -> int:
        count = self._work.session.scalar(
            select(func.count())
            .select_from(ArrivalRow)
            .where(ArrivalRow.site == site, ArrivalRow.departed_at.is_(None))
        )
        return int(count or 0)

    def stays(self, site: str, *, start: dt.datetime, end: dt.datetime) -> list[Stay]:
        rows = self._work.session.execute(
            select(ArrivalRow.arrived_at, ArrivalRow.departed_at).where(
                ArrivalRow.site == site,
                ArrivalRow.arrived_at < end,
                ArrivalRow.departed_at.is_(None) | (ArrivalRow.departed_at > start),
            )
        )
        return [Stay(arrived, departed) for arrived, departed in rows]

    def movements(self) -> list[Movement]:
        """Every arrival as (day, program, nationality, site): the program of its case (land
        border arrivals have none yet) and the first nationality of its person or record."""
        self._work.flush()
        rows = self._work.session.execute(
            select(
                ArrivalRow.arrived_at,
                ArrivalRow.site,
                CaseRow.program,
                PersonRow.nationalities,
                IntakeRecordRow.nationalities,
            )
            .outerjoin(CaseRow, CaseRow.id == ArrivalRow.case_id)
            .outerjoin(ManifestEntryRow, ManifestEntryRow.id == ArrivalRow.entry_id)
            .outerjoin(PersonRow, PersonRow.id == ManifestEntryRow.person_id)
            .outerjoin(IntakeRecordRow, IntakeRecordRow.id == ArrivalRow.record_id)
            .order_by(ArrivalRow.arrived_at, ArrivalRow.id)
        )
        return [
            Movement(
                day=arrived.date(),
                program=program or UNREGISTERED,
                nationality=((person or record or "").split() or [UNKNOWN])[0],
                site=site,
            )
            for arrived, site, program, person, record in rows
        ]

    def records_of_file(self, file_id: uuid.UUID) -> list[uuid.UUID]:
        self._work.flush()
        return list(
            self._work.session.scalars(
                select(IntakeRecordRow.id)
                .where(IntakeRecordRow.file_id == file_id, IntakeRecordRow.withdrawn_at.is_(None))
                .order_by(IntakeRecordRow.row, IntakeRecordRow.id)
            )
        )


def _site(row: ReceptionSiteRow) -> Site:
    return Site(
        code=row.code,
        name=row.name,
        kind=SiteKind(row.kind),
        capacity=row.capacity,
        warn_percent=row.warn_percent,
        organisation=row.organisation,
        points=tuple(row.points),
    )


def _arrival(row: ArrivalRow) -> Arrival:
    return Arrival(
        id=row.id,
        site=row.site,
        kind=ArrivalKind(row.kind),
        arrived_at=row.arrived_at,
        officer=row.officer,
        batch=row.batch,
        point=row.point,
        flight_id=row.flight_id,
        entry_id=row.entry_id,
        case_id=row.case_id,
        household_id=row.household_id,
        record_id=row.record_id,
        departed_at=row.departed_at,
        departed_to=row.departed_to,
    )
