"""The report of one list's intake: how each sheet was mapped, how many rows were read, accepted
and rejected, and every problem by file, sheet, row and field. It names fields and problems and
never repeats a value from the list (names, numbers and dates are personal data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from refuge.intake.fields import IntakeField
from refuge.intake.records import FieldProblem, IntakeRecord, RejectedRow, Severity

__all__ = ["DEFAULT_MAX_LISTED", "IntakeReport", "ReportedProblem", "SheetMapping"]

DEFAULT_MAX_LISTED: Final = 10_000


@dataclass(frozen=True, slots=True)
class ReportedProblem:
    sheet: str | None
    row: int
    field: str
    problem: str
    severity: Severity
    column: str | None = None


@dataclass(frozen=True, slots=True)
class SheetMapping:
    """How one sheet's columns were mapped: by which profile (None: proposed from the headers),
    which column went to which field, and which columns no field took."""

    sheet: str | None
    header_row: int
    data_row: int  # the first row below the header (and below the hashtag row, if any)
    profile: str | None
    mapped: tuple[tuple[str, IntakeField], ...]
    unmapped: tuple[str, ...]
    skipped: str | None = None  # why the sheet was not read, when it was not


@dataclass(slots=True)
class IntakeReport:
    """Filled in as the rows of a list are read; complete once they all have been.

    Counts are exact whatever the size of the list; the list of problems keeps the first
    `max_listed` (the rejected rows carry all of theirs).
    """

    file: str
    content_hash: str
    organisation: str
    max_listed: int = DEFAULT_MAX_LISTED
    sheets: list[SheetMapping] = field(default_factory=list)
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    with_warnings: int = 0
    blank: int = 0
    duplicates: int = 0
    skipped_rows: int = 0
    problems: list[ReportedProblem] = field(default_factory=list)
    unlisted: int = 0
    by_field: Counter[tuple[str, Severity, str]] = field(default_factory=Counter)
    finished: bool = False

    @property
    def balanced(self) -> bool:
        """Every row read was accepted or rejected: nothing was lost on the way."""
        return self.read == self.accepted + self.rejected

    def add(self, result: IntakeRecord | RejectedRow) -> None:
        self.read += 1
        if isinstance(result, IntakeRecord):
            self.accepted += 1
            problems = result.warnings
            if problems:
                self.with_warnings += 1
        else:
            self.rejected += 1
            problems = result.problems
        where = result.provenance
        for problem in problems:
            self._note(where.sheet, where.row, problem)

    def _note(self, sheet: str | None, row: int, problem: FieldProblem) -> None:
        self.by_field[(problem.field, problem.severity, problem.problem)] += 1
        if len(self.problems) < self.max_listed:
            self.problems.append(
                ReportedProblem(
                    sheet, row, problem.field, problem.problem, problem.severity, problem.column
                )
            )
        else:
            self.unlisted += 1

    def render(self) -> str:
        """The report as text for a terminal or a log."""
        lines = [
            f"Intake of file {self.file} (sha256 {self.content_hash[:12]}) for organisation "
            f"{self.organisation}" + ("" if self.finished else " (not finished)")
        ]
        for sheet in self.sheets:
            name = f"sheet {sheet.sheet}" if sheet.sheet else "the file"
            if sheet.skipped:
                lines.append(f"  {name}: skipped, {sheet.skipped}")
                continue
            how = f"profile {sheet.profile}" if sheet.profile else "mapping proposed from headers"
            where = f"header at row {sheet.header_row}"
            if sheet.data_row > sheet.header_row + 1:
                where += f", hashtags at row {sheet.data_row - 1}"
            if sheet.header_row > 1:
                where += " (rows above it read as titles, not data)"
            lines.append(f"  {name}: {where}, {how}")
            for label, target in sheet.mapped:
                lines.append(f"    {label} -> {target}")
            if sheet.unmapped:
                lines.append(f"    kept as written, unmapped: {', '.join(sheet.unmapped)}")
        lines.append(
            f"Rows: {self.read} read = {self.accepted} accepted ({self.with_warnings} with "
            f"warnings) + {self.rejected} rejected; blank rows passed over: {self.blank}"
            + (f"; rows in skipped sheets: {self.skipped_rows}" if self.skipped_rows else "")
            + (f"; repeats of an earlier row: {self.duplicates}" if self.duplicates else "")
        )
        if self.by_field:
            lines.append("Problems by field:")
            for (name, severity, problem), count in sorted(
                self.by_field.items(), key=lambda item: (item[0][0], item[0][1], -item[1])
            ):
                lines.append(f"  {name:<20} {severity:<8} {count:>7}  {problem}")
            lines.append("Problems:")
            for reported in self.problems:
                lines.append("  " + self.describe(reported))
            if self.unlisted:
                lines.append(f"  ... and {self.unlisted} more (each rejected row keeps its own)")
        return "\n".join(lines)

    def describe(self, reported: ReportedProblem) -> str:
        sheet = f", sheet {reported.sheet}" if reported.sheet else ""
        column = f" (column {reported.column})" if reported.column else ""
        what = "" if reported.field == "row" else f", field {reported.field}{column}"
        return (
            f"file {self.file}{sheet}, row {reported.row}{what}: "
            f"{reported.severity}: {reported.problem}"
        )
