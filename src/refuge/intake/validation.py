"""Checking one row against its sheet's column mapping: every mapped field normalised, every
problem recorded against its field, and the row accepted or rejected as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from refuge.domain.dates import PartialDate
from refuge.domain.errors import InvalidInput
from refuge.domain.people import PersonName, Relationship, Sex
from refuge.intake.categories import parse_relationship, parse_sex
from refuge.intake.countries import parse_nationalities
from refuge.intake.dates import DateOrder, parse_date_of_birth
from refuge.intake.documents import parse_passport_number, parse_tazkira_number
from refuge.intake.fields import IntakeField
from refuge.intake.names import NameOrder, WrittenName, parse_name, parse_written_name
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
K = TypeVar("K")
_MAX_TEXT = 2000


class _Plan:
    """What check_row needs of a mapping, worked out once per sheet: each field's columns, in
    the mapping's order, the columns no field takes, and the fathers' names, sexes,
    relationships and nationalities already read (a list repeats a few thousand of the first
    and a handful of the others down their columns; the parsers are pure functions of the cell
    and the mapping)."""

    __slots__ = (
        "columns",
        "fathers",
        "header_width",
        "nationalities",
        "relationships",
        "sexes",
        "unmapped",
    )

    def __init__(self, mapping: ColumnMapping) -> None:
        columns: dict[IntakeField, list[tuple[int, str]]] = {}
        for target, index, label in mapping.plan:
            columns.setdefault(target, []).append((index, label))
        self.columns = {target: tuple(found) for target, found in columns.items()}
        mapped = {index for _, index, _ in mapping.plan}
        header = mapping.header.columns
        self.header_width = len(header)
        # (index, label) of the header's columns no field takes, in order.
        self.unmapped = tuple(
            (column.index, column.label) for column in header if column.index not in mapped
        )
        self.fathers: dict[object, Normalised[Any] | str] = {}
        self.sexes: dict[object, Normalised[Any] | str] = {}
        self.relationships: dict[object, Normalised[Any] | str] = {}
        self.nationalities: dict[object, Normalised[Any] | str] = {}


_Name = tuple[PersonName, WrittenName | None]
_PLANS: dict[int, tuple[ColumnMapping, _Plan]] = {}
_REMEMBERED: Final = 65536  # values kept per mapping and field: some megabytes at most


def _plan(mapping: ColumnMapping) -> _Plan:
    found = _PLANS.get(id(mapping))
    if found is not None and found[0] is mapping:
        return found[1]
    if len(_PLANS) >= 64:
        _PLANS.clear()
    plan = _Plan(mapping)
    _PLANS[id(mapping)] = (mapping, plan)
    return plan


def _remembered(
    memory: dict[object, Normalised[Any] | str],
    value: object,
    parse: Callable[..., Normalised[T]],
    *options: object,
) -> Normalised[T] | str:
    """parse(value, *options) as read before for the same text (only text: 1, 1.0 and True are
    equal keys but not the same cell): its result, or the message of the InvalidInput it
    raised. `options` are the mapping's, the same for every row of the sheet."""
    if value.__class__ is not str:
        return _outcome(parse, value, *options)
    found = memory.get(value)
    if found is None:
        found = _outcome(parse, value, *options)
        if len(memory) >= _REMEMBERED:
            memory.clear()
        memory[value] = found
    return found


def _outcome(parse: Callable[..., Normalised[T]], *arguments: object) -> Normalised[T] | str:
    try:
        return parse(*arguments)
    except InvalidInput as exc:
        return exc.message


def _name(given: object, family: object, full: object, order: NameOrder) -> Normalised[_Name]:
    return parse_name(given, family, full, order=order)


def _father(value: object) -> Normalised[WrittenName | None]:
    return parse_written_name(value, what="father's name")


def _born(value: object, order: DateOrder | None, today: dt.date | None) -> Normalised[PartialDate]:
    return parse_date_of_birth(value, order=order, today=today)


def _sex(value: object, words: Mapping[str, str]) -> Normalised[Sex]:
    return parse_sex(value, extra=words)


def _relationship(value: object, words: Mapping[str, str]) -> Normalised[Relationship | None]:
    return parse_relationship(value, extra=words)


def _phones(value: object, region: str, fallback: tuple[str, ...]) -> Normalised[tuple[str, ...]]:
    return parse_phones(value, region=region, fallback_regions=fallback)


def _read(
    problems: list[FieldProblem],
    name: str,
    result: Normalised[T] | str,
    default: T,
    column: str | None,
) -> T:
    if isinstance(result, str):
        problems.append(FieldProblem(name, result, Severity.ERROR, column))
        return default
    for warning in result.warnings:
        problems.append(FieldProblem(name, warning, Severity.WARNING, column))
    return result.value


def check_row(
    row: SourceRow,
    mapping: ColumnMapping,
    organisation: str,
    *,
    today: dt.date | None = None,
) -> IntakeRecord | RejectedRow:
    """The row as an accepted record, or rejected with every problem found in it."""
    plan = _plan(mapping)
    values = row.values
    width = len(values)
    # (column label, value) of each non-empty cell, by field, in the mapping's order.
    cells: dict[IntakeField, list[tuple[str, object]]] = {}
    for target, found in plan.columns.items():
        for index, label in found:
            if index < width:
                cell = values[index]
                if cell is not None and not (isinstance(cell, str) and not cell.strip()):
                    if target in cells:
                        cells[target].append((label, cell))
                    else:
                        cells[target] = [(label, cell)]
    problems: list[FieldProblem] = []
    provenance = Provenance(organisation, row.file, row.content_hash, row.sheet, row.row)

    given = cells.get(_GIVEN)
    family = cells.get(_FAMILY)
    full = cells.get(_FULL)
    named = given or family or full
    name_column = named[0][0] if named else None
    given_value = given[0][1] if given else None
    family_value = family[0][1] if family else None
    full_value = full[0][1] if full else None

    name_outcome = _outcome(_name, given_value, family_value, full_value, mapping.name_order)
    name_result: _Name | None = None
    if isinstance(name_outcome, str):
        problems.append(FieldProblem("name", name_outcome, Severity.ERROR, name_column))
    else:
        name_result = name_outcome.value
        for warning in name_outcome.warnings:
            problems.append(FieldProblem("name", warning, Severity.WARNING, name_column))

    father: WrittenName | None = None
    if found_cells := cells.get(_FATHER):
        column, value = found_cells[0]
        father = _read(
            problems, _FATHER_NAME, _remembered(plan.fathers, value, _father), None, column
        )
    if name_result is not None and name_result[1] is not None:
        # A father's name written into the full name fills the field only when it is empty.
        father = father or name_result[1]
    date_of_birth = PartialDate()
    if found_cells := cells.get(_BORN):
        column, value = found_cells[0]
        date_of_birth = _read(
            problems,
            _BORN_NAME,
            _outcome(_born, value, mapping.date_order, today),
            date_of_birth,
            column,
        )
    sex = Sex.UNKNOWN
    if found_cells := cells.get(_SEX):
        column, value = found_cells[0]
        sex = _read(
            problems,
            _SEX_NAME,
            _remembered(plan.sexes, value, _sex, mapping.sex_words),
            sex,
            column,
        )
    relationship: Relationship | None = None
    if found_cells := cells.get(_RELATIONSHIP):
        column, value = found_cells[0]
        relationship = _read(
            problems,
            _RELATIONSHIP_NAME,
            _remembered(plan.relationships, value, _relationship, mapping.relationship_words),
            None,
            column,
        )
    passport: str | None = None
    if found_cells := cells.get(_PASSPORT):
        column, value = found_cells[0]
        passport = _read(
            problems, _PASSPORT_NAME, _outcome(parse_passport_number, value), None, column
        )
    tazkira: str | None = None
    if found_cells := cells.get(_TAZKIRA):
        column, value = found_cells[0]
        tazkira = _read(
            problems, _TAZKIRA_NAME, _outcome(parse_tazkira_number, value), None, column
        )
    nationalities: list[str] = []
    for column, value in cells.get(_NATIONALITY, ()):
        no_codes: tuple[str, ...] = ()
        codes = _read(
            problems,
            _NATIONALITY_NAME,
            _remembered(plan.nationalities, value, parse_nationalities),
            no_codes,
            column,
        )
        nationalities += [code for code in codes if code not in nationalities]
    phones: list[str] = []
    for column, value in cells.get(_PHONE, ()):
        no_numbers: tuple[str, ...] = ()
        numbers = _read(
            problems,
            _PHONE_NAME,
            _outcome(_phones, value, mapping.phone_region, mapping.phone_fallback_regions),
            no_numbers,
            column,
        )
        phones += [number for number in numbers if number not in phones]
    household_reference = _text(problems, cells, _HOUSEHOLD)
    program_hint = _text(problems, cells, _PROGRAM)
    source_id = _text(problems, cells, _SOURCE_ID)
    notes = " | ".join(clean_text(cell_text(value)) for _, value in cells.get(_NOTES, ()))
    unmapped = _unmapped(row, plan, problems)
    if row.cut_short:
        problems.append(
            FieldProblem(
                "row", "the file ends inside this row: it may be cut short", Severity.WARNING
            )
        )

    errors = any(problem.severity is Severity.ERROR for problem in problems)
    if errors or name_result is None:
        return RejectedRow(provenance, _original(row), tuple(problems))
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
        household_reference=household_reference,
        relationship=relationship,
        program_hint=program_hint,
        notes=notes or None,
        source_id=source_id,
        unmapped=unmapped,
        warnings=tuple(problems),
    )


_GIVEN: Final = IntakeField.GIVEN_NAME
_FAMILY: Final = IntakeField.FAMILY_NAME
_FULL: Final = IntakeField.FULL_NAME
_FATHER: Final = IntakeField.FATHER_NAME
_BORN: Final = IntakeField.DATE_OF_BIRTH
_SEX: Final = IntakeField.SEX
_RELATIONSHIP: Final = IntakeField.RELATIONSHIP
_PASSPORT: Final = IntakeField.PASSPORT_NUMBER
_TAZKIRA: Final = IntakeField.TAZKIRA_NUMBER
_NATIONALITY: Final = IntakeField.NATIONALITY
_PHONE: Final = IntakeField.PHONE
_HOUSEHOLD: Final = IntakeField.HOUSEHOLD_REFERENCE
_PROGRAM: Final = IntakeField.PROGRAM_HINT
_SOURCE_ID: Final = IntakeField.SOURCE_ID
_NOTES: Final = IntakeField.NOTES
_FATHER_NAME: Final = _FATHER.value
_BORN_NAME: Final = _BORN.value
_SEX_NAME: Final = _SEX.value
_RELATIONSHIP_NAME: Final = _RELATIONSHIP.value
_PASSPORT_NAME: Final = _PASSPORT.value
_TAZKIRA_NAME: Final = _TAZKIRA.value
_NATIONALITY_NAME: Final = _NATIONALITY.value
_PHONE_NAME: Final = _PHONE.value


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(
    problems: list[FieldProblem],
    cells: dict[IntakeField, list[tuple[str, object]]],
    target: IntakeField,
) -> str | None:
    found = cells.get(target)
    if not found:
        return None
    column, value = found[0]
    text = clean_text(cell_text(value))
    if len(text) > _MAX_TEXT:
        problems.append(
            FieldProblem(target.value, f"longer than {_MAX_TEXT} characters", column=column)
        )
    return text or None


def _unmapped(
    row: SourceRow, plan: _Plan, problems: list[FieldProblem]
) -> tuple[tuple[str, str], ...]:
    values = row.values
    width = len(values)
    kept: list[tuple[str, str]] = []
    for index, label in plan.unmapped:
        if index >= width:
            break
        value = values[index]
        if not _is_empty(value):
            kept.append((label, cell_text(value)))
    if width > plan.header_width:
        beyond = 0
        for index in range(plan.header_width, width):
            value = values[index]
            if not _is_empty(value):
                beyond += 1
                kept.append((Column(index, "").label, cell_text(value)))
        if beyond:
            problems.append(
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
