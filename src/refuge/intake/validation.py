"""Checking one row against its sheet's column mapping: every mapped field normalised, every
problem recorded against its field, and the row accepted or rejected as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from refuge.domain.dates import PartialDate
from refuge.domain.errors import InvalidInput
from refuge.domain.people import PersonName, Relationship, Sex
from refuge.intake.categories import parse_relationship, parse_sex
from refuge.intake.countries import parse_nationalities
from refuge.intake.dates import parse_date_of_birth
from refuge.intake.documents import parse_passport_number, parse_tazkira_number
from refuge.intake.fields import NAME_FIELDS, IntakeField
from refuge.intake.names import WrittenName, parse_name, parse_written_name
from refuge.intake.normalised import Normalised, clean_text
from refuge.intake.phones import parse_phones
from refuge.intake.profiles import ColumnMapping
from refuge.intake.records import (
    FieldProblem,
    IntakeRecord,
    Provenance,
    RejectedRow,
    Severity,
    cell_text,
)
from refuge.intake.sources import Column, SourceRow

__all__ = ["check_row"]

T = TypeVar("T")
_MAX_TEXT = 2000


class _Row:
    """The cells of one row by field, and the problems found so far."""

    def __init__(self, row: SourceRow, mapping: ColumnMapping) -> None:
        self.row = row
        self.mapping = mapping
        self.problems: list[FieldProblem] = []
        self._cells: dict[IntakeField, list[tuple[str, object]]] = {}
        values = row.values
        for target, index, label in mapping.plan:
            value = values[index] if index < len(values) else None
            if not _is_empty(value):
                self._cells.setdefault(target, []).append((label, value))

    def cells(self, target: IntakeField) -> list[tuple[str, object]]:
        """(column label, value) of each non-empty cell mapped to `target`."""
        return self._cells.get(target, [])

    def cell(self, target: IntakeField) -> tuple[str | None, object]:
        cells = self.cells(target)
        return cells[0] if cells else (None, None)

    def read(
        self,
        target: IntakeField,
        parse: Callable[[object], Normalised[T]],
        default: T,
        *,
        column: str | None = None,
        value: object = None,
    ) -> T:
        name = target.value
        try:
            result = parse(value)
        except InvalidInput as exc:
            self.problems.append(FieldProblem(name, exc.message, Severity.ERROR, column))
            return default
        for warning in result.warnings:
            self.problems.append(FieldProblem(name, warning, Severity.WARNING, column))
        return result.value

    def one(self, target: IntakeField, parse: Callable[[object], Normalised[T]], default: T) -> T:
        column, value = self.cell(target)
        return self.read(target, parse, default, column=column, value=value)


def check_row(
    row: SourceRow,
    mapping: ColumnMapping,
    organisation: str,
    *,
    today: dt.date | None = None,
) -> IntakeRecord | RejectedRow:
    """The row as an accepted record, or rejected with every problem found in it."""
    checked = _Row(row, mapping)
    provenance = Provenance(organisation, row.file, row.content_hash, row.sheet, row.row)

    name_cells = {target: checked.cell(target) for target in NAME_FIELDS}
    name_column = next((col for col, _ in name_cells.values() if col is not None), None)
    name_result: tuple[PersonName, WrittenName | None] | None = None
    try:
        read_name = parse_name(
            name_cells[IntakeField.GIVEN_NAME][1],
            name_cells[IntakeField.FAMILY_NAME][1],
            name_cells[IntakeField.FULL_NAME][1],
            order=mapping.name_order,
        )
    except InvalidInput as exc:
        checked.problems.append(FieldProblem("name", exc.message, Severity.ERROR, name_column))
    else:
        name_result = read_name.value
        checked.problems += [
            FieldProblem("name", warning, Severity.WARNING, name_column)
            for warning in read_name.warnings
        ]
    father: WrittenName | None = checked.one(
        IntakeField.FATHER_NAME,
        lambda v: parse_written_name(v, what="father's name"),
        None,
    )
    if name_result is not None and name_result[1] is not None:
        # A father's name written into the full name fills the field only when it is empty.
        father = father or name_result[1]
    date_of_birth = checked.one(
        IntakeField.DATE_OF_BIRTH,
        lambda v: parse_date_of_birth(v, order=mapping.date_order, today=today),
        PartialDate(),
    )
    sex: Sex = checked.one(
        IntakeField.SEX, lambda v: parse_sex(v, extra=mapping.sex_words), Sex.UNKNOWN
    )
    relationship: Relationship | None = checked.one(
        IntakeField.RELATIONSHIP,
        lambda v: parse_relationship(v, extra=mapping.relationship_words),
        None,
    )
    passport = checked.one(IntakeField.PASSPORT_NUMBER, parse_passport_number, None)
    tazkira = checked.one(IntakeField.TAZKIRA_NUMBER, parse_tazkira_number, None)
    nationalities: list[str] = []
    for column, value in checked.cells(IntakeField.NATIONALITY):
        no_codes: tuple[str, ...] = ()
        codes = checked.read(
            IntakeField.NATIONALITY, parse_nationalities, no_codes, column=column, value=value
        )
        nationalities += [code for code in codes if code not in nationalities]
    phones: list[str] = []
    for column, value in checked.cells(IntakeField.PHONE):
        no_numbers: tuple[str, ...] = ()
        numbers = checked.read(
            IntakeField.PHONE,
            lambda v: parse_phones(
                v, region=mapping.phone_region, fallback_regions=mapping.phone_fallback_regions
            ),
            no_numbers,
            column=column,
            value=value,
        )
        phones += [number for number in numbers if number not in phones]
    texts = {
        target: _text(checked, target)
        for target in (
            IntakeField.HOUSEHOLD_REFERENCE,
            IntakeField.PROGRAM_HINT,
            IntakeField.SOURCE_ID,
        )
    }
    notes = " | ".join(
        clean_text(cell_text(value)) for _, value in checked.cells(IntakeField.NOTES)
    )
    unmapped = _unmapped(row, mapping, checked)
    if row.cut_short:
        checked.problems.append(
            FieldProblem(
                "row", "the file ends inside this row: it may be cut short", Severity.WARNING
            )
        )

    errors = any(problem.severity is Severity.ERROR for problem in checked.problems)
    if errors or name_result is None:
        return RejectedRow(provenance, _original(row), tuple(checked.problems))
    return IntakeRecord(
        provenance=provenance,
        name=name_result[0],
        father_name=father,
        date_of_birth=date_of_birth,
        sex=sex,
        nationalities=tuple(nationalities),
        passport_number=passport,
        tazkira_number=tazkira,
        phones=tuple(phones),
        household_reference=texts[IntakeField.HOUSEHOLD_REFERENCE],
        relationship=relationship,
        program_hint=texts[IntakeField.PROGRAM_HINT],
        notes=notes or None,
        source_id=texts[IntakeField.SOURCE_ID],
        unmapped=unmapped,
        warnings=tuple(checked.problems),
    )


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(checked: _Row, target: IntakeField) -> str | None:
    column, value = checked.cell(target)
    if value is None:
        return None
    text = clean_text(cell_text(value))
    if len(text) > _MAX_TEXT:
        checked.problems.append(
            FieldProblem(target.value, f"longer than {_MAX_TEXT} characters", column=column)
        )
    return text or None


def _unmapped(row: SourceRow, mapping: ColumnMapping, checked: _Row) -> tuple[tuple[str, str], ...]:
    mapped = {index for _, index, _ in mapping.plan}
    columns = mapping.header.columns
    kept: list[tuple[str, str]] = []
    beyond = 0
    for index, value in enumerate(row.values):
        if index in mapped or _is_empty(value):
            continue
        text = cell_text(value)
        if index < len(columns):
            kept.append((columns[index].label, text))
        else:
            beyond += 1
            kept.append((Column(index, "").label, text))
    if beyond:
        checked.problems.append(
            FieldProblem("row", "values beyond the last column of the header", Severity.WARNING)
        )
    return tuple(kept)


def _original(row: SourceRow) -> tuple[tuple[str, str], ...]:
    columns = row.header.columns
    values: list[tuple[str, str]] = []
    for index, value in enumerate(row.values):
        column = columns[index] if index < len(columns) else Column(index, "")
        values.append((column.label, cell_text(value)))
    return tuple(values)
