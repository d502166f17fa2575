"""Storage: SQLAlchemy models, repositories, the unit of work and Alembic migrations, on a SQLite
file by default and PostgreSQL by URL. Personal fields are stored only encrypted."""

from refuge.store.audit import SqlAuditLog
from refuge.store.cases import SHREDDED_REASON, SqlCaseRepository
from refuge.store.database import make_engine, make_session_factory, migrate, schema_is_current
from refuge.store.households import SqlHouseholdRepository
from refuge.store.numbers import is_case_number, new_case_number, normalise_case_number
from refuge.store.operation import (
    SqlFlightRepository,
    SqlManifestRepository,
    SqlOrganisationRepository,
    SqlProgramRepository,
)
from refuge.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "SHREDDED_REASON",
    "SqlAuditLog",
    "SqlCaseRepository",
    "SqlFlightRepository",
    "SqlHouseholdRepository",
    "SqlManifestRepository",
    "SqlOrganisationRepository",
    "SqlProgramRepository",
    "SqlUnitOfWork",
    "is_case_number",
    "make_engine",
    "make_session_factory",
    "migrate",
    "new_case_number",
    "normalise_case_number",
    "schema_is_current",
]
