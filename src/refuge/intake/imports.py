"""Stored intake: importing a list into source records and the quarantine, re-importing corrected
versions of it, and correcting quarantined rows.

A file is one transaction: it is stored whole or not at all, so an interrupted import is simply
run again. Importing the same bytes again for the same organisation adds nothing. A new version
of a list (same list name) is compared record by record through the re-import keys: new,
changed, unchanged; records of the list it no longer has are withdrawn (kept, marked), and the
open quarantine of its earlier versions is closed. Audit events carry counts, never values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from refuge.domain.errors import Conflict, InvalidInput
from refuge.domain.ids import time_ordered_id
from refuge.intake.fields import IntakeField
from refuge.intake.keys import RecordKey, RecordKeys, SealedRecord
from refuge.intake.mappings import corrected_row, mapping_to_data
from refuge.intake.ports import (
    ImportedFile,
    IntakeUnitOfWork,
    KnownRecord,
    Origin,
    QuarantinedRow,
    QuarantineEntry,
    QuarantineStatus,
    QuarantineWrite,
    RecordWrite,
)
from refuge.intake.profiles import ColumnMapping, Profile
from refuge.intake.records import FieldProblem, IntakeRecord, RejectedRow, Severity
from refuge.intake.report import IntakeReport
from refuge.intake.services import Progress, read_list
from refuge.intake.sources import Limits
from refuge.intake.sweeps import sweep, young_sweeps
from refuge.intake.validation import check_row

__all__ = [
    "DEFAULT_BATCH",
    "Correction",
    "ImportOutcome",
    "correct_quarantined",
    "import_list",
    "list_quarantine",
    "show_quarantined",
    "shred_imported_file",
]

DEFAULT_BATCH: Final = 2000


@dataclass(slots=True)
class ImportOutcome:
    """What an import did. `already` is the earlier import of the same bytes, when there was
    one (then nothing else happened and `report` is None)."""

    file: ImportedFile
    report: IntakeReport | None
    already: bool = False
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    quarantined: int = 0
    reapplied: int = 0  # rejected rows accepted by re-applying an earlier correction
    quarantine_resolved: int = 0
    quarantine_replaced: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "quarantined": self.quarantined,
            "corrections_reapplied": self.reapplied,
            "quarantine_resolved": self.quarantine_resolved,
            "quarantine_replaced": self.quarantine_replaced,
        }

    def render(self) -> str:
        """A summary for a terminal or a log, after the row-level report."""
        file = self.file
        if self.already:
            return (
                f"file {file.file} (sha256 {file.content_hash[:12]}) was imported already for "
                f"organisation {file.organisation} on {file.imported_at:%Y-%m-%d %H:%M} UTC "
                f"(import {file.id}); nothing added"
            )
        lines = [
            f"Stored as import {file.id} of list {file.list_name} for organisation "
            f"{file.organisation}:",
            f"  records: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.withdrawn} withdrawn (no longer on the list)",
            f"  quarantined: {self.quarantined} rows"
            + (
                f"; {self.reapplied} rows accepted by earlier corrections" if self.reapplied else ""
            ),
        ]
        if self.quarantine_resolved or self.quarantine_replaced:
            lines.append(
                f"  quarantine of earlier versions: {self.quarantine_resolved} rows resolved, "
                f"{self.quarantine_replaced} still wrong and quarantined again"
            )
        return "\n".join(lines)


def import_list(
    uow: IntakeUnitOfWork,
    path: Path,
    *,
    organisation: str,
    actor: str,
    now: dt.datetime,
    profile: Profile | None = None,
    profiles: Iterable[Profile] = (),
    sheet: str | None = None,
    list_name: str | None = None,
    limits: Limits | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    today: dt.date | None = None,
    batch: int = DEFAULT_BATCH,
    background: bool = False,
) -> ImportOutcome:
    """Import the list at `path` for `organisation` (see the module docstring).

    NotFound if the organisation is unknown; InvalidInput for a file that cannot be read as a
    list. Rows are stored `batch` at a time, so memory does not grow with the file. With
    `background`, the list is read in a process of its own while the rows read are stored (see
    read_list): the same outcome, sooner on a machine with a core to spare.
    """
    if not path.is_file():
        raise InvalidInput(f"file {path.name}: not found or not a file")
    today = today or now.date()
    with uow:
        uow.organisations.get(organisation)
        run = read_list(
            path,
            organisation=organisation,
            profile=profile,
            profiles=profiles,
            sheet=sheet,
            limits=limits,
            on_progress=on_progress,
            today=today,
            background=background,
            keys=uow.intake.record_keys,
            seal=uow.intake.sealer,
        )
        earlier = uow.intake.find_file(organisation, run.report.content_hash)
        if earlier is not None:
            return ImportOutcome(earlier, None, already=True)
        file = ImportedFile(
            id=uuid.uuid4(),
            organisation=organisation,
            list_name=list_name or path.name,
            file=path.name,
            content_hash=run.report.content_hash,
            imported_at=now,
            actor=actor,
        )
        uow.intake.add_file(file)
        storing = _Storing(uow, file, run.mappings, today)
        accepted: list[tuple[IntakeRecord, RecordKey | None, SealedRecord | None]] = []
        rejected: list[RejectedRow] = []
        with young_sweeps():
            for result, key, sealed in run.prepared():
                if isinstance(result, IntakeRecord):
                    accepted.append((result, key, sealed))
                else:
                    rejected.append(result)
                if len(accepted) + len(rejected) >= batch:
                    storing.store(accepted, rejected)
                    accepted, rejected = [], []
                    sweep()
            storing.store(accepted, rejected)
        outcome = storing.outcome
        outcome.report = run.report
        outcome.withdrawn = uow.intake.withdraw_unseen(file, now)
        resolved, replaced = uow.intake.close_quarantined(file, now)
        outcome.quarantine_resolved, outcome.quarantine_replaced = resolved, replaced
        report = run.report
        counts = {
            "read": report.read,
            "accepted": report.accepted,
            "rejected": report.rejected,
            "blank": report.blank,
            **outcome.counts,
        }
        file = dataclasses.replace(
            file, mappings=tuple(mapping_to_data(m) for m in run.mappings.values()), counts=counts
        )
        uow.intake.finish_file(file.id, counts, file.mappings)
        outcome.file = file
        uow.audit.record(
            actor=actor,
            action="intake.import",
            object_kind="intake_file",
            object_id=str(file.id),
            at=now,
            details={
                "organisation": organisation,
                "list": file.list_name,
                "sha256": file.content_hash,
                **counts,
            },
        )
        uow.commit()
    return outcome


class _Storing:
    """Stores one file's results batch by batch, keeping the few facts that span batches."""

    def __init__(
        self,
        uow: IntakeUnitOfWork,
        file: ImportedFile,
        mappings: Mapping[str | None, ColumnMapping],
        today: dt.date,
    ) -> None:
        self.uow = uow
        self.file = file
        self.mappings = mappings
        self.today = today
        self.keys: RecordKeys = uow.intake.record_keys
        self.outcome = ImportOutcome(file, None)
        # Identities met in this file (their first 64 bits), and how often the repeated ones
        # were: a row repeated in a list is kept as a record of its own, under its occurrence.
        self._met: set[int] = set()
        self._repeats: dict[str, int] = {}
        # An organisation's first list: identities are unique within a file, so none can be
        # known, and looking them up in a table growing inside this transaction (its planner
        # statistics still those of an empty table) would cost more with every batch.
        self._first_list = not uow.intake.has_records(file.organisation)

    def _identity(self, identity: str) -> str:
        short = int(identity[:16], 16)
        if short not in self._met:
            self._met.add(short)
            return identity
        occurrence = self._repeats.get(identity, 1) + 1
        self._repeats[identity] = occurrence
        return hashlib.sha256(f"{identity}:{occurrence}".encode()).hexdigest()

    def store(
        self,
        accepted: list[tuple[IntakeRecord, RecordKey | None, SealedRecord | None]],
        rejected: list[RejectedRow],
    ) -> None:
        """Store a batch: accepted records with their re-import keys and sealed forms when the
        reader worked them out (else they are worked out here), rejected rows quarantined."""
        repo = self.uow.intake
        outcome = self.outcome
        quarantine: list[QuarantineWrite] = []
        reapplied: list[IntakeRecord] = []
        if rejected:
            digests = [repo.values_digest(row.values) for row in rejected]
            earlier = repo.corrections_for(self.file.organisation, digests)
            for row, digest in zip(rejected, digests, strict=True):
                fixed = self._reapply(row, earlier.get(digest))
                if fixed is None:
                    quarantine.append(QuarantineWrite(uuid.uuid4(), row, digest))
                else:
                    reapplied.append(fixed)
            repo.add_quarantined(self.file, quarantine)
            outcome.quarantined += len(quarantine)
            outcome.reapplied += len(reapplied)
        writes = [(record, key, sealed, Origin.LIST) for record, key, sealed in accepted] + [
            (record, None, None, Origin.CORRECTION) for record in reapplied
        ]
        if not writes:
            return
        keyed = []
        for record, given, sealed, origin in writes:
            key = given or self.keys.key(record)
            record_id = sealed.id if sealed is not None else time_ordered_id()
            identity = self._identity(key.identity)
            keyed.append(RecordWrite(record_id, identity, key, record, origin, sealed))
        known: Mapping[str, KnownRecord] = (
            {}
            if self._first_list
            else repo.known(self.file.organisation, [w.identity for w in keyed])
        )
        new: list[RecordWrite] = []
        changed: list[RecordWrite] = []
        seen = []
        for write in keyed:
            stored: KnownRecord | None = known.get(write.identity)
            if stored is None:
                new.append(write)
            elif stored.content == write.key.content and not (stored.withdrawn or stored.shredded):
                seen.append((stored.id, write.record.provenance))
            else:
                changed.append(
                    RecordWrite(stored.id, write.identity, write.key, write.record, write.origin)
                )
        repo.add_records(self.file, new)
        repo.replace_records(self.file, changed)
        repo.mark_seen(self.file, seen)
        outcome.new += len(new)
        outcome.changed += len(changed)
        outcome.unchanged += len(seen)

    def _reapply(
        self, row: RejectedRow, corrections: Mapping[IntakeField, str] | None
    ) -> IntakeRecord | None:
        mapping = self.mappings.get(row.provenance.sheet)
        if not corrections or mapping is None:
            return None
        source, rebuilt = corrected_row(row.provenance, row.values, mapping, corrections)
        checked = check_row(source, rebuilt, self.file.organisation, today=self.today)
        return checked if isinstance(checked, IntakeRecord) else None


# -- the quarantine ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Correction:
    """What a correction did: the row's problems now (errors left mean it is still quarantined)
    and the record it became, once accepted."""

    entry: QuarantineEntry
    problems: tuple[FieldProblem, ...]
    record_id: uuid.UUID | None = None
    new_record: bool = False

    @property
    def accepted(self) -> bool:
        return self.record_id is not None


def list_quarantine(
    uow: IntakeUnitOfWork, organisation: str | None = None, *, open_only: bool = True
) -> list[QuarantineEntry]:
    """Quarantined rows by file, sheet and row, with their problems; never their values."""
    with uow:
        if organisation is not None:
            uow.organisations.get(organisation)
        return uow.intake.quarantined(organisation, open_only=open_only)


def show_quarantined(
    uow: IntakeUnitOfWork, entry_id: uuid.UUID, *, actor: str, now: dt.datetime
) -> QuarantinedRow:
    """A quarantined row with its original values and corrections, for whoever corrects it.
    Personal data leaves the database here, so the viewing is audited (who, which row)."""
    with uow:
        row = uow.intake.open_quarantined(entry_id)
        uow.audit.record(
            actor=actor,
            action="intake.quarantine.view",
            object_kind="intake_quarantine",
            object_id=str(entry_id),
            at=now,
        )
        uow.commit()
    return row


def correct_quarantined(
    uow: IntakeUnitOfWork,
    entry_id: uuid.UUID,
    corrections: Mapping[str, str],
    *,
    actor: str,
    now: dt.datetime,
    today: dt.date | None = None,
) -> Correction:
    """Correct fields of a quarantined row and check it again with its sheet's mapping, with the
    corrections made before. Accepted, it becomes a record (or updates the one it was); rejected,
    the corrections are kept and the remaining problems returned. Either way an audit event
    names the fields corrected, never their values."""
    fields: dict[IntakeField, str] = {}
    for name, value in corrections.items():
        try:
            fields[IntakeField(name)] = value
        except ValueError:
            known = ", ".join(f.value for f in IntakeField)
            raise InvalidInput(
                f"quarantined row {entry_id}: unknown field {name} (known: {known})"
            ) from None
    if not fields:
        raise InvalidInput(f"quarantined row {entry_id}: no field to correct")
    with uow:
        row = uow.intake.open_quarantined(entry_id)
        entry = row.entry
        if entry.status is not QuarantineStatus.OPEN:
            raise Conflict(f"quarantined row {entry_id} is {entry.status}, not open")
        merged = {**row.corrections, **fields}
        source, rebuilt = corrected_row(row.provenance, row.values, row.mapping, merged)
        checked = check_row(source, rebuilt, entry.organisation, today=today or now.date())
        record_id: uuid.UUID | None = None
        new_record = False
        if isinstance(checked, IntakeRecord):
            key = uow.intake.record_keys.key(checked)
            file = ImportedFile(
                entry.file_id,
                entry.organisation,
                entry.list_name,
                entry.file,
                row.provenance.content_hash,
                now,
                actor,
            )
            stored = uow.intake.known(entry.organisation, [key.identity]).get(key.identity)
            write = RecordWrite(
                stored.id if stored else time_ordered_id(),
                key.identity,
                key,
                checked,
                Origin.CORRECTION,
            )
            if stored is None:
                uow.intake.add_records(file, [write])
                new_record = True
            else:
                uow.intake.replace_records(file, [write])
            record_id = write.id
            problems = checked.warnings
        else:
            problems = checked.problems
        uow.intake.save_correction(entry_id, merged, problems, record_id, now)
        uow.audit.record(
            actor=actor,
            action="intake.quarantine.correct",
            object_kind="intake_quarantine",
            object_id=str(entry_id),
            at=now,
            details={
                "fields": " ".join(sorted(f.value for f in fields)),
                "accepted": record_id is not None,
                "errors": sum(1 for p in problems if p.severity is Severity.ERROR),
            },
        )
        uow.commit()
    return Correction(entry, tuple(problems), record_id, new_record)


def shred_imported_file(
    uow: IntakeUnitOfWork, file_id: uuid.UUID, *, actor: str, now: dt.datetime, reason_code: str
) -> int:
    """Destroy the data keys of every record and quarantined row whose data came from this
    file: they become unreadable for good. Returns how many."""
    with uow:
        shredded = uow.intake.shred_file(file_id, now)
        uow.audit.record(
            actor=actor,
            action="intake.shred",
            object_kind="intake_file",
            object_id=str(file_id),
            at=now,
            details={"shredded": shredded, "reason": reason_code},
        )
        uow.commit()
    return shredded
