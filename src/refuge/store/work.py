"""What the repositories of one unit of work share: the session, the household data keys
unwrapped so far, and the rows waiting to be written in bulk.

Writes of new households, cases, manifest entries and audit events are queued and sent in
batches (one multi-row INSERT per table) instead of one round trip per row; anything that reads
those tables sends the queue first, so a unit of work always reads its own writes. Foreign
database errors are translated here into Refuge's own, at the boundary.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Delete, Table, Update, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session

from refuge.domain.errors import (
    AlreadyExists,
    Conflict,
    DatabaseUnavailable,
    DataShredded,
    KeyUnavailable,
    NotFound,
    RefugeError,
)
from refuge.protect import BlindIndex, DataKey, KeyEncryptionKey
from refuge.store.models import (
    AUDIT_HEAD_ID,
    AuditEventRow,
    AuditHeadRow,
    Base,
    CaseRow,
    CaseTransitionRow,
    HouseholdKeyRow,
    HouseholdRow,
    ManifestEntryRow,
    PersonDocumentRow,
    PersonPhoneRow,
    PersonRow,
)

__all__ = ["AuditHead", "Work", "chunks", "now", "translating"]

T = TypeVar("T")

# Parents before children, so foreign keys hold at every statement.
_ORDER: tuple[type[Base], ...] = (
    HouseholdRow,
    HouseholdKeyRow,
    PersonRow,
    PersonDocumentRow,
    PersonPhoneRow,
    CaseRow,
    CaseTransitionRow,
    ManifestEntryRow,
    AuditEventRow,
)
# Queued rows are sent once this many wait, so memory stays flat during a large load.
_FLUSH_AT = 20_000
# Bound parameters per IN (...) list: well inside SQLite's and PostgreSQL's limits.
_CHUNK = 500

_UNIQUE_SQLSTATE = "23505"
_FOREIGN_KEY_SQLSTATE = "23503"
# Serialization failure, deadlock, lock not available: another writer got there first.
_CONTENTION_SQLSTATES = {"40001", "40P01", "55P03"}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _translate(exc: SQLAlchemyError, doing: str, exists: str | None) -> RefugeError | None:
    """Refuge's error for a database error, or None if it is not one we expect.

    Messages name tables and constraints, never values: a database's own message can quote the
    row (PostgreSQL's DETAIL does), so it is not passed on.
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    sqlstate = getattr(orig, "sqlstate", None)
    text = str(orig) if orig is not None else ""
    if isinstance(exc, IntegrityError):
        if sqlstate == _UNIQUE_SQLSTATE or text.startswith("UNIQUE constraint failed"):
            if exists:
                return AlreadyExists(exists)
            return AlreadyExists(f"{doing}: {_constraint(orig, text)} exists already")
        if sqlstate == _FOREIGN_KEY_SQLSTATE or text.startswith("FOREIGN KEY constraint failed"):
            return NotFound(f"{doing}: it refers to something that does not exist")
        return Conflict(f"{doing}: the database refused it ({_constraint(orig, text)})")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        # The pool drops the connection; the next unit of work gets a live one (pre-ping).
        return DatabaseUnavailable(
            f"{doing}: the connection to the database was lost; nothing of it was saved, try again"
        )
    if sqlstate in _CONTENTION_SQLSTATES or "database is locked" in text:
        return Conflict(f"{doing}: another writer holds the data; try again")
    return None


def _constraint(orig: object, text: str) -> str:
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if isinstance(name, str):
        return f"constraint {name}"
    # SQLite: "UNIQUE constraint failed: cases.case_number" names table and column only.
    _, _, where = text.partition(": ")
    return f"key {where}" if where else "a constraint"


@contextmanager
def translating(doing: str, *, exists: str | None = None) -> Iterator[None]:
    """Raise Refuge's own errors for the database errors of `doing`; `exists` is the message for
    a unique key that is taken."""
    try:
        yield
    except SQLAlchemyError as exc:
        error = _translate(exc, doing, exists)
        if error is None:
            raise
        raise error from exc


@dataclass(slots=True)
class AuditHead:
    """The chain's last event as this unit of work holds it (the head row is locked)."""

    seq: int
    hash: str
    dirty: bool = False


class Work:
    """One unit of work's session, keys and queued rows. Repositories share it."""

    def __init__(self, session: Session, kek: KeyEncryptionKey, blind_index: BlindIndex) -> None:
        self.session = session
        self.kek = kek
        self.blind_index = blind_index
        self.dialect = session.get_bind().dialect.name
        self.audit_head: AuditHead | None = None
        self.shredded_any = False
        # Case numbers handed out or added in this unit of work, and spare checked ones.
        self.case_numbers: set[str] = set()
        self.added_case_numbers: set[str] = set()
        self.number_pool: list[str] = []
        # Organisations and programs read in this unit of work (never changed once added).
        self.codes: dict[tuple[str, str], object] = {}
        self._keys: dict[uuid.UUID, DataKey] = {}
        self._shredded: set[uuid.UUID] = set()
        self._pending: dict[type[Base], list[dict[str, Any]]] = {}
        self._pending_rows = 0
        self._new_households: set[uuid.UUID] = set()

    # -- queued writes -------------------------------------------------------------------------

    def queue(self, model: type[Base], rows: Iterable[dict[str, Any]]) -> None:
        queued = self._pending.setdefault(model, [])
        before = len(queued)
        queued.extend(rows)
        self._pending_rows += len(queued) - before
        if self._pending_rows >= _FLUSH_AT:
            self.flush(audit=True)

    def flush(self, *, audit: bool = False) -> None:
        """Send queued rows. Raises AlreadyExists naming the first household or case number
        that is stored already.

        Audit events and the chain's head are sent only with `audit` (at commit, and before
        the log is read): nothing else reads them, and one batch per transaction instead of one
        per read saves round trips on every gate scan."""
        pending, self._pending = self._pending, {}
        held = pending.pop(AuditEventRow, None) if not audit else None
        if held:
            self._pending[AuditEventRow] = held
        self._pending_rows = len(held or ())
        head = self.audit_head
        if not pending and not (audit and head and head.dirty):
            return
        with translating("writing households, cases and audit events"):
            self._refuse_stored(pending)
            for model in _ORDER:
                rows = pending.get(model)
                if rows:
                    # Core INSERT on the table: one executemany per table, where the ORM's bulk
                    # path splits rows into many smaller statements.
                    self.session.execute(insert(cast(Table, model.__table__)), rows)
            if audit and head and head.dirty:
                self.session.execute(
                    update(AuditHeadRow)
                    .where(AuditHeadRow.id == AUDIT_HEAD_ID)
                    .values(seq=head.seq, hash=head.hash)
                )
                head.dirty = False

    def _refuse_stored(self, pending: dict[type[Base], list[dict[str, Any]]]) -> None:
        households = [row["id"] for row in pending.get(HouseholdRow, ())]
        self._refuse(HouseholdRow.id, households, "household")
        numbers = [row["case_number"] for row in pending.get(CaseRow, ())]
        self._refuse(CaseRow.case_number, numbers, "case")

    def _refuse(
        self, column: InstrumentedAttribute[Any], values: Sequence[object], what: str
    ) -> None:
        for part in chunks(values):
            taken = self.session.scalars(select(column).where(column.in_(part)).limit(1)).first()
            if taken is not None:
                raise AlreadyExists(f"{what} {taken} exists already")

    def change(self, statement: Update | Delete) -> int:
        """Run an UPDATE or DELETE; how many rows it touched."""
        return self.session.connection().execute(statement).rowcount

    def discard(self) -> None:
        """Forget what the transaction held: queued rows, the audit head lock, and the keys
        (a rolled-back household has no key, a rolled-back shredding destroyed none)."""
        self._pending, self._pending_rows = {}, 0
        self.audit_head = None
        self.shredded_any = False
        self._keys.clear()
        self._shredded.clear()
        self._new_households.clear()
        self.case_numbers.clear()
        self.added_case_numbers.clear()
        self.number_pool.clear()
        self.codes.clear()

    def committed(self) -> None:
        # The lock on the audit head went with the transaction; the next append takes it again.
        self.audit_head = None

    def close(self) -> None:
        self.discard()

    # -- household data keys -------------------------------------------------------------------

    def new_household(self, household_id: uuid.UUID) -> DataKey:
        """A fresh data key for a new household, queued for storage wrapped by the KEK."""
        if household_id in self._new_households:
            raise AlreadyExists(f"household {household_id} exists already")
        self._new_households.add(household_id)
        key = DataKey.generate()
        stamp = now()
        self.queue(HouseholdRow, [{"id": household_id, "created_at": stamp, "updated_at": stamp}])
        self.queue(
            HouseholdKeyRow,
            [
                {
                    "household_id": household_id,
                    "kek_id": self.kek.kek_id,
                    "wrapped_key": self.kek.wrap(key.secret, household_id),
                    "created_at": stamp,
                    "shredded_at": None,
                }
            ],
        )
        self._keys[household_id] = key
        return key

    def household_key(self, household_id: uuid.UUID) -> DataKey:
        """The household's data key. NotFound if unknown, DataShredded if destroyed."""
        key = self.readable_key(household_id)
        if key is None:
            raise DataShredded(f"household {household_id} was shredded; its personal data is gone")
        return key

    def readable_key(self, household_id: uuid.UUID) -> DataKey | None:
        """The household's data key, or None if it was shredded. NotFound if unknown."""
        self.load_keys([household_id])
        return self._keys.get(household_id)

    def load_keys(self, household_ids: Iterable[uuid.UUID]) -> None:
        """Unwrap the data keys of these households in as few queries as possible."""
        wanted = [h for h in dict.fromkeys(household_ids) if h not in self._keys]
        wanted = [h for h in wanted if h not in self._shredded]
        for part in chunks(wanted):
            rows = self.session.execute(
                select(
                    HouseholdKeyRow.household_id,
                    HouseholdKeyRow.kek_id,
                    HouseholdKeyRow.wrapped_key,
                ).where(HouseholdKeyRow.household_id.in_(part))
            )
            found: set[uuid.UUID] = set()
            for household_id, kek_id, wrapped in rows:
                found.add(household_id)
                if wrapped is None:
                    self._shredded.add(household_id)
                    continue
                if kek_id != self.kek.kek_id:
                    raise KeyUnavailable(
                        f"household {household_id} is sealed under key-encryption key {kek_id}, "
                        f"not the loaded key {self.kek.kek_id}"
                    )
                self._keys[household_id] = DataKey(self.kek.unwrap(wrapped, household_id))
            missing = [h for h in part if h not in found]
            if missing:
                raise NotFound(f"household {missing[0]} not found")

    def forget_key(self, household_id: uuid.UUID) -> None:
        self._keys.pop(household_id, None)
        self._shredded.add(household_id)
        self.shredded_any = True
