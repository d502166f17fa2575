"""Accounts in the database: users (argon2id hashes, TOTP seeds encrypted under a key derived
from the key-encryption key), server-side sessions and API tokens kept as digests, applicant
secrets as digests, and the listing of cases the service pages through."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from refuge.accounts.ports import ApiTokenRecord, CaseLine, Holder, SessionRecord, User
from refuge.accounts.roles import Role, Scope
from refuge.domain import NotFound, Stage
from refuge.protect import DataKey
from refuge.store.models import Base, CaseRow
from refuge.store.numbers import normalise_case_number
from refuge.store.work import Work, translating

__all__ = [
    "ApiTokenRow",
    "ApplicantSecretRow",
    "SessionRow",
    "SqlApiTokenRepository",
    "SqlApplicantSecretRepository",
    "SqlCaseListing",
    "SqlSessionRepository",
    "SqlUserRepository",
    "UserRow",
]


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(ForeignKey("organisations.code"))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret_enc: Mapped[bytes]
    active: Mapped[bool] = mapped_column(Boolean)
    failed_logins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]


class SessionRow(Base):
    __tablename__ = "account_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]]
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class ApplicantSecretRow(Base):
    __tablename__ = "applicant_secrets"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    secret_digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime]


def _seed_key(work: Work) -> DataKey:
    return DataKey(work.kek.subkey("totp-seeds"))


class SqlUserRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, user: User) -> None:
        sealed = _seed_key(self._work).encrypt(user.totp_secret, f"user {user.id} totp")
        with translating(
            f"adding user {user.username}", exists=f"user {user.username} exists already"
        ):
            self._work.session.execute(
                insert(UserRow).values(
                    id=user.id,
                    username=user.username,
                    role=user.role.value,
                    organisation=user.organisation,
                    password_hash=user.password_hash,
                    totp_secret_enc=sealed,
                    active=user.active,
                    failed_logins=user.failed_logins,
                    locked_until=user.locked_until,
                    totp_last_step=user.totp_last_step,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )

    def get(self, username: str) -> User:
        row = self._work.session.scalars(
            select(UserRow).where(UserRow.username == username)
        ).one_or_none()
        if row is None:
            raise NotFound(f"user {username} not found")
        return self._user(row)

    def get_by_id(self, user_id: uuid.UUID) -> User:
        row = self._work.session.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"user {user_id} not found")
        return self._user(row)

    def list(self) -> list[User]:
        rows = self._work.session.scalars(select(UserRow).order_by(UserRow.username))
        return [self._user(row) for row in rows]

    def save(self, user: User) -> None:
        with translating(f"saving user {user.username}"):
            self._work.session.execute(
                update(UserRow)
                .where(UserRow.id == user.id)
                .values(
                    password_hash=user.password_hash,
                    active=user.active,
                    failed_logins=user.failed_logins,
                    locked_until=user.locked_until,
                    totp_last_step=user.totp_last_step,
                )
            )

    def _user(self, row: UserRow) -> User:
        seed = _seed_key(self._work).decrypt(row.totp_secret_enc, f"user {row.id} totp")
        return User(
            username=row.username,
            role=Role(row.role),
            organisation=row.organisation,
            password_hash=row.password_hash,
            totp_secret=seed,
            active=row.active,
            failed_logins=row.failed_logins,
            locked_until=row.locked_until,
            totp_last_step=row.totp_last_step,
            id=row.id,
        )


class SqlSessionRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, session: SessionRecord) -> None:
        with translating("opening a session"):
            self._work.session.execute(
                insert(SessionRow).values(
                    id=session.id,
                    user_id=session.user_id,
                    token_digest=session.token_digest,
                    csrf_digest=session.csrf_digest,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                    revoked_at=session.revoked_at,
                )
            )

    def find(self, token_digest: str) -> SessionRecord | None:
        row = self._work.session.scalars(
            select(SessionRow).where(SessionRow.token_digest == token_digest)
        ).one_or_none()
        return None if row is None else _session(row)

    def find_held(self, token_digest: str) -> tuple[SessionRecord, Holder] | None:
        found = self._work.session.execute(
            select(SessionRow, *_HOLDER)
            .join(UserRow, UserRow.id == SessionRow.user_id)
            .where(SessionRow.token_digest == token_digest)
        ).one_or_none()
        return None if found is None else (_session(found[0]), _holder(found[1:]))

    def revoke(self, session_id: uuid.UUID, at: dt.datetime) -> None:
        self._work.session.execute(
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_for_user(self, user_id: uuid.UUID, at: dt.datetime) -> int:
        return self._work.change(
            update(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class SqlApiTokenRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def add(self, token: ApiTokenRecord) -> None:
        with translating("issuing an API token"):
            self._work.session.execute(
                insert(ApiTokenRow).values(
                    id=token.id,
                    user_id=token.user_id,
                    name=token.name,
                    token_digest=token.token_digest,
                    scopes=sorted(s.value for s in token.scopes),
                    created_at=token.created_at,
                    expires_at=token.expires_at,
                    revoked_at=token.revoked_at,
                )
            )

    def find(self, token_digest: str) -> ApiTokenRecord | None:
        row = self._work.session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.token_digest == token_digest)
        ).one_or_none()
        return None if row is None else _token(row)

    def find_held(self, token_digest: str) -> tuple[ApiTokenRecord, Holder] | None:
        found = self._work.session.execute(
            select(ApiTokenRow, *_HOLDER)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_digest == token_digest)
        ).one_or_none()
        return None if found is None else (_token(found[0]), _holder(found[1:]))

    def for_user(self, user_id: uuid.UUID) -> list[ApiTokenRecord]:
        rows = self._work.session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.user_id == user_id)
            .order_by(ApiTokenRow.created_at)
        )
        return [_token(row) for row in rows]

    def revoke(self, token_id: uuid.UUID, at: dt.datetime) -> None:
        self._work.session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )


_HOLDER = (UserRow.id, UserRow.username, UserRow.role, UserRow.organisation, UserRow.active)


def _holder(values: Sequence[Any]) -> Holder:
    user_id, username, role, organisation, active = values
    return Holder(user_id, username, Role(role), organisation, bool(active))


def _session(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        user_id=row.user_id,
        token_digest=row.token_digest,
        csrf_digest=row.csrf_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        id=row.id,
    )


def _token(row: ApiTokenRow) -> ApiTokenRecord:
    return ApiTokenRecord(
        user_id=row.user_id,
        name=row.name,
        token_digest=row.token_digest,
        scopes=frozenset(Scope(s) for s in row.scopes if s in Scope.__members__.values()),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        id=row.id,
    )


class SqlApplicantSecretRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    def set(self, case_number: str, secret_digest: str, at: dt.datetime) -> None:
        self._work.flush()
        case_id = self._work.session.scalars(
            select(CaseRow.id).where(CaseRow.case_number == case_number)
        ).one_or_none()
        if case_id is None:
            raise NotFound(f"case {case_number} not found")
        session = self._work.session
        with translating(f"issuing the applicant secret of case {case_number}"):
            existing = session.get(ApplicantSecretRow, case_id)
            if existing is None:
                session.add(
                    ApplicantSecretRow(case_id=case_id, secret_digest=secret_digest, issued_at=at)
                )
            else:
                existing.secret_digest = secret_digest
                existing.issued_at = at
            session.flush()

    def find(self, typed_number: str) -> tuple[str, str, Stage] | None:
        number = normalise_case_number(typed_number)
        row = self._work.session.execute(
            select(CaseRow.case_number, ApplicantSecretRow.secret_digest, CaseRow.stage)
            .join(ApplicantSecretRow, ApplicantSecretRow.case_id == CaseRow.id)
            .where(CaseRow.case_number == number)
        ).one_or_none()
        return None if row is None else (row[0], row[1], Stage(row[2]))


class SqlCaseListing:
    def __init__(self, work: Work) -> None:
        self._work = work

    def list(
        self,
        *,
        organisation: str | None = None,
        stage: Stage | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[CaseLine]:
        self._work.flush()
        query = select(
            CaseRow.case_number,
            CaseRow.organisation,
            CaseRow.program,
            CaseRow.stage,
            CaseRow.version,
        ).order_by(CaseRow.case_number)
        if organisation is not None:
            query = query.where(CaseRow.organisation == organisation)
        if stage is not None:
            query = query.where(CaseRow.stage == stage.value)
        rows = self._work.session.execute(query.limit(limit).offset(offset))
        return [CaseLine(n, o, p, Stage(s), v) for n, o, p, s, v in rows]
