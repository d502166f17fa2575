"""Engines, sessions and the schema: connecting to SQLite or PostgreSQL, and bringing the schema
up to date with the Alembic migrations shipped in `refuge/store/migrations/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL, ExceptionContext
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from refuge.domain.errors import DatabaseUnavailable, InvalidConfiguration

__all__ = ["MIGRATIONS", "make_engine", "make_session_factory", "migrate", "schema_is_current"]

MIGRATIONS = Path(__file__).parent / "migrations"

# How long a SQLite writer waits for another to finish before giving up. Writers queue on one
# lock; loads of a few thousand households hold it for seconds.
_SQLITE_BUSY_MS = 60_000
# The most a SQLite connection's page cache may take (see _pragmas).
_SQLITE_CACHE_KIB = 64 * 1024
# PostgreSQL connections are not pinged before each use (a round trip per unit of work, which
# every request pays); a connection that died with its server fails that one use and SQLAlchemy
# then drops the whole pool. Connections are renewed after this long anyway.
_RECYCLE_SECONDS = 1800


def make_engine(url: str) -> Engine:
    """An engine for a database URL: `sqlite:///path/to/file.db` or `postgresql://...`.

    A bare `postgresql://` URL is taken to mean psycopg 3, the driver Refuge ships with. For
    SQLite the file's folder is created, and each connection enforces foreign keys, writes ahead
    (so readers do not block the writer), waits for a busy writer and overwrites deleted content.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidConfiguration("the database URL is not a valid URL") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        engine = create_engine(parsed, pool_recycle=_RECYCLE_SECONDS)
        event.listen(engine, "handle_error", _lost_connection)
        return engine
    raise InvalidConfiguration(
        f"database URL scheme {parsed.drivername!r} is not supported; use sqlite or postgresql"
    )


def _lost_connection(context: ExceptionContext) -> None:
    """A statement failed because the connection died (server restarted, connection cut): say
    so as Refuge's own error, once SQLAlchemy has dropped the pool (it does, after this hook),
    so the next unit of work starts on a fresh connection."""
    if context.is_disconnect:
        raise DatabaseUnavailable(
            "the connection to the database was lost; nothing of this operation was saved, "
            "try again"
        ) from context.original_exception


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA busy_timeout = {_SQLITE_BUSY_MS}")
            # Deleted and shredded content (wrapped data keys above all) is zeroed, not left in
            # free pages of the file.
            cursor.execute("PRAGMA secure_delete = ON")
            # Pages are taken as they are used, up to this: a long import's indexes (keyed by
            # random digests) stay in memory instead of being spilled to the log and read back
            # again and again as the default 2 MiB overflows; about a tenth of its time.
            cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
        finally:
            cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: units of work hand plain domain objects back anyway.
    return sessionmaker(bind=engine, expire_on_commit=False)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the latest migrations (`alembic upgrade heads`: parts of the schema
    may be migrated on branches of their own); a no-op if it is."""
    config = _alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    except SQLAlchemyError as exc:
        raise InvalidConfiguration(
            f"cannot migrate the {engine.dialect.name} database: {type(exc).__name__}"
        ) from exc


def schema_is_current(engine: Engine) -> bool:
    """Whether the database has been migrated to the latest schema (else: run `refuge init`)."""
    heads = set(ScriptDirectory.from_config(_alembic_config()).get_heads())
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        raise InvalidConfiguration(
            f"cannot reach the {engine.dialect.name} database: {type(exc).__name__}"
        ) from exc
    return current == heads
