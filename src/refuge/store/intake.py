"""Stored intake: imported files, source records and the quarantine of rejected rows, as tables,
and the repository over them.

A source record is not in a household yet, so it has a data key of its own, wrapped by the KEK
(like a household's); so has each quarantined row. All personal values of a record (names,
date of birth, document and phone numbers, the organisation's references, notes, unmapped
values) are one AES-GCM ciphertext bound to the record's row; a quarantined row's original
values and corrections likewise. In clear stay what counting and matching's blocking may use
and what does not single a person out: sex, nationalities, the precision of the date of birth,
the script of the name, the relationship, the warnings (which never quote values), and keyed
digests: the re-import key, and blind indexes of document and phone numbers.

Shredding a file destroys the data keys of the records and rows whose data came from it, and
their blind indexes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import operator
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from psycopg import sql
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column

from refuge.domain import (
    DataShredded,
    KeyUnavailable,
    NotFound,
    PartialDate,
    PersonName,
    Relationship,
    Script,
    Sex,
    time_ordered_id,
)
from refuge.intake import (
    FieldProblem,
    ImportedFile,
    IntakeField,
    IntakeRecord,
    KnownRecord,
    Origin,
    Provenance,
    QuarantinedRow,
    QuarantineEntry,
    QuarantineStatus,
    QuarantineWrite,
    RecordKeys,
    RecordWrite,
    SealedRecord,
    Sealer,
    Severity,
    SourceRecord,
    WrittenName,
    json_text,
    mapping_from_data,
)
from refuge.protect import DataKey
from refuge.store.models import Base
from refuge.store.work import Work, chunks, translating

__all__ = [
    "IntakeFileRow",
    "IntakeIdentifierRow",
    "IntakeQuarantineRow",
    "IntakeRecordRow",
    "SqlIntakeRepository",
]

_READ_BATCH = 1000


class IntakeFileRow(Base):
    __tablename__ = "intake_files"
    __table_args__ = (
        UniqueConstraint("organisation", "content_hash", name="uq_intake_files_organisation_hash"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisations.code"), index=True)
    list_name: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    # Each sheet's column mapping (header texts, indices, options): no value from the list.
    mappings: Mapped[list[Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class IntakeRecordRow(Base):
    __tablename__ = "intake_records"
    __table_args__ = (
        UniqueConstraint(
            "organisation", "identity", name="uq_intake_records_organisation_identity"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    identity: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(16))
    list_name: Mapped[str] = mapped_column(String(255))
    # The file (and place in it) the record's current data came from.
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intake_files.id"), index=True)
    sheet: Mapped[str | None] = mapped_column(String(255))
    row: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16))
    withdrawn_at: Mapped[dt.datetime | None]
    name_script: Mapped[str] = mapped_column(String(8))
    sex: Mapped[str] = mapped_column(String(1))
    nationalities: Mapped[str] = mapped_column(String(200))
    date_of_birth_precision: Mapped[str] = mapped_column(String(12))
    relationship: Mapped[str | None] = mapped_column(String(20))
    warnings: Mapped[list[Any]] = mapped_column(JSON)
    kek_id: Mapped[str] = mapped_column(String(32))
    wrapped_key: Mapped[bytes | None]
    fields_enc: Mapped[bytes]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


Index("ix_intake_records_list", IntakeRecordRow.organisation, IntakeRecordRow.list_name)


class IntakeIdentifierRow(Base):
    """Blind-index digests of a record's document and phone numbers, for exact look-up."""

    __tablename__ = "intake_identifiers"

    record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intake_records.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(String(64), index=True)


class IntakeQuarantineRow(Base):
    __tablename__ = "intake_quarantine"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    list_name: Mapped[str] = mapped_column(String(255))
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intake_files.id"), index=True)
    sheet: Mapped[str | None] = mapped_column(String(255))
    row: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    problems: Mapped[list[Any]] = mapped_column(JSON)
    corrected_fields: Mapped[list[Any]] = mapped_column(JSON)
    values_digest: Mapped[str] = mapped_column(String(64), index=True)
    kek_id: Mapped[str] = mapped_column(String(32))
    wrapped_key: Mapped[bytes | None]
    values_enc: Mapped[bytes]
    corrections_enc: Mapped[bytes | None]
    record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("intake_records.id"))
    created_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]


Index(
    "ix_intake_quarantine_list",
    IntakeQuarantineRow.organisation,
    IntakeQuarantineRow.list_name,
    IntakeQuarantineRow.status,
)


class SqlIntakeRepository:
    """Implements `refuge.intake.ports.IntakeRepository`."""

    def __init__(self, work: Work) -> None:
        self._work = work
        self._record_keys = RecordKeys(work.kek.subkey("intake-record-keys"))
        self._digest_key = work.kek.subkey("intake-quarantine")

    @property
    def record_keys(self) -> RecordKeys:
        return self._record_keys

    def values_digest(self, values: Sequence[tuple[str, str]]) -> str:
        material = json.dumps([list(pair) for pair in values], ensure_ascii=False).encode()
        return hmac.new(self._digest_key, material, hashlib.sha256).hexdigest()

    def _insert(self, model: type[Base], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self._work.dialect == "postgresql":
            self._copy(_table(model).name, rows)
        else:
            self._executemany(_table(model), rows)

    def _executemany(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """SQLite: one driver-level executemany, each value bound by its column type's own
        processor as SQLAlchemy's statement path would bind it, and a value every row shares
        bound once. The statement path spent as long preparing parameters as SQLite storing."""
        connection = self._work.session.connection()
        dialect = connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
        columns = list(compiled.positiontup or ())  # the statement's parameters, in order
        # Column by column (each processor mapped over its column), then zipped into rows.
        bound: list[Iterable[Any]] = []
        for name in columns:
            column_type = table.c[name].type
            # sqlite3 binds bytes as a BLOB as they are; the processor would wrap each in a view.
            processor = (
                None
                if isinstance(column_type, LargeBinary)
                else column_type.dialect_impl(dialect).bind_processor(dialect)
            )
            column = [row[name] for row in rows]
            first = column[0]
            if all(map(operator.is_, column, itertools.repeat(first))):
                bound.append(itertools.repeat(processor(first) if processor else first, len(rows)))
            elif processor is not None and isinstance(column_type, JSON):
                # A value shared by many rows (warnings, mostly none) is written once.
                written: dict[int, Any] = {}
                bound.append(
                    [
                        written[id(value)]
                        if id(value) in written
                        else written.setdefault(id(value), processor(value))
                        for value in column
                    ]
                )
            else:
                bound.append(list(map(processor, column)) if processor else column)
        connection.exec_driver_sql(compiled.string, list(zip(*bound, strict=True)))

    def _copy(self, table: str, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: COPY the rows in, in this transaction; several times quicker than an
        INSERT per row, which is what a long list costs otherwise."""
        columns = list(rows[0])
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        connection = self._work.session.connection().connection.driver_connection
        if connection is None:  # typed optional; a connection in a transaction always has one
            raise RuntimeError("no database connection in this unit of work")
        with (
            translating(f"writing {table}"),
            connection.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row([_copyable(row[column]) for column in columns])

    # -- files ---------------------------------------------------------------------------------

    def find_file(self, organisation: str, content_hash: str) -> ImportedFile | None:
        row = self._work.session.scalars(
            select(IntakeFileRow).where(
                IntakeFileRow.organisation == organisation,
                IntakeFileRow.content_hash == content_hash,
            )
        ).first()
        return _file(row) if row is not None else None

    def add_file(self, file: ImportedFile) -> None:
        with translating(
            f"storing import of file {file.file}",
            exists=f"file {file.file} was imported already for {file.organisation}",
        ):
            self._work.session.execute(
                insert(IntakeFileRow).values(
                    id=file.id,
                    organisation=file.organisation,
                    list_name=file.list_name,
                    file_name=file.file,
                    content_hash=file.content_hash,
                    imported_at=file.imported_at,
                    actor=file.actor,
                    mappings=[dict(m) for m in file.mappings],
                    counts=dict(file.counts),
                )
            )

    def finish_file(
        self,
        file_id: uuid.UUID,
        counts: Mapping[str, int],
        mappings: Sequence[Mapping[str, Any]],
    ) -> None:
        self._work.change(
            update(IntakeFileRow)
            .where(IntakeFileRow.id == file_id)
            .values(counts=dict(counts), mappings=[dict(m) for m in mappings])
        )

    def files(self, organisation: str | None = None) -> list[ImportedFile]:
        query = select(IntakeFileRow).order_by(IntakeFileRow.imported_at, IntakeFileRow.file_name)
        if organisation is not None:
            query = query.where(IntakeFileRow.organisation == organisation)
        return [_file(row) for row in self._work.session.scalars(query)]

    # -- records -------------------------------------------------------------------------------

    def has_records(self, organisation: str) -> bool:
        query = select(IntakeRecordRow.id).where(IntakeRecordRow.organisation == organisation)
        return self._work.session.scalars(query.limit(1)).first() is not None

    def known(self, organisation: str, identities: Sequence[str]) -> Mapping[str, KnownRecord]:
        found: dict[str, KnownRecord] = {}
        session = self._work.session
        for part in chunks(list(identities)):
            rows = session.execute(
                select(
                    IntakeRecordRow.identity,
                    IntakeRecordRow.id,
                    IntakeRecordRow.content,
                    IntakeRecordRow.withdrawn_at,
                    IntakeRecordRow.wrapped_key.is_(None),
                ).where(
                    IntakeRecordRow.organisation == organisation,
                    IntakeRecordRow.identity.in_(part),
                )
            )
            for identity, record_id, content, withdrawn_at, shredded in rows:
                found[identity] = KnownRecord(
                    record_id, content, withdrawn_at is not None, shredded
                )
        return found

    def add_records(self, file: ImportedFile, writes: Sequence[RecordWrite]) -> None:
        if not writes:
            return
        rows, identifiers = self._record_rows(file, writes)
        stamp = file.imported_at
        for row in rows:
            row["created_at"] = stamp
        with translating(f"storing the records of file {file.file}"):
            self._insert(IntakeRecordRow, rows)
            self._insert(IntakeIdentifierRow, identifiers)

    def replace_records(self, file: ImportedFile, writes: Sequence[RecordWrite]) -> None:
        if not writes:
            return
        rows, identifiers = self._record_rows(file, writes)
        work = self._work
        with translating(f"updating the records of file {file.file}"):
            ids = [row["id"] for row in rows]
            for part in chunks(ids):
                work.change(
                    delete(IntakeIdentifierRow).where(IntakeIdentifierRow.record_id.in_(part))
                )
            for row in rows:
                del row["organisation"]
            work.session.execute(update(IntakeRecordRow), rows)
            self._insert(IntakeIdentifierRow, identifiers)

    def mark_seen(self, file: ImportedFile, seen: Sequence[tuple[uuid.UUID, Provenance]]) -> None:
        if not seen:
            return
        rows = [
            {
                "id": record_id,
                "file_id": file.id,
                "list_name": file.list_name,
                "sheet": provenance.sheet,
                "row": provenance.row,
            }
            for record_id, provenance in seen
        ]
        if self._work.dialect == "postgresql":
            self._seen_by_copy(file, rows)
            return
        with translating(f"noting the unchanged records of file {file.file}"):
            self._work.session.execute(update(IntakeRecordRow), rows)

    def _seen_by_copy(self, file: ImportedFile, rows: list[dict[str, Any]]) -> None:
        # One UPDATE joined to the places COPYed into a scratch table, instead of one per row.
        session = self._work.session
        with translating(f"noting the unchanged records of file {file.file}"):
            session.execute(
                text(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS intake_seen "
                    "(id uuid PRIMARY KEY, sheet varchar(255), row integer) ON COMMIT DROP"
                )
            )
            session.execute(text("TRUNCATE intake_seen"))
        self._copy("intake_seen", [{k: r[k] for k in ("id", "sheet", "row")} for r in rows])
        with translating(f"noting the unchanged records of file {file.file}"):
            session.execute(
                text(
                    "UPDATE intake_records AS r SET file_id = :file_id, list_name = :list_name, "
                    "sheet = s.sheet, row = s.row FROM intake_seen AS s WHERE r.id = s.id"
                ),
                {"file_id": file.id, "list_name": file.list_name},
            )

    def withdraw_unseen(self, file: ImportedFile, at: dt.datetime) -> int:
        return self._work.change(
            update(IntakeRecordRow)
            .where(
                IntakeRecordRow.organisation == file.organisation,
                IntakeRecordRow.list_name == file.list_name,
                IntakeRecordRow.withdrawn_at.is_(None),
                IntakeRecordRow.file_id != file.id,
            )
            .values(withdrawn_at=at, updated_at=at)
        )

    @property
    def sealer(self) -> Sealer:
        return self._seal

    def _seal(self, record: IntakeRecord) -> SealedRecord:
        return self._sealed(record, time_ordered_id())

    def _sealed(self, record: IntakeRecord, record_id: uuid.UUID) -> SealedRecord:
        """`record` sealed for storing under `record_id`: a data key of its own wrapped by the
        KEK, its personal values encrypted under that key and bound to the id, and the blind
        indexes of its numbers."""
        kek = self._work.kek
        index = self._work.blind_index
        key = DataKey.generate()
        identifiers: list[tuple[str, int, str]] = []
        if record.passport_number:
            identifiers.append(("passport", 0, index.document(record.passport_number)))
        if record.tazkira_number:
            identifiers.append(("tazkira", 0, index.document(record.tazkira_number)))
        for position, phone in enumerate(record.phones):
            identifiers.append(("phone", position, index.phone(phone)))
        return SealedRecord(
            record_id,
            kek.kek_id,
            kek.wrap(key.secret, record_id),
            key.encrypt(_sealed_fields(record), _context(record_id)),
            tuple(identifiers),
        )

    def _record_rows(
        self, file: ImportedFile, writes: Sequence[RecordWrite]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows: list[dict[str, Any]] = []
        identifiers: list[dict[str, Any]] = []
        for write in writes:
            record = write.record
            sealed = write.sealed
            if sealed is None or sealed.id != write.id:  # sealed for another id: not this one's
                sealed = self._sealed(record, write.id)
            where = record.provenance
            rows.append(
                {
                    "id": write.id,
                    "organisation": file.organisation,
                    "identity": write.identity,
                    "content": write.key.content,
                    "basis": write.key.basis,
                    "list_name": file.list_name,
                    "file_id": file.id,
                    "sheet": where.sheet,
                    "row": where.row,
                    "origin": write.origin.value,
                    "withdrawn_at": None,
                    "name_script": record.name.script.value,
                    "sex": record.sex.value,
                    "nationalities": " ".join(record.nationalities),
                    "date_of_birth_precision": record.date_of_birth.precision.value,
                    "relationship": record.relationship.value if record.relationship else None,
                    "warnings": _warnings_data(record.warnings),
                    "kek_id": sealed.kek_id,
                    "wrapped_key": sealed.wrapped_key,
                    "fields_enc": sealed.fields,
                    "updated_at": file.imported_at,
                }
            )
            identifiers.extend(
                {"record_id": write.id, "kind": kind, "position": position, "digest": digest}
                for kind, position, digest in sealed.identifiers
            )
        return rows, identifiers

    def records(
        self, organisation: str | None = None, *, withdrawn: bool = False
    ) -> Iterator[SourceRecord]:
        query = (
            select(IntakeRecordRow, IntakeFileRow.file_name, IntakeFileRow.content_hash)
            .join(IntakeFileRow, IntakeFileRow.id == IntakeRecordRow.file_id)
            .where(IntakeRecordRow.wrapped_key.is_not(None))
            .order_by(IntakeRecordRow.organisation, IntakeRecordRow.id)
            .execution_options(yield_per=_READ_BATCH)
        )
        if organisation is not None:
            query = query.where(IntakeRecordRow.organisation == organisation)
        if not withdrawn:
            query = query.where(IntakeRecordRow.withdrawn_at.is_(None))
        kek = self._work.kek
        for row, file_name, content_hash in self._work.session.execute(query):
            if row.kek_id != kek.kek_id:
                raise KeyUnavailable(
                    f"source record {row.id} is sealed under key-encryption key {row.kek_id}, "
                    f"not the loaded key {kek.kek_id}"
                )
            wrapped = row.wrapped_key
            if wrapped is None:  # shredded between the query and this row
                continue
            key = DataKey(kek.unwrap(wrapped, row.id))
            data = json.loads(key.decrypt(row.fields_enc, _context(row.id)))
            provenance = Provenance(row.organisation, file_name, content_hash, row.sheet, row.row)
            yield SourceRecord(
                row.id,
                row.list_name,
                Origin(row.origin),
                row.withdrawn_at is not None,
                _record(row, data, provenance),
            )

    def find_by_document(self, number: str) -> list[uuid.UUID]:
        digest = self._work.blind_index.document(number)
        return self._with_digest(digest, ("passport", "tazkira"))

    def find_by_phone(self, e164: str) -> list[uuid.UUID]:
        return self._with_digest(self._work.blind_index.phone(e164), ("phone",))

    def _with_digest(self, digest: str, kinds: tuple[str, ...]) -> list[uuid.UUID]:
        found = self._work.session.scalars(
            select(IntakeIdentifierRow.record_id)
            .distinct()
            .where(IntakeIdentifierRow.digest == digest, IntakeIdentifierRow.kind.in_(kinds))
        )
        return sorted(found, key=str)

    # -- quarantine ----------------------------------------------------------------------------

    def add_quarantined(self, file: ImportedFile, writes: Sequence[QuarantineWrite]) -> None:
        if not writes:
            return
        kek = self._work.kek
        rows = []
        for write in writes:
            key = DataKey.generate()
            rejected = write.rejected
            values = json_text([list(pair) for pair in rejected.values])
            rows.append(
                {
                    "id": write.id,
                    "organisation": file.organisation,
                    "list_name": file.list_name,
                    "file_id": file.id,
                    "sheet": rejected.provenance.sheet,
                    "row": rejected.provenance.row,
                    "status": QuarantineStatus.OPEN.value,
                    "problems": [_problem_data(p) for p in rejected.problems],
                    "corrected_fields": [],
                    "values_digest": write.digest,
                    "kek_id": kek.kek_id,
                    "wrapped_key": kek.wrap(key.secret, write.id),
                    "values_enc": key.encrypt(values, _quarantine_context(write.id, "values")),
                    "corrections_enc": None,
                    "record_id": None,
                    "created_at": file.imported_at,
                    "closed_at": None,
                }
            )
        with translating(f"quarantining rows of file {file.file}"):
            self._insert(IntakeQuarantineRow, rows)

    def corrections_for(
        self, organisation: str, digests: Sequence[str]
    ) -> Mapping[str, Mapping[IntakeField, str]]:
        found: dict[str, Mapping[IntakeField, str]] = {}
        session = self._work.session
        for part in chunks(list(dict.fromkeys(digests))):
            rows = session.scalars(
                select(IntakeQuarantineRow)
                .where(
                    IntakeQuarantineRow.organisation == organisation,
                    IntakeQuarantineRow.values_digest.in_(part),
                    IntakeQuarantineRow.status == QuarantineStatus.CORRECTED.value,
                    IntakeQuarantineRow.wrapped_key.is_not(None),
                )
                .order_by(IntakeQuarantineRow.closed_at)
            )
            for row in rows:
                found[row.values_digest] = self._corrections(row, self._key(row))
        return found

    def close_quarantined(self, file: ImportedFile, at: dt.datetime) -> tuple[int, int]:
        older = and_(
            IntakeQuarantineRow.organisation == file.organisation,
            IntakeQuarantineRow.list_name == file.list_name,
            IntakeQuarantineRow.status == QuarantineStatus.OPEN.value,
            IntakeQuarantineRow.file_id != file.id,
        )
        again = aliased(IntakeQuarantineRow)
        same_row_again = exists().where(
            again.file_id == file.id, again.values_digest == IntakeQuarantineRow.values_digest
        )
        replaced = self._work.change(
            update(IntakeQuarantineRow)
            .where(older, same_row_again)
            .values(status=QuarantineStatus.REPLACED.value, closed_at=at)
        )
        resolved = self._work.change(
            update(IntakeQuarantineRow)
            .where(older)
            .values(status=QuarantineStatus.RESOLVED.value, closed_at=at)
        )
        return resolved, replaced

    def quarantined(
        self, organisation: str | None = None, *, open_only: bool = True
    ) -> list[QuarantineEntry]:
        query = (
            select(IntakeQuarantineRow, IntakeFileRow.file_name)
            .join(IntakeFileRow, IntakeFileRow.id == IntakeQuarantineRow.file_id)
            .order_by(
                IntakeFileRow.imported_at,
                IntakeFileRow.file_name,
                IntakeQuarantineRow.sheet,
                IntakeQuarantineRow.row,
            )
        )
        if organisation is not None:
            query = query.where(IntakeQuarantineRow.organisation == organisation)
        if open_only:
            query = query.where(IntakeQuarantineRow.status == QuarantineStatus.OPEN.value)
        return [_entry(row, name) for row, name in self._work.session.execute(query)]

    def open_quarantined(self, entry_id: uuid.UUID) -> QuarantinedRow:
        found = self._work.session.execute(
            select(IntakeQuarantineRow, IntakeFileRow)
            .join(IntakeFileRow, IntakeFileRow.id == IntakeQuarantineRow.file_id)
            .where(IntakeQuarantineRow.id == entry_id)
        ).first()
        if found is None:
            raise NotFound(f"quarantined row {entry_id} not found")
        row, file = found
        key = self._key(row)
        values = json.loads(key.decrypt(row.values_enc, _quarantine_context(row.id, "values")))
        mapping_data = next((m for m in file.mappings if m.get("sheet") == row.sheet), None)
        if mapping_data is None:
            raise NotFound(f"file {file.file_name}: no stored mapping for the row's sheet")
        provenance = Provenance(
            row.organisation, file.file_name, file.content_hash, row.sheet, row.row
        )
        return QuarantinedRow(
            _entry(row, file.file_name),
            provenance,
            tuple((str(label), str(text)) for label, text in values),
            self._corrections(row, key),
            mapping_from_data(mapping_data, file.file_name),
        )

    def save_correction(
        self,
        entry_id: uuid.UUID,
        corrections: Mapping[IntakeField, str],
        problems: Sequence[FieldProblem],
        record_id: uuid.UUID | None,
        at: dt.datetime,
    ) -> None:
        row = self._work.session.get(IntakeQuarantineRow, entry_id)
        if row is None:
            raise NotFound(f"quarantined row {entry_id} not found")
        key = self._key(row)
        text = json.dumps({f.value: v for f, v in corrections.items()}, ensure_ascii=False)
        values: dict[str, Any] = {
            "corrections_enc": key.encrypt(text, _quarantine_context(entry_id, "corrections")),
            "corrected_fields": sorted(f.value for f in corrections),
            "problems": [_problem_data(p) for p in problems],
        }
        if record_id is not None:
            values.update(
                status=QuarantineStatus.CORRECTED.value, record_id=record_id, closed_at=at
            )
        with translating(f"saving the correction of quarantined row {entry_id}"):
            self._work.change(
                update(IntakeQuarantineRow)
                .where(IntakeQuarantineRow.id == entry_id)
                .values(**values)
            )

    def _key(self, row: IntakeQuarantineRow) -> DataKey:
        kek = self._work.kek
        if row.wrapped_key is None:
            raise DataShredded(f"quarantined row {row.id} was shredded; its values are gone")
        if row.kek_id != kek.kek_id:
            raise KeyUnavailable(
                f"quarantined row {row.id} is sealed under key-encryption key {row.kek_id}, "
                f"not the loaded key {kek.kek_id}"
            )
        return DataKey(kek.unwrap(row.wrapped_key, row.id))

    def _corrections(self, row: IntakeQuarantineRow, key: DataKey) -> dict[IntakeField, str]:
        if row.corrections_enc is None:
            return {}
        data = json.loads(
            key.decrypt(row.corrections_enc, _quarantine_context(row.id, "corrections"))
        )
        return {IntakeField(name): str(value) for name, value in data.items()}

    # -- shredding -----------------------------------------------------------------------------

    def shred_file(self, file_id: uuid.UUID, at: dt.datetime) -> int:
        work = self._work
        if work.session.get(IntakeFileRow, file_id) is None:
            raise NotFound(f"import {file_id} not found")
        records = list(
            work.session.scalars(
                select(IntakeRecordRow.id).where(
                    IntakeRecordRow.file_id == file_id, IntakeRecordRow.wrapped_key.is_not(None)
                )
            )
        )
        for part in chunks(records):
            work.change(delete(IntakeIdentifierRow).where(IntakeIdentifierRow.record_id.in_(part)))
        shredded = work.change(
            update(IntakeRecordRow)
            .where(IntakeRecordRow.file_id == file_id, IntakeRecordRow.wrapped_key.is_not(None))
            .values(wrapped_key=None, updated_at=at)
        )
        shredded += work.change(
            update(IntakeQuarantineRow)
            .where(
                IntakeQuarantineRow.file_id == file_id, IntakeQuarantineRow.wrapped_key.is_not(None)
            )
            .values(wrapped_key=None)
        )
        work.shredded_any = True
        return shredded

    def count_records(self, organisation: str | None = None) -> int:
        query = select(func.count()).select_from(IntakeRecordRow)
        if organisation is not None:
            query = query.where(IntakeRecordRow.organisation == organisation)
        return self._work.session.scalar(query) or 0


def _copyable(value: object) -> object:
    # COPY takes JSON columns as their text; everything else psycopg adapts as it is.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _table(model: type[Base]) -> Table:
    # Core INSERT on the table: one executemany, where the ORM's bulk path splits rows into
    # many smaller statements.
    return cast(Table, model.__table__)


# -- rows <-> values -----------------------------------------------------------------------------


def _context(record_id: uuid.UUID) -> str:
    return f"intake_record.fields:{record_id}"


def _quarantine_context(entry_id: uuid.UUID, what: str) -> str:
    return f"intake_quarantine.{what}:{entry_id}"


def _sealed_fields(record: IntakeRecord) -> str:
    name = record.name
    father = record.father_name
    return json_text(
        {
            "given": name.given,
            "family": name.family,
            "given_romanised": name.given_romanised,
            "family_romanised": name.family_romanised,
            "father": [father.written, father.romanised] if father else None,
            "date_of_birth": record.date_of_birth.iso(),
            "passport": record.passport_number,
            "tazkira": record.tazkira_number,
            "phones": record.phones,  # tuples are written as the arrays lists are
            "household_reference": record.household_reference,
            "program_hint": record.program_hint,
            "notes": record.notes,
            "source_id": record.source_id,
            "unmapped": record.unmapped,
        }
    )


def _record(row: IntakeRecordRow, data: dict[str, Any], provenance: Provenance) -> IntakeRecord:
    father = data["father"]
    return IntakeRecord(
        provenance=provenance,
        name=PersonName(
            data["given"],
            data["family"],
            Script(row.name_script),
            data["given_romanised"],
            data["family_romanised"],
        ),
        father_name=WrittenName(father[0], father[1]) if father else None,
        date_of_birth=PartialDate.parse_iso(data["date_of_birth"]),
        sex=Sex(row.sex),
        nationalities=tuple(row.nationalities.split()),
        passport_number=data["passport"],
        tazkira_number=data["tazkira"],
        phones=tuple(data["phones"]),
        household_reference=data["household_reference"],
        relationship=Relationship(row.relationship) if row.relationship else None,
        program_hint=data["program_hint"],
        notes=data["notes"],
        source_id=data["source_id"],
        unmapped=tuple((str(label), str(text)) for label, text in data["unmapped"]),
        warnings=tuple(_problem(p) for p in row.warnings),
    )


@lru_cache(maxsize=10_000)
def _warnings_data(warnings: tuple[FieldProblem, ...]) -> list[Any]:
    """A record's warnings as stored: one list (never changed) for each set of them, none the
    commonest, so that storing a batch writes each set's JSON once (see _executemany)."""
    return [_problem_data(p) for p in warnings]


def _problem_data(problem: FieldProblem) -> list[str | None]:
    return [problem.field, problem.problem, problem.severity.value, problem.column]


def _problem(data: list[Any]) -> FieldProblem:
    field, problem, severity, column = data
    return FieldProblem(str(field), str(problem), Severity(severity), column)


def _entry(row: IntakeQuarantineRow, file_name: str) -> QuarantineEntry:
    return QuarantineEntry(
        id=row.id,
        organisation=row.organisation,
        list_name=row.list_name,
        file_id=row.file_id,
        file=file_name,
        sheet=row.sheet,
        row=row.row,
        status=QuarantineStatus(row.status),
        problems=tuple(_problem(p) for p in row.problems),
        corrected_fields=tuple(str(f) for f in row.corrected_fields),
        record_id=row.record_id,
    )


def _file(row: IntakeFileRow) -> ImportedFile:
    return ImportedFile(
        id=row.id,
        organisation=row.organisation,
        list_name=row.list_name,
        file=row.file_name,
        content_hash=row.content_hash,
        imported_at=row.imported_at,
        actor=row.actor,
        mappings=tuple(row.mappings),
        counts={str(k): int(v) for k, v in row.counts.items()},
    )
