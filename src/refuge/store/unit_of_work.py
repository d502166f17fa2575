"""The unit of work over SQLAlchemy: one transaction, its repositories, and the keys it needs.

    with SqlUnitOfWork(session_factory, kek) as uow:
        uow.households.add(household)
        uow.commit()

Leaving the `with` block without `commit()` rolls everything back. Unwrapped household data keys
live in memory for the life of one `with` block only.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from refuge.protect import BlindIndex, KeyEncryptionKey
from refuge.protect.audit import AuditChain
from refuge.store.audit import SqlAuditLog
from refuge.store.cases import SqlCaseRepository
from refuge.store.households import SqlHouseholdRepository
from refuge.store.operation import (
    SqlFlightRepository,
    SqlManifestRepository,
    SqlOrganisationRepository,
    SqlProgramRepository,
)
from refuge.store.work import Work, translating

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """Implements `refuge.cases.ports.UnitOfWork`, plus `manifests`."""

    organisations: SqlOrganisationRepository
    programs: SqlProgramRepository
    households: SqlHouseholdRepository
    cases: SqlCaseRepository
    flights: SqlFlightRepository
    manifests: SqlManifestRepository
    audit: SqlAuditLog

    def __init__(self, session_factory: sessionmaker[Session], kek: KeyEncryptionKey) -> None:
        self._session_factory = session_factory
        self._kek = kek
        self._blind_index = BlindIndex(kek.subkey("blind-index"))
        self._chain = AuditChain(kek.subkey("audit"))
        self._work: Work | None = None

    def __enter__(self) -> Self:
        if self._work is not None:
            raise RuntimeError("this unit of work is in use already; make a new one")
        work = Work(self._session_factory(), self._kek, self._blind_index)
        self._work = work
        self.organisations = SqlOrganisationRepository(work)
        self.programs = SqlProgramRepository(work)
        self.households = SqlHouseholdRepository(work)
        self.cases = SqlCaseRepository(work)
        self.flights = SqlFlightRepository(work)
        self.manifests = SqlManifestRepository(work)
        self.audit = SqlAuditLog(work, self._chain)
        return self

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

    def commit(self) -> None:
        work = self._require()
        work.flush()
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


def _truncate_sqlite_log(bind: object) -> None:
    """Copy the write-ahead log into the database file and empty it, so the pages that held a
    shredded household's wrapped key do not linger in the -wal file. (In the file itself they
    are zeroed by secure_delete.) Best effort: a long reader can hold old pages a while longer."""
    if not isinstance(bind, Engine):
        return
    with bind.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
