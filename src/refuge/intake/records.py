"""What intake makes of each row: an accepted `IntakeRecord`, normalised and typed, or a
`RejectedRow` holding the original values and every problem found; both say where they came from.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from refuge.domain.dates import PartialDate
from refuge.domain.frozen import quick_init
from refuge.domain.people import PersonName, Relationship, Sex
from refuge.intake.names import WrittenName

__all__ = [
    "FieldProblem",
    "IntakeRecord",
    "Provenance",
    "RejectedRow",
    "Severity",
    "cell_text",
]


class Severity(enum.StrEnum):
    ERROR = "error"  # the row cannot be accepted
    WARNING = "warning"  # accepted, but someone should look


@quick_init
@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of one row. `problem` never contains the value itself.

    `field` is a Refuge field name, or "row" for what concerns the row as a whole; `column` is
    the column the value came from, when there was one.
    """

    field: str
    problem: str
    severity: Severity = Severity.ERROR
    column: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: the organisation, the file (by content hash), sheet and row."""

    organisation: str
    file: str
    content_hash: str
    sheet: str | None
    row: int

    def where(self) -> str:
        sheet = f", sheet {self.sheet}" if self.sheet else ""
        return f"file {self.file}{sheet}, row {self.row}"


@quick_init
@dataclass(frozen=True, slots=True)
class IntakeRecord:
    """An accepted row, normalised. Nothing of the row is lost: `unmapped` holds the values of
    columns no field took, as written; `warnings` what looked suspicious."""

    provenance: Provenance
    name: PersonName
    father_name: WrittenName | None = None
    date_of_birth: PartialDate = PartialDate()
    sex: Sex = Sex.UNKNOWN
    nationalities: tuple[str, ...] = ()
    passport_number: str | None = None
    tazkira_number: str | None = None
    phones: tuple[str, ...] = ()
    household_reference: str | None = None
    relationship: Relationship | None = None
    program_hint: str | None = None
    notes: str | None = None
    source_id: str | None = None
    unmapped: tuple[tuple[str, str], ...] = ()
    warnings: tuple[FieldProblem, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that could not be accepted: its original values by column, and every problem (errors
    and warnings alike) so that one correction fixes all of it."""

    provenance: Provenance
    values: tuple[tuple[str, str], ...]
    problems: tuple[FieldProblem, ...]

    @property
    def errors(self) -> tuple[FieldProblem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def cell_text(value: object) -> str:
    """A cell's value as text, the way a spreadsheet would show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
