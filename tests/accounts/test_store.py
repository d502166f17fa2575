"""Accounts in the database, on SQLite and PostgreSQL: what is stored is digests, hashes and
ciphertext, and the migration builds exactly the tables the models describe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from refuge.accounts import AccountPolicy, Guards, Role, enrol_user, login, totp_code
from refuge.store import SqlUnitOfWork
from refuge.store.accounts import SessionRow, UserRow
from refuge.store.models import Base

AT = dt.datetime(2026, 8, 20, 6, 0, tzinfo=dt.UTC)
GUARDS = Guards(AccountPolicy(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1))
_OURS = {"users", "account_sessions", "api_tokens", "applicant_secrets"}


def test_no_secret_is_stored_in_clear(
    uow_factory: Callable[[], SqlUnitOfWork], engine: Engine
) -> None:
    enrolment = enrol_user(
        uow_factory(),
        GUARDS,
        username="officer",
        password="a long test password",
        role=Role.CASE_OFFICER,
        organisation=None,
        actor="test",
        now=AT,
    )
    issued = login(
        uow_factory(),
        GUARDS,
        username="officer",
        password="a long test password",
        totp=totp_code(enrolment.totp_secret, AT),
        client="test",
        now=AT,
    )
    with engine.connect() as connection:
        user = connection.execute(select(UserRow)).one()
        session = connection.execute(select(SessionRow)).one()
    stored = repr(tuple(user)) + repr(tuple(session))
    for secret in ("a long test password", enrolment.totp_secret, issued.token, issued.csrf_token):
        assert secret not in stored
        assert secret.encode() not in bytes(user.totp_secret_enc)
    with uow_factory() as uow:
        assert uow.users.get("officer").totp_secret == enrolment.totp_secret


def test_the_migration_matches_the_models(engine: Engine) -> None:
    def named(name: str | None, kind: str, parent: Mapping[str, str | None]) -> bool:
        if kind == "schema":
            return True
        return (name if kind == "table" else parent.get("table_name")) in _OURS

    def modelled(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        table = item if kind == "table" else getattr(item, "table", None)
        return getattr(table, "name", None) in _OURS

    opts = {"include_name": named, "include_object": modelled}
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []
