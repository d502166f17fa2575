"""What the case services need from storage. `refuge.store` implements these over SQLAlchemy;
tests implement them in memory."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Protocol, Self

from refuge.domain import Case, Flight, Household, Organisation, Program, Stage
from refuge.protect.audit import AuditEvent, AuditFinding, Detail

__all__ = [
    "AuditLog",
    "CaseRepository",
    "FlightRepository",
    "HouseholdRepository",
    "OrganisationRepository",
    "ProgramRepository",
    "Transaction",
    "UnitOfWork",
]


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, code: str) -> Organisation: ...  # NotFound
    def list(self) -> list[Organisation]: ...


class ProgramRepository(Protocol):
    def add(self, program: Program) -> None: ...
    def get(self, code: str) -> Program: ...  # NotFound
    def list(self) -> list[Program]: ...


class HouseholdRepository(Protocol):
    def add(self, household: Household) -> None:
        """Store a new household: a fresh data key, every personal field encrypted under it."""

    def save(self, household: Household) -> None:
        """Store changes to a known household (members added, fields corrected)."""

    def get(self, household_id: uuid.UUID) -> Household:
        """Decrypt in memory. NotFound if unknown; DataShredded if its key was destroyed."""

    def find_by_document(self, number: str) -> list[uuid.UUID]:
        """Households with a person holding this document number (blind index, exact)."""

    def find_by_phone(self, e164: str) -> list[uuid.UUID]: ...

    def shred(self, household_id: uuid.UUID) -> None:
        """Destroy the household's data key; its personal fields become unreadable for good."""

    def is_shredded(self, household_id: uuid.UUID) -> bool: ...
    def count(self) -> int: ...
    def count_people(self) -> int: ...
    def people_by_nationality(self) -> Mapping[str, int]: ...


class CaseRepository(Protocol):
    def add(self, case: Case) -> None: ...
    def get(self, number: str) -> Case: ...  # NotFound
    def for_household(self, household_id: uuid.UUID) -> list[Case]: ...

    def save(self, case: Case) -> None:
        """Write the case and its new transitions. Raises StaleObject if the stored version is
        not `case.version` (someone saved since this copy was read); on success the version goes
        up by one."""

    def next_number(self) -> str:
        """A new case number, unique, not guessable from the ones before it."""

    def count_by_stage(self) -> Mapping[Stage, int]: ...
    def count_by_program(self) -> Mapping[str, int]: ...


class FlightRepository(Protocol):
    def add(self, flight: Flight) -> None: ...
    def get(self, code: str) -> Flight: ...  # NotFound
    def list(self) -> list[Flight]: ...


class AuditLog(Protocol):
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

    def events(self) -> Iterator[AuditEvent]: ...  # in seq order
    def verify(self) -> list[AuditFinding]: ...


class Transaction(Protocol):
    """One transaction. Rolls back on leaving the `with` block unless `commit()` was called.
    Each package's unit of work is a Transaction with the repositories it needs."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWork(Transaction, Protocol):
    """The cases' unit of work."""

    organisations: OrganisationRepository
    programs: ProgramRepository
    households: HouseholdRepository
    cases: CaseRepository
    flights: FlightRepository
    audit: AuditLog
