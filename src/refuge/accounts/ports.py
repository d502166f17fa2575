"""What the accounts services need from storage: users, sessions, API tokens, applicant secrets
and a listing of cases, on top of the case services' unit of work. `refuge.store` implements
them; secrets arrive here only as digests or argon2id hashes, TOTP seeds decrypted in memory."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from refuge.accounts.roles import Role, Scope
from refuge.cases.ports import UnitOfWork
from refuge.domain import InvalidInput, Stage
from refuge.eligibility.ports import EligibilityRepository
from refuge.gate.ports import GateUnitOfWork
from refuge.intake.ports import (
    ImportedFile,
    IntakeRepository,
    Origin,
    QuarantineEntry,
    SourceRecord,
)
from refuge.intake.records import FieldProblem
from refuge.matching.ports import MatchRepository

__all__ = [
    "AccountsUnitOfWork",
    "OperationUnitOfWork",
    "PersonLine",
    "RecordLine",
    "RecordReader",
    "RowProblems",
    "ApiTokenRecord",
    "ApiTokenRepository",
    "ApplicantSecretRepository",
    "Holder",
    "CaseListing",
    "CaseLine",
    "SessionRecord",
    "SessionRepository",
    "User",
    "UserRepository",
]

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


@dataclass(slots=True)
class User:
    username: str
    role: Role
    organisation: str | None
    password_hash: str
    totp_secret: str
    active: bool = True
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    totp_last_step: int = 0  # the last time step accepted, so a code cannot be replayed
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if not _USERNAME.fullmatch(self.username):
            raise InvalidInput(
                "username must be 3 to 64 lower-case letters, digits, dots, dashes or underscores"
            )
        if self.role is Role.PARTNER and not self.organisation:
            raise InvalidInput(f"user {self.username}: a partner organisation user needs one")

    def locked_at(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a session or token, as each request needs it: no password hash, no TOTP seed
    (nothing to decrypt on every request)."""

    user_id: uuid.UUID
    username: str
    role: Role
    organisation: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class SessionRecord:
    user_id: uuid.UUID
    token_digest: str
    csrf_digest: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def live_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class ApiTokenRecord:
    user_id: uuid.UUID
    name: str
    token_digest: str
    scopes: frozenset[Scope]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def live_at(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One line of a case listing: no household, no history."""

    number: str
    organisation: str
    program: str
    stage: Stage
    version: int


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...  # AlreadyExists
    def get(self, username: str) -> User: ...  # NotFound
    def get_by_id(self, user_id: uuid.UUID) -> User: ...  # NotFound
    def list(self) -> list[User]: ...
    def save(self, user: User) -> None: ...


class SessionRepository(Protocol):
    def add(self, session: SessionRecord) -> None: ...
    def find(self, token_digest: str) -> SessionRecord | None: ...
    def find_held(self, token_digest: str) -> tuple[SessionRecord, Holder] | None:
        """The session and its holder in one look-up (every request makes one)."""

    def revoke(self, session_id: uuid.UUID, at: dt.datetime) -> None: ...
    def revoke_for_user(self, user_id: uuid.UUID, at: dt.datetime) -> int: ...


class ApiTokenRepository(Protocol):
    def add(self, token: ApiTokenRecord) -> None: ...
    def find(self, token_digest: str) -> ApiTokenRecord | None: ...
    def find_held(self, token_digest: str) -> tuple[ApiTokenRecord, Holder] | None: ...
    def for_user(self, user_id: uuid.UUID) -> list[ApiTokenRecord]: ...
    def revoke(self, token_id: uuid.UUID, at: dt.datetime) -> None: ...


class ApplicantSecretRepository(Protocol):
    def set(self, case_number: str, secret_digest: str, at: dt.datetime) -> None:
        """Store (or replace) the digest of a case's applicant secret."""

    def find(self, typed_number: str) -> tuple[str, str, Stage] | None:
        """The case number in canonical form, its secret's digest and the case's stage, for a
        number as an applicant typed it; None if the case is unknown or has no secret."""


class CaseListing(Protocol):
    def list(
        self,
        *,
        organisation: str | None = None,
        stage: Stage | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[CaseLine]:
        """Cases ordered by number."""


class AccountsUnitOfWork(UnitOfWork, Protocol):
    @property
    def users(self) -> UserRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def applicant_secrets(self) -> ApplicantSecretRepository: ...
    @property
    def case_listing(self) -> CaseListing: ...


# --- what the service reads of lists, persons, screening and manifests ------------------------


@dataclass(frozen=True, slots=True)
class RecordLine:
    """A source record as listed: where it came from and what became of it, no value of it."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file_id: uuid.UUID
    file: str
    sheet: str | None
    row: int
    origin: Origin
    withdrawn: bool
    shredded: bool
    person_id: uuid.UUID | None  # None until matching has run over the record
    household_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class PersonLine:
    id: uuid.UUID
    household_id: uuid.UUID
    records: int


@dataclass(frozen=True, slots=True)
class RowProblems:
    """The problems of one row of an imported file: `rejected` rows went to the quarantine."""

    sheet: str | None
    row: int
    rejected: bool
    problems: tuple[FieldProblem, ...]


class RecordReader(Protocol):
    def lines(
        self, *, organisation: str | None, limit: int, offset: int, withdrawn: bool = False
    ) -> list[RecordLine]: ...
    def line(self, record_id: uuid.UUID) -> RecordLine: ...  # NotFound
    def of_person(self, person_id: uuid.UUID) -> list[RecordLine]: ...
    def persons(self, *, limit: int, offset: int) -> list[PersonLine]: ...
    def get(self, record_id: uuid.UUID) -> SourceRecord: ...  # NotFound, DataShredded
    def file(self, file_id: uuid.UUID) -> ImportedFile: ...  # NotFound
    def quarantine_entry(self, entry_id: uuid.UUID) -> QuarantineEntry: ...  # NotFound
    def file_problems(self, file_id: uuid.UUID) -> list[RowProblems]: ...


class OperationUnitOfWork(AccountsUnitOfWork, GateUnitOfWork, Protocol):
    """The whole operation as the service reaches it: accounts and cases, the gate's manifests,
    passes and scans, the lists sent in, matching and screening."""

    @property
    def intake(self) -> IntakeRepository: ...
    @property
    def matching(self) -> MatchRepository: ...
    @property
    def eligibility(self) -> EligibilityRepository: ...
    @property
    def records(self) -> RecordReader: ...
