"""Database fixtures shared by every test that touches storage: each such test runs on SQLite and
on PostgreSQL.

    database_url        a migrated, empty database; parametrised "sqlite" (a file in tmp_path)
                        and "postgresql" (marked `postgres`)
    engine              an engine on it, disposed after the test
    kek                 a fresh key-encryption key
    uow_factory         a callable returning a new SqlUnitOfWork on `engine` with `kek`
    empty_database_url  a database with no schema at all (for migration tests), both kinds

PostgreSQL: the server at REFUGE_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432, trust
auth). One uniquely named database is created for the test session, migrated once and emptied
before each test; it is dropped at the end. If the server cannot be reached the PostgreSQL
parametrisations are skipped with the reason, unless CI is set, when they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from refuge.protect import KeyEncryptionKey
from refuge.protect.audit import GENESIS
from refuge.store import SqlUnitOfWork, make_engine, make_session_factory, migrate
from refuge.store.models import AUDIT_HEAD_ID, AuditHeadRow, Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class PostgresServer:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self, admin: Engine) -> None:
        self._admin = admin

    def create(self) -> str:
        name = f"refuge_test_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self._admin.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = make_url(os.environ.get("REFUGE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        reason = (
            f"PostgreSQL at {url.render_as_string(hide_password=True)} cannot be reached "
            f"({type(exc.orig).__name__}); set REFUGE_TEST_POSTGRES_URL or start the server"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield PostgresServer(admin)
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_server: PostgresServer) -> Iterator[tuple[str, Engine]]:
    """The session's migrated PostgreSQL database, and an engine used to empty it."""
    url = postgres_server.create()
    engine = make_engine(url)
    try:
        migrate(engine)
        yield url, engine
    finally:
        engine.dispose()
        postgres_server.drop(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "refuge.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


def _empty(engine: Engine) -> None:
    # DELETE, children first: on tables this small it is much quicker than TRUNCATE.
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(insert(AuditHeadRow).values(id=AUDIT_HEAD_ID, seq=0, hash=GENESIS))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database with no rows but the audit chain's head."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "refuge.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url, engine = request.getfixturevalue("postgres_database")
    _empty(engine)
    return str(url)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh' / 'refuge.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create()
    try:
        yield url
    finally:
        server.drop(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def kek() -> KeyEncryptionKey:
    return KeyEncryptionKey.generate()


@pytest.fixture
def uow_factory(engine: Engine, kek: KeyEncryptionKey) -> Callable[[], SqlUnitOfWork]:
    session_factory = make_session_factory(engine)

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, kek)

    return make
