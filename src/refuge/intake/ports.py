"""What stored intake needs from storage: imported files, source records with their re-import
keys, and the quarantine of rejected rows. `refuge.store` implements these over SQLAlchemy.

Every personal value crosses this boundary in clear and is stored only encrypted; what the
repository hands back for listing (files, quarantine entries) carries no personal value at all.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from refuge.cases.ports import AuditLog, OrganisationRepository, Transaction
from refuge.domain.frozen import quick_init
from refuge.intake.fields import IntakeField
from refuge.intake.keys import RecordKey, RecordKeys, SealedRecord, Sealer
from refuge.intake.profiles import ColumnMapping
from refuge.intake.records import FieldProblem, IntakeRecord, Provenance, RejectedRow

__all__ = [
    "ImportedFile",
    "IntakeRepository",
    "IntakeUnitOfWork",
    "KnownRecord",
    "Origin",
    "QuarantineEntry",
    "QuarantineStatus",
    "QuarantineWrite",
    "QuarantinedRow",
    "RecordWrite",
    "SourceRecord",
]


class Origin(enum.StrEnum):
    LIST = "list"  # accepted as the list had it
    CORRECTION = "correction"  # accepted after a quarantined row was corrected


class QuarantineStatus(enum.StrEnum):
    OPEN = "open"  # waiting for a correction
    CORRECTED = "corrected"  # corrected and accepted into the records
    RESOLVED = "resolved"  # a later version of the list no longer has the row as it was
    REPLACED = "replaced"  # a later version has the same wrong row; quarantined again there


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One file imported for an organisation, as a version of one of its lists (`list_name`,
    the file's name unless told otherwise). `mappings` holds each sheet's column mapping as
    plain data (see `refuge.intake.mappings`); `counts` what the import did."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file: str
    content_hash: str
    imported_at: dt.datetime
    actor: str
    mappings: tuple[Mapping[str, Any], ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KnownRecord:
    """A stored record's re-import key, as a later import compares against it."""

    id: uuid.UUID
    content: str
    withdrawn: bool
    shredded: bool


@quick_init
@dataclass(frozen=True, slots=True)
class RecordWrite:
    """A record to store (new) or to store over the one with this `id` (changed). `sealed`:
    the record sealed already (by the repository's sealer), used when it was sealed for `id`."""

    id: uuid.UUID
    identity: str  # the key's identity, made unique among repeats of it in one file
    key: RecordKey
    record: IntakeRecord
    origin: Origin = Origin.LIST
    sealed: SealedRecord | None = None


@dataclass(frozen=True, slots=True)
class QuarantineWrite:
    id: uuid.UUID
    rejected: RejectedRow
    digest: str  # keyed digest of the row's original values, to know it again in a later file


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A quarantined row as listed: where it is and what is wrong, never its values."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file_id: uuid.UUID
    file: str
    sheet: str | None
    row: int
    status: QuarantineStatus
    problems: tuple[FieldProblem, ...]
    corrected_fields: tuple[str, ...] = ()
    record_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A quarantined row opened for correction: its original values, the corrections so far,
    and the mapping its sheet was read with."""

    entry: QuarantineEntry
    provenance: Provenance
    values: tuple[tuple[str, str], ...]
    corrections: Mapping[IntakeField, str]
    mapping: ColumnMapping


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A stored record, decrypted: what matching reads."""

    id: uuid.UUID
    list_name: str
    origin: Origin
    withdrawn: bool
    record: IntakeRecord


class IntakeRepository(Protocol):
    @property
    def record_keys(self) -> RecordKeys:
        """Re-import keys, keyed with a secret the store holds."""

    @property
    def sealer(self) -> Sealer:
        """Seals a record for storing under a new id, as add_records would seal it; usable in a
        process forked from this one (it holds keys, no connection)."""

    def values_digest(self, values: Sequence[tuple[str, str]]) -> str:
        """A keyed digest of a rejected row's original values (row number left out)."""

    def find_file(self, organisation: str, content_hash: str) -> ImportedFile | None: ...
    def add_file(self, file: ImportedFile) -> None: ...
    def finish_file(
        self,
        file_id: uuid.UUID,
        counts: Mapping[str, int],
        mappings: Sequence[Mapping[str, Any]],
    ) -> None:
        """Record what the import of the file did, and the mapping of each sheet read."""

    def files(self, organisation: str | None = None) -> list[ImportedFile]: ...

    def has_records(self, organisation: str) -> bool:
        """Whether any record of `organisation` is stored (withdrawn and shredded ones too)."""

    def known(self, organisation: str, identities: Sequence[str]) -> Mapping[str, KnownRecord]:
        """The stored records of `organisation` among these identities."""

    def add_records(self, file: ImportedFile, writes: Sequence[RecordWrite]) -> None:
        """Store new records, each under a data key of its own wrapped by the KEK."""

    def replace_records(self, file: ImportedFile, writes: Sequence[RecordWrite]) -> None:
        """Store changed records over the stored ones (`write.id`), under fresh data keys."""

    def mark_seen(self, file: ImportedFile, seen: Sequence[tuple[uuid.UUID, Provenance]]) -> None:
        """Unchanged records, found again at these places of `file`."""

    def withdraw_unseen(self, file: ImportedFile, at: dt.datetime) -> int:
        """Withdraw the records of `file`'s list that it did not list; how many."""

    def add_quarantined(self, file: ImportedFile, writes: Sequence[QuarantineWrite]) -> None: ...

    def corrections_for(
        self, organisation: str, digests: Sequence[str]
    ) -> Mapping[str, Mapping[IntakeField, str]]:
        """Corrections made earlier to rows with these original values (by digest)."""

    def close_quarantined(self, file: ImportedFile, at: dt.datetime) -> tuple[int, int]:
        """Close the open quarantine of earlier versions of `file`'s list: (resolved, replaced
        by the same wrong row in `file`)."""

    def quarantined(
        self, organisation: str | None = None, *, open_only: bool = True
    ) -> list[QuarantineEntry]: ...

    def open_quarantined(self, entry_id: uuid.UUID) -> QuarantinedRow:
        """NotFound if unknown; DataShredded if its key was destroyed."""

    def save_correction(
        self,
        entry_id: uuid.UUID,
        corrections: Mapping[IntakeField, str],
        problems: Sequence[FieldProblem],
        record_id: uuid.UUID | None,
        at: dt.datetime,
    ) -> None: ...

    def records(
        self, organisation: str | None = None, *, withdrawn: bool = False
    ) -> Iterator[SourceRecord]:
        """Stored records decrypted, in batches; shredded ones left out."""

    def find_by_document(self, number: str) -> list[uuid.UUID]: ...
    def find_by_phone(self, e164: str) -> list[uuid.UUID]: ...

    def shred_file(self, file_id: uuid.UUID, at: dt.datetime) -> int:
        """Destroy the data keys of the records and quarantined rows whose data came from this
        file; how many."""


class IntakeUnitOfWork(Transaction, Protocol):
    @property
    def organisations(self) -> OrganisationRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def intake(self) -> IntakeRepository: ...
