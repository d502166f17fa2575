"""The operation around the people: organisations, programs, flights and their manifests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from refuge.domain import (
    Flight,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Organisation,
    OrganisationKind,
    Program,
)
from refuge.store.models import FlightRow, ManifestEntryRow, OrganisationRow, ProgramRow
from refuge.store.work import Work, translating

__all__ = [
    "SqlFlightRepository",
    "SqlManifestRepository",
    "SqlOrganisationRepository",
    "SqlProgramRepository",
]


class SqlOrganisationRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, organisation: Organisation) -> None:
        with translating(
            f"adding organisation {organisation.code}",
            exists=f"organisation {organisation.code} exists already",
        ):
            self._work.session.execute(
                insert(OrganisationRow).values(
                    code=organisation.code, name=organisation.name, kind=organisation.kind.value
                )
            )

    def get(self, code: str) -> Organisation:
        # Organisations never change once added, so one read per unit of work is enough; a
        # load of thousands of households asks for the same few again and again.
        known = self._work.codes.get(("organisation", code))
        if isinstance(known, Organisation):
            return known
        row = self._work.session.get(OrganisationRow, code)
        if row is None:
            raise NotFound(f"organisation {code} not found")
        organisation = _organisation(row)
        self._work.codes[("organisation", code)] = organisation
        return organisation

    def list(self) -> list[Organisation]:
        rows = self._work.session.scalars(select(OrganisationRow).order_by(OrganisationRow.code))
        return [_organisation(row) for row in rows]


class SqlProgramRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, program: Program) -> None:
        with translating(
            f"adding program {program.code}", exists=f"program {program.code} exists already"
        ):
            self._work.session.execute(
                insert(ProgramRow).values(
                    code=program.code,
                    name=program.name,
                    precedence=program.precedence,
                    quota=program.quota,
                    version=program.version,
                )
            )

    def get(self, code: str) -> Program:
        known = self._work.codes.get(("program", code))
        if isinstance(known, Program):
            return known
        row = self._work.session.get(ProgramRow, code)
        if row is None:
            raise NotFound(f"program {code} not found")
        program = _program(row)
        self._work.codes[("program", code)] = program
        return program

    def list(self) -> list[Program]:
        rows = self._work.session.scalars(
            select(ProgramRow).order_by(ProgramRow.precedence, ProgramRow.code)
        )
        return [_program(row) for row in rows]


class SqlFlightRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, flight: Flight) -> None:
        with translating(
            f"adding flight {flight.code}", exists=f"flight {flight.code} exists already"
        ):
            self._work.session.execute(insert(FlightRow).values(**_flight_values(flight)))

    def get(self, code: str) -> Flight:
        row = self._work.session.scalars(
            select(FlightRow).where(FlightRow.code == code)
        ).one_or_none()
        if row is None:
            raise NotFound(f"flight {code} not found")
        return _flight(row)

    def get_by_id(self, flight_id: uuid.UUID) -> Flight:
        row = self._work.session.get(FlightRow, flight_id)
        if row is None:
            raise NotFound(f"flight {flight_id} not found")
        return _flight(row)

    def list(self) -> list[Flight]:
        rows = self._work.session.scalars(
            select(FlightRow).order_by(FlightRow.departs_earliest, FlightRow.code)
        )
        return [_flight(row) for row in rows]


class SqlManifestRepository:
    """Who is on which flight: one entry per person, households manifested whole."""

    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, entry: ManifestEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Iterable[ManifestEntry]) -> None:
        """Queue entries; written in batches with the unit of work's other new rows."""
        self._work.queue(ManifestEntryRow, [_entry_values(entry) for entry in entries])

    def save(self, entry: ManifestEntry) -> None:
        """Store an entry's new status and standby rank."""
        self._work.flush()
        with translating(f"saving manifest entry {entry.id}"):
            touched = self._work.change(
                update(ManifestEntryRow)
                .where(ManifestEntryRow.id == entry.id)
                .values(status=entry.status.value, standby_rank=entry.standby_rank)
            )
        if touched == 0:
            raise NotFound(f"manifest entry {entry.id} not found")

    def remove(self, entry_id: uuid.UUID) -> None:
        self._work.flush()
        touched = self._work.change(delete(ManifestEntryRow).where(ManifestEntryRow.id == entry_id))
        if touched == 0:
            raise NotFound(f"manifest entry {entry_id} not found")

    def get(self, entry_id: uuid.UUID) -> ManifestEntry:
        self._work.flush()
        row = self._work.session.get(ManifestEntryRow, entry_id)
        if row is None:
            raise NotFound(f"manifest entry {entry_id} not found")
        return _entry(row)

    def for_flight(self, flight_id: uuid.UUID) -> list[ManifestEntry]:
        """The flight's entries: manifested first, then standby by rank."""
        self._work.flush()
        rows = self._work.session.scalars(
            select(ManifestEntryRow)
            .where(ManifestEntryRow.flight_id == flight_id)
            .order_by(
                ManifestEntryRow.standby_rank.is_not(None),
                ManifestEntryRow.standby_rank,
                ManifestEntryRow.household_id,
                ManifestEntryRow.id,
            )
        )
        return [_entry(row) for row in rows]

    def count_by_status(self, flight_id: uuid.UUID) -> dict[ManifestStatus, int]:
        """People on the flight's manifest by status, counted in the database."""
        self._work.flush()
        rows = self._work.session.execute(
            select(ManifestEntryRow.status, func.count())
            .where(ManifestEntryRow.flight_id == flight_id)
            .group_by(ManifestEntryRow.status)
        )
        return {ManifestStatus(status): count for status, count in rows}

    def for_case(self, case_id: uuid.UUID) -> list[ManifestEntry]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(ManifestEntryRow)
            .where(ManifestEntryRow.case_id == case_id)
            .order_by(ManifestEntryRow.flight_id, ManifestEntryRow.id)
        )
        return [_entry(row) for row in rows]


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(code=row.code, name=row.name, kind=OrganisationKind(row.kind))


def _program(row: ProgramRow) -> Program:
    return Program(
        code=row.code,
        name=row.name,
        precedence=row.precedence,
        quota=row.quota,
        version=row.version,
    )


def _flight_values(flight: Flight) -> dict[str, Any]:
    return {
        "id": flight.id,
        "code": flight.code,
        "aircraft": flight.aircraft,
        "seats": flight.seats,
        "surge_seats": flight.surge_seats,
        "origin": flight.origin,
        "destination": flight.destination,
        "departs_earliest": flight.departs_earliest,
        "departs_latest": flight.departs_latest,
        "operator_state": flight.operator_state,
        "programs": sorted(flight.programs),
        "nationalities": sorted(flight.nationalities),
    }


def _flight(row: FlightRow) -> Flight:
    return Flight(
        code=row.code,
        aircraft=row.aircraft,
        seats=row.seats,
        origin=row.origin,
        destination=row.destination,
        departs_earliest=row.departs_earliest,
        departs_latest=row.departs_latest,
        surge_seats=row.surge_seats,
        operator_state=row.operator_state,
        programs=frozenset(row.programs),
        nationalities=frozenset(row.nationalities),
        id=row.id,
    )


def _entry_values(entry: ManifestEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "flight_id": entry.flight_id,
        "case_id": entry.case_id,
        "household_id": entry.household_id,
        "person_id": entry.person_id,
        "status": entry.status.value,
        "standby_rank": entry.standby_rank,
    }


def _entry(row: ManifestEntryRow) -> ManifestEntry:
    return ManifestEntry(
        flight_id=row.flight_id,
        case_id=row.case_id,
        household_id=row.household_id,
        person_id=row.person_id,
        status=ManifestStatus(row.status),
        standby_rank=row.standby_rank,
        id=row.id,
    )
