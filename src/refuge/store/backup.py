"""Backing up and restoring the database: SQLite through its online backup API, PostgreSQL
through `pg_dump` (custom format) and `pg_restore`, sealed with `refuge.protect.backup`. After a
restore, every household on the shred list is shredded again."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from refuge.domain.errors import InvalidConfiguration, InvalidInput, NotFound, StorageFull
from refuge.protect import KeyEncryptionKey
from refuge.protect.backup import BackupHeader, BackupManifest, open_backup, seal_backup
from refuge.protect.shreds import ShredList
from refuge.store.database import make_session_factory, migrate
from refuge.store.unit_of_work import SqlUnitOfWork

__all__ = ["RestoreReport", "back_up", "restore", "verify_backup"]

_TIMEOUT = 3600
# What writing a file on a full disk (or over a quota or file size limit) raises.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_ACTOR = "refuge restore"


@dataclass(frozen=True, slots=True)
class RestoreReport:
    header: BackupHeader
    manifest: BackupManifest
    reshredded: list[uuid.UUID]


def _revision(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except SQLAlchemyError as exc:
        raise InvalidConfiguration(
            f"cannot reach the {engine.dialect.name} database: {type(exc).__name__}"
        ) from exc
    return ",".join(sorted(heads))


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise InvalidConfiguration("only a SQLite database in a file can be backed up")
    return Path(database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password (which goes in the environment, not
    on a command line others can list)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InvalidConfiguration(f"{name} is not installed; it is needed for PostgreSQL")
    return found


def back_up(engine: Engine, kek: KeyEncryptionKey, out: Path) -> BackupManifest:
    """Write an encrypted backup of the database to `out` (refused if it exists)."""
    kind = engine.dialect.name
    header = BackupHeader(
        database_kind=kind, created_at=dt.datetime.now(dt.UTC), schema_revision=_revision(engine)
    )
    try:
        handle = out.open("xb")
    except FileExistsError as exc:
        raise InvalidInput(f"backup {out} exists already; refusing to replace it") from exc
    except OSError as exc:
        raise InvalidInput(f"backup {out} cannot be written") from exc
    try:
        with handle:
            if kind == "sqlite":
                manifest = _seal_sqlite(_sqlite_file(engine), kek, header, handle)
            elif kind == "postgresql":
                manifest = _seal_postgres(engine.url, kek, header, handle)
            else:
                raise InvalidConfiguration(f"{kind} databases cannot be backed up")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        out.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in _FULL:
            raise StorageFull(
                f"backup {out} cannot be written: no space left on its disk; the partial file "
                "was removed"
            ) from exc
        raise
    return manifest


def _seal_sqlite(
    database: Path, kek: KeyEncryptionKey, header: BackupHeader, out: BinaryIO
) -> BackupManifest:
    # The copy holds only what the database holds (personal fields sealed), and lives beside it.
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".refuge-backup-") as scratch:
        copy = Path(scratch) / "copy.db"
        source = sqlite3.connect(database)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        except sqlite3.Error as exc:
            raise InvalidConfiguration(f"SQLite database {database} cannot be copied") from exc
        finally:
            target.close()
            source.close()
        with copy.open("rb") as plain:
            return seal_backup(kek, header, plain, out)


def _seal_postgres(
    url: URL, kek: KeyEncryptionKey, header: BackupHeader, out: BinaryIO
) -> BackupManifest:
    dsn, env = _libpq(url)
    process = subprocess.Popen(  # noqa: S603 - fixed program, arguments are not shell-parsed
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--dbname", dsn],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None  # noqa: S101 - set by stdout=PIPE
    manifest = seal_backup(kek, header, process.stdout, out)
    _, errors = process.communicate(timeout=_TIMEOUT)
    if process.returncode != 0:
        raise InvalidConfiguration(f"pg_dump failed: {_first_line(errors)}")
    return manifest


def _first_line(errors: bytes) -> str:
    # pg_dump's messages name objects and servers, not rows: safe to show.
    lines = errors.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def verify_backup(kek: KeyEncryptionKey, file: Path) -> tuple[BackupHeader, BackupManifest]:
    """Check a backup end to end without restoring anything."""
    with _open(file) as source:
        return open_backup(kek, source, None, name=str(file))


def _open(file: Path) -> BinaryIO:
    try:
        return file.open("rb")
    except OSError as exc:
        raise InvalidInput(f"backup {file} cannot be read") from exc


def restore(
    engine: Engine, kek: KeyEncryptionKey, file: Path, shred_list: ShredList
) -> RestoreReport:
    """Replace the database with the backup's content, once the whole backup has been checked;
    bring its schema up to date; shred again every household on the shred list."""
    kind = engine.dialect.name
    scratch_dir = _sqlite_file(engine).parent if kind == "sqlite" else None
    shredded = shred_list.entries()  # refuse a tampered list before touching anything
    with tempfile.TemporaryDirectory(dir=scratch_dir, prefix=".refuge-restore-") as scratch:
        plain = Path(scratch) / "restore"
        with _open(file) as source, plain.open("wb") as target:
            header, manifest = open_backup(kek, source, target, name=str(file))
        if header.database_kind != kind:
            raise InvalidInput(f"backup {file} holds a {header.database_kind} database, not {kind}")
        if kind == "sqlite":
            _restore_sqlite(plain, _sqlite_file(engine))
        else:
            _restore_postgres(plain, engine.url)
    engine.dispose()  # pooled connections saw the old database
    migrate(engine)
    reshredded = _reshred(engine, kek, [entry.household_id for entry in shredded])
    return RestoreReport(header=header, manifest=manifest, reshredded=reshredded)


def _restore_sqlite(plain: Path, database: Path) -> None:
    # The backup API writes into the live file under SQLite's own locks and WAL, so readers
    # never see half a database (unlike copying a file over it).
    source = sqlite3.connect(plain)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise InvalidConfiguration(f"SQLite database {database} cannot be replaced") from exc
    finally:
        target.close()
        source.close()


def _restore_postgres(plain: Path, url: URL) -> None:
    """Empty the public schema and load the dump in one transaction: on any error the database
    is left as it was."""
    dsn, env = _libpq(url)
    script = subprocess.run(  # noqa: S603 - fixed program, arguments are not shell-parsed
        [_tool("pg_restore"), "--no-owner", "--file=-", str(plain)],
        capture_output=True,
        env=env,
        check=False,
        timeout=_TIMEOUT,
    )
    if script.returncode != 0:
        raise InvalidConfiguration(f"pg_restore failed: {_first_line(script.stderr)}")
    loaded = subprocess.run(  # noqa: S603 - fixed program, arguments are not shell-parsed
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA public CASCADE",
            "--command=CREATE SCHEMA public",
            "--file=-",
            "--dbname",
            dsn,
        ],
        input=script.stdout,
        capture_output=True,
        env=env,
        check=False,
        timeout=_TIMEOUT,
    )
    if loaded.returncode != 0:
        raise InvalidConfiguration(
            f"restoring into PostgreSQL failed: {_first_line(loaded.stderr)}"
        )


def _reshred(
    engine: Engine, kek: KeyEncryptionKey, household_ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    """Shred again each listed household the restored database still holds readable."""
    if not household_ids:
        return []
    done: list[uuid.UUID] = []
    with SqlUnitOfWork(make_session_factory(engine), kek) as uow:
        for household_id in sorted(set(household_ids)):
            if uow.households.is_shredded(household_id):
                continue
            try:
                uow.households.shred(household_id)
            except NotFound:
                continue  # shredded on the list, absent from this backup
            uow.audit.record(
                actor=_ACTOR,
                action="household.shred",
                object_kind="household",
                object_id=str(household_id),
                at=dt.datetime.now(dt.UTC),
                details={"reason_code": "shred-list-reapplied"},
            )
            done.append(household_id)
        uow.commit()
    return done
