"""The one place that wires settings to an engine, the key-encryption key and units of work.
The CLI, the API and tests call it; nothing else builds engines or reads the key file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from refuge.config import Settings
from refuge.domain.errors import InvalidConfiguration
from refuge.protect import KeyEncryptionKey, create_key_file, load_key_file
from refuge.protect.shreds import ShredList, shred_list_path
from refuge.store import (
    SqlUnitOfWork,
    make_engine,
    make_session_factory,
    migrate,
    schema_is_current,
)

__all__ = ["Refuge", "bootstrap", "initialise"]


@dataclass(frozen=True)
class Refuge:
    """A wired application: call `uow()` for each unit of work."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    kek: KeyEncryptionKey

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, self.kek, self.shred_list.append)

    @property
    def shred_list(self) -> ShredList:
        """Shredded households, kept beside the key file so a restore can shred them again."""
        return ShredList(shred_list_path(self.settings.resolved_key_file), self.kek)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file when the store is SQLite (for backups and leak checks)."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return None
        return Path(database)

    def close(self) -> None:
        self.engine.dispose()


def initialise(settings: Settings) -> tuple[bool, Refuge]:
    """Create the key file if there is none, and bring the schema up to date.

    Returns whether a new key was created, and the wired application.
    """
    key_path = settings.resolved_key_file
    created = not key_path.exists()
    kek = create_key_file(key_path) if created else load_key_file(key_path)
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    return created, Refuge(settings, engine, make_session_factory(engine), kek)


def bootstrap(settings: Settings | None = None, *, require_current_schema: bool = True) -> Refuge:
    """Wire an initialised installation; refuse one whose schema is missing or out of date
    (unless told not to: a restore brings the schema back itself)."""
    settings = settings or Settings()
    kek = load_key_file(settings.resolved_key_file)
    engine = make_engine(settings.resolved_database_url)
    if require_current_schema and not schema_is_current(engine):
        engine.dispose()
        raise InvalidConfiguration(
            "the database schema is missing or out of date; run `refuge init`"
        )
    return Refuge(settings, engine, make_session_factory(engine), kek)
