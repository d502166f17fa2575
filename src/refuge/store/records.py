"""What the service reads of intake and matching one object or one page at a time: lines of
source records (where each came from, no value), one record decrypted, the persons matching made
and their records, the row-level problems of one imported file. Implements
`refuge.accounts.ports.RecordReader`; the tables are intake's and matching's."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Row, Select, func, select

from refuge.accounts.ports import PersonLine, RecordLine, RowProblems
from refuge.domain import DataShredded, KeyUnavailable, NotFound
from refuge.intake import ImportedFile, Origin, Provenance, QuarantineEntry, SourceRecord
from refuge.protect import DataKey
from refuge.store.intake import (
    IntakeFileRow,
    IntakeQuarantineRow,
    IntakeRecordRow,
    _context,
    _entry,
    _file,
    _problem,
    _record,
)
from refuge.store.matching import MatchMembershipRow
from refuge.store.work import Work

__all__ = ["SqlRecordReader"]


class SqlRecordReader:
    def __init__(self, work: Work) -> None:
        self._work = work

    def _lines(self) -> Select[*tuple[Any, ...]]:
        return (
            select(
                IntakeRecordRow.id,
                IntakeRecordRow.organisation,
                IntakeRecordRow.list_name,
                IntakeRecordRow.file_id,
                IntakeFileRow.file_name,
                IntakeRecordRow.sheet,
                IntakeRecordRow.row,
                IntakeRecordRow.origin,
                IntakeRecordRow.withdrawn_at.is_not(None),
                IntakeRecordRow.wrapped_key.is_(None),
                MatchMembershipRow.person_id,
                MatchMembershipRow.household_id,
            )
            .join(IntakeFileRow, IntakeFileRow.id == IntakeRecordRow.file_id)
            .outerjoin(MatchMembershipRow, MatchMembershipRow.record_id == IntakeRecordRow.id)
        )

    def lines(
        self, *, organisation: str | None, limit: int, offset: int, withdrawn: bool = False
    ) -> list[RecordLine]:
        """Records by organisation, list, file and row: where each came from, no value."""
        query = self._lines()
        if organisation is not None:
            query = query.where(IntakeRecordRow.organisation == organisation)
        if not withdrawn:
            query = query.where(IntakeRecordRow.withdrawn_at.is_(None))
        query = query.order_by(
            IntakeRecordRow.organisation,
            IntakeRecordRow.list_name,
            IntakeFileRow.file_name,
            IntakeRecordRow.sheet,
            IntakeRecordRow.row,
            IntakeRecordRow.id,
        )
        rows = self._work.session.execute(query.limit(limit).offset(offset))
        return [_line(row) for row in rows]

    def line(self, record_id: uuid.UUID) -> RecordLine:
        row = self._work.session.execute(
            self._lines().where(IntakeRecordRow.id == record_id)
        ).first()
        if row is None:
            raise NotFound(f"source record {record_id} not found")
        return _line(row)

    def of_person(self, person_id: uuid.UUID) -> list[RecordLine]:
        query = (
            self._lines()
            .where(MatchMembershipRow.person_id == person_id)
            .order_by(IntakeRecordRow.organisation, IntakeRecordRow.list_name, IntakeRecordRow.id)
        )
        return [_line(row) for row in self._work.session.execute(query)]

    def persons(self, *, limit: int, offset: int) -> list[PersonLine]:
        query = (
            select(
                MatchMembershipRow.person_id,
                MatchMembershipRow.household_id,
                func.count(),
            )
            # Matching clusters persons within households: one household per person.
            .group_by(MatchMembershipRow.person_id, MatchMembershipRow.household_id)
            .order_by(MatchMembershipRow.person_id)
            .limit(limit)
            .offset(offset)
        )
        return [
            PersonLine(person, household, count)
            for person, household, count in self._work.session.execute(query)
        ]

    def get(self, record_id: uuid.UUID) -> SourceRecord:
        """One record decrypted. NotFound if unknown; DataShredded if its key was destroyed."""
        found = self._work.session.execute(
            select(IntakeRecordRow, IntakeFileRow.file_name, IntakeFileRow.content_hash)
            .join(IntakeFileRow, IntakeFileRow.id == IntakeRecordRow.file_id)
            .where(IntakeRecordRow.id == record_id)
        ).first()
        if found is None:
            raise NotFound(f"source record {record_id} not found")
        row, file_name, content_hash = found
        kek = self._work.kek
        if row.wrapped_key is None:
            raise DataShredded(f"source record {record_id} was shredded; its values are gone")
        if row.kek_id != kek.kek_id:
            raise KeyUnavailable(
                f"source record {record_id} is sealed under key-encryption key {row.kek_id}, "
                f"not the loaded key {kek.kek_id}"
            )
        key = DataKey(kek.unwrap(row.wrapped_key, row.id))
        data = json.loads(key.decrypt(row.fields_enc, _context(row.id)))
        provenance = Provenance(row.organisation, file_name, content_hash, row.sheet, row.row)
        return SourceRecord(
            row.id,
            row.list_name,
            Origin(row.origin),
            row.withdrawn_at is not None,
            _record(row, data, provenance),
        )

    def file(self, file_id: uuid.UUID) -> ImportedFile:
        row = self._work.session.get(IntakeFileRow, file_id)
        if row is None:
            raise NotFound(f"import {file_id} not found")
        return _file(row)

    def quarantine_entry(self, entry_id: uuid.UUID) -> QuarantineEntry:
        found = self._work.session.execute(
            select(IntakeQuarantineRow, IntakeFileRow.file_name)
            .join(IntakeFileRow, IntakeFileRow.id == IntakeQuarantineRow.file_id)
            .where(IntakeQuarantineRow.id == entry_id)
        ).first()
        if found is None:
            raise NotFound(f"quarantined row {entry_id} not found")
        return _entry(found[0], found[1])

    def file_problems(self, file_id: uuid.UUID) -> list[RowProblems]:
        """Every problem the file's rows had as imported: the rejected rows' (quarantined) and
        the accepted rows' warnings (of the records whose data still comes from the file)."""
        rejected = self._work.session.execute(
            select(
                IntakeQuarantineRow.sheet, IntakeQuarantineRow.row, IntakeQuarantineRow.problems
            ).where(IntakeQuarantineRow.file_id == file_id)
        )
        accepted = self._work.session.execute(
            select(IntakeRecordRow.sheet, IntakeRecordRow.row, IntakeRecordRow.warnings).where(
                IntakeRecordRow.file_id == file_id
            )
        )
        rows = [RowProblems(s, r, True, tuple(_problem(p) for p in ps)) for s, r, ps in rejected]
        rows += [
            RowProblems(s, r, False, tuple(_problem(p) for p in ps)) for s, r, ps in accepted if ps
        ]
        return sorted(rows, key=lambda p: (p.sheet or "", p.row))


def _line(row: Row[*tuple[Any, ...]]) -> RecordLine:
    return RecordLine(
        id=row[0],
        organisation=row[1],
        list_name=row[2],
        file_id=row[3],
        file=row[4],
        sheet=row[5],
        row=row[6],
        origin=Origin(row[7]),
        withdrawn=bool(row[8]),
        shredded=bool(row[9]),
        person_id=row[10],
        household_id=row[11],
    )
