"""The unit of work over SQLAlchemy: one transaction, its repositories, and the keys it needs.

    with SqlUnitOfWork(session_factory, kek) as uow:
        uow.households.add(household)
        uow.commit()

Leaving the `with` block without `commit()` rolls everything back. Unwrapped household data keys
live in memory for the life of one `with` block only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from refuge.cases.ports import (
    AuditLog,
    CaseRepository,
    FlightRepository,
    HouseholdRepository,
    OrganisationRepository,
    ProgramRepository,
)
from refuge.protect import BlindIndex, KeyEncryptionKey
from refuge.protect.audit import AuditChain
from refuge.store.accounts import (
    SqlApiTokenRepository,
    SqlApplicantSecretRepository,
    SqlCaseListing,
    SqlSessionRepository,
    SqlUserRepository,
)
from refuge.store.arrival import SqlArrivalRepository
from refuge.store.audit import SqlAuditLog
from refuge.store.cases import SqlCaseRepository
from refuge.store.eligibility import SqlEligibilityRepository
from refuge.store.gate import SqlGateRepository
from refuge.store.households import SqlHouseholdRepository
from refuge.store.intake import SqlIntakeRepository
from refuge.store.matching import SqlMatchRepository
from refuge.store.operation import (
    SqlFlightRepository,
    SqlManifestRepository,
    SqlOrganisationRepository,
    SqlProgramRepository,
)
from refuge.store.planning import SqlPlanRepository
from refuge.store.records import SqlRecordReader
from refuge.store.work import Work, translating

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """Implements `refuge.cases.ports.UnitOfWork`, plus `manifests`.

    The repositories are properties typed with their SQL classes, so callers of the store see
    its extra operations (`households.add_many`, `households.get_many`, ...). The ports declare
    them as plain attributes, which a checker treats as settable; the setters exist for that
    alone and refuse: a unit of work's repositories belong to its transaction.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        kek: KeyEncryptionKey,
        on_shred: Callable[[uuid.UUID], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._kek = kek
        self._on_shred = on_shred
        self._blind_index = BlindIndex(kek.subkey("blind-index"))
        self._chain = AuditChain(kek.subkey("audit"))
        self._work: Work | None = None
        self._repositories: _Repositories | None = None

    def __enter__(self) -> Self:
        if self._work is not None:
            raise RuntimeError("this unit of work is in use already; make a new one")
        work = Work(self._session_factory(), self._kek, self._blind_index)
        self._work = work
        self._repositories = _Repositories(
            organisations=SqlOrganisationRepository(work),
            programs=SqlProgramRepository(work),
            households=SqlHouseholdRepository(work, self._on_shred),
            cases=SqlCaseRepository(work),
            flights=SqlFlightRepository(work),
            manifests=SqlManifestRepository(work),
            audit=SqlAuditLog(work, self._chain),
            intake=SqlIntakeRepository(work),
            users=SqlUserRepository(work),
            sessions=SqlSessionRepository(work),
            api_tokens=SqlApiTokenRepository(work),
            applicant_secrets=SqlApplicantSecretRepository(work),
            case_listing=SqlCaseListing(work),
            eligibility=SqlEligibilityRepository(work),
            gate=SqlGateRepository(work),
            matching=SqlMatchRepository(work),
            arrivals=SqlArrivalRepository(work),
            plans=SqlPlanRepository(work),
            records=SqlRecordReader(work),
        )
        return self

    def _repos(self) -> _Repositories:
        if self._repositories is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._repositories

    @property
    def organisations(self) -> SqlOrganisationRepository:
        return self._repos().organisations

    @organisations.setter
    def organisations(self, _: OrganisationRepository) -> None:
        _refuse("organisations")

    @property
    def programs(self) -> SqlProgramRepository:
        return self._repos().programs

    @programs.setter
    def programs(self, _: ProgramRepository) -> None:
        _refuse("programs")

    @property
    def households(self) -> SqlHouseholdRepository:
        return self._repos().households

    @households.setter
    def households(self, _: HouseholdRepository) -> None:
        _refuse("households")

    @property
    def cases(self) -> SqlCaseRepository:
        return self._repos().cases

    @cases.setter
    def cases(self, _: CaseRepository) -> None:
        _refuse("cases")

    @property
    def flights(self) -> SqlFlightRepository:
        return self._repos().flights

    @flights.setter
    def flights(self, _: FlightRepository) -> None:
        _refuse("flights")

    @property
    def audit(self) -> SqlAuditLog:
        return self._repos().audit

    @audit.setter
    def audit(self, _: AuditLog) -> None:
        _refuse("audit")

    @property
    def manifests(self) -> SqlManifestRepository:
        return self._repos().manifests

    @property
    def intake(self) -> SqlIntakeRepository:
        return self._repos().intake

    # Accounts (refuge.accounts.ports.AccountsUnitOfWork declares these read-only).
    @property
    def users(self) -> SqlUserRepository:
        return self._repos().users

    @property
    def sessions(self) -> SqlSessionRepository:
        return self._repos().sessions

    @property
    def api_tokens(self) -> SqlApiTokenRepository:
        return self._repos().api_tokens

    @property
    def applicant_secrets(self) -> SqlApplicantSecretRepository:
        return self._repos().applicant_secrets

    @property
    def case_listing(self) -> SqlCaseListing:
        return self._repos().case_listing

    # Eligibility (refuge.eligibility.ports.EligibilityUnitOfWork declares it read-only).
    @property
    def eligibility(self) -> SqlEligibilityRepository:
        return self._repos().eligibility

    # Gate (refuge.gate.ports.GateUnitOfWork declares it read-only).
    @property
    def gate(self) -> SqlGateRepository:
        return self._repos().gate

    # Matching (refuge.matching.ports.MatchUnitOfWork declares it read-only).
    @property
    def matching(self) -> SqlMatchRepository:
        return self._repos().matching

    # Arrival (refuge.arrival.ports.ArrivalUnitOfWork declares it read-only).
    @property
    def arrivals(self) -> SqlArrivalRepository:
        return self._repos().arrivals

    # Planning (refuge.planning.ports.PlanStoreUnitOfWork declares it read-only).
    @property
    def plans(self) -> SqlPlanRepository:
        return self._repos().plans

    # What the service reads of records and persons (refuge.accounts.ports.RecordReader).
    @property
    def records(self) -> SqlRecordReader:
        return self._repos().records

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        work = self._require()
        try:
            self.rollback()
        finally:
            work.session.close()
            work.close()
            self._work = None
            self._repositories = None

    def commit(self) -> None:
        work = self._require()
        work.flush(audit=True)
        with translating("committing"):
            work.session.commit()
        work.committed()
        if work.shredded_any and work.dialect == "sqlite":
            _truncate_sqlite_log(work.session.get_bind())
            work.shredded_any = False

    def rollback(self) -> None:
        work = self._require()
        work.discard()
        work.session.rollback()

    def _require(self) -> Work:
        if self._work is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._work


@dataclass(frozen=True, slots=True)
class _Repositories:
    organisations: SqlOrganisationRepository
    programs: SqlProgramRepository
    households: SqlHouseholdRepository
    cases: SqlCaseRepository
    flights: SqlFlightRepository
    manifests: SqlManifestRepository
    audit: SqlAuditLog
    intake: SqlIntakeRepository
    users: SqlUserRepository
    sessions: SqlSessionRepository
    api_tokens: SqlApiTokenRepository
    applicant_secrets: SqlApplicantSecretRepository
    case_listing: SqlCaseListing
    eligibility: SqlEligibilityRepository
    gate: SqlGateRepository
    matching: SqlMatchRepository
    arrivals: SqlArrivalRepository
    plans: SqlPlanRepository
    records: SqlRecordReader


def _refuse(name: str) -> None:
    raise AttributeError(f"the unit of work's {name} repository cannot be replaced")


def _truncate_sqlite_log(bind: object) -> None:
    """Copy the write-ahead log into the database file and empty it, so the pages that held a
    shredded household's wrapped key do not linger in the -wal file. (In the file itself they
    are zeroed by secure_delete.) Best effort: a long reader can hold old pages a while longer."""
    if not isinstance(bind, Engine):
        return
    with bind.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
