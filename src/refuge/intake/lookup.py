"""Finding people among the stored source records, and reading them back: by document or phone
number through the blind indexes, by name by reading the records in memory; a record with every
other record of its person and household, each with its provenance. Reads of personal data are
audited (who, which record); searches are audited by kind, never by what was typed."""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.cases.ports import AuditLog, Transaction
from refuge.domain import DataShredded, InvalidInput, NotFound
from refuge.intake.phones import e164_of
from refuge.intake.ports import SourceRecord
from refuge.matching import Membership

__all__ = [
    "HouseholdRecords",
    "LookupUnitOfWork",
    "household_records",
    "records_by_id",
    "search_records",
]

_MAX_FOUND = 50


class _Records(Protocol):
    def records(
        self, organisation: str | None = None, *, withdrawn: bool = False
    ) -> Iterator[SourceRecord]: ...
    def find_by_document(self, number: str) -> list[uuid.UUID]: ...
    def find_by_phone(self, e164: str) -> list[uuid.UUID]: ...


class _OneRecord(Protocol):
    def get(self, record_id: uuid.UUID) -> SourceRecord:
        """One record decrypted; NotFound if unknown, DataShredded if shredded."""


class _Memberships(Protocol):
    def memberships(self) -> dict[uuid.UUID, Membership]: ...


class LookupUnitOfWork(Transaction, Protocol):
    @property
    def intake(self) -> _Records: ...
    @property
    def records(self) -> _OneRecord: ...
    @property
    def matching(self) -> _Memberships: ...
    @property
    def audit(self) -> AuditLog: ...


@dataclass(frozen=True, slots=True)
class HouseholdRecords:
    """A record, the person and household matching put it in (None before any matching run),
    and the household's records grouped by person, the record's person first."""

    record: SourceRecord
    person: uuid.UUID | None
    household: uuid.UUID | None
    people: tuple[tuple[uuid.UUID | None, tuple[SourceRecord, ...]], ...]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_words(record: SourceRecord) -> set[str]:
    name = record.record.name
    written = (name.given, name.family, name.given_romanised, name.family_romanised)
    return {word for part in written for word in _folded(part).split()}


def search_records(
    uow: LookupUnitOfWork, text: str, *, actor: str, now: dt.datetime
) -> list[SourceRecord]:
    """Records whose document number or phone number is `text` (exact, through the blind
    indexes), or, failing those, whose name holds every word of `text` (in any script, case and
    accents aside). At most 50."""
    query = text.strip()
    if not query:
        raise InvalidInput("type a document number, a phone number or a name")
    with uow:
        ids = set(uow.intake.find_by_document(query.upper().replace(" ", "")))
        kind = "document"
        with contextlib.suppress(InvalidInput):  # not a phone number: a name, or a document
            ids |= set(uow.intake.find_by_phone(e164_of(query)))
        if ids:  # only these records are read and decrypted
            found = list(_readable(uow, sorted(ids, key=str)))[:_MAX_FOUND]
        else:  # a name: every record is read, as names have no index
            words = set(_folded(query).split())
            found = []
            # Read to the end (a PostgreSQL server-side cursor is closed only when exhausted).
            for record in uow.intake.records():
                if len(found) < _MAX_FOUND and words <= _name_words(record):
                    found.append(record)
        if not ids:
            kind = "name"
        uow.audit.record(
            actor=actor,
            action="records.search",
            object_kind="records",
            object_id=kind,
            at=now,
            details={"found": len(found)},
        )
        uow.commit()
    return found


def records_by_id(uow: LookupUnitOfWork, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, SourceRecord]:
    """These records, decrypted (a shredded or unknown one is left out)."""
    with uow:
        return {r.id: r for r in _readable(uow, ids, withdrawn=True)}


def _readable(
    uow: LookupUnitOfWork, ids: Iterable[uuid.UUID], *, withdrawn: bool = False
) -> Iterator[SourceRecord]:
    """These records, one read each; unknown and shredded ones (and withdrawn ones unless asked
    for) left out."""
    for record_id in dict.fromkeys(ids):
        try:
            record = uow.records.get(record_id)
        except (NotFound, DataShredded):
            continue
        if withdrawn or not record.withdrawn:
            yield record


def household_records(
    uow: LookupUnitOfWork, record_id: uuid.UUID, *, actor: str, now: dt.datetime
) -> HouseholdRecords:
    """The record with its household's other records; NotFound for an unknown one."""
    with uow:
        memberships = uow.matching.memberships()
        mine = memberships.get(record_id)
        together = (
            {m.record: m.person for m in memberships.values() if m.household == mine.household}
            if mine is not None
            else {record_id: None}
        )
        records = {r.id: r for r in _readable(uow, together, withdrawn=True)}
        if record_id not in records:
            raise NotFound(f"record {record_id} not found")
        by_person: dict[uuid.UUID | None, list[SourceRecord]] = {}
        first = together[record_id]
        by_person[first] = []
        for rid, person in sorted(together.items(), key=lambda kv: str(kv[0])):
            if rid in records:
                by_person.setdefault(person, []).append(records[rid])
        uow.audit.record(
            actor=actor,
            action="record.read",
            object_kind="source_record",
            object_id=str(record_id),
            at=now,
            details={"household_records": len(records)},
        )
        uow.commit()
    return HouseholdRecords(
        records[record_id],
        first,
        mine.household if mine else None,
        tuple((person, tuple(rs)) for person, rs in by_person.items()),
    )
