"""Flight manifests as CSV and XLSX files for people: one row per passenger, households kept
together, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side

from refuge.domain.operation import Flight
from refuge.domain.people import Relationship
from refuge.exchange.passengers import ManifestPassenger

__all__ = ["MANIFEST_COLUMNS", "manifest_csv", "manifest_rows", "manifest_xlsx", "spreadsheet_safe"]

MANIFEST_COLUMNS = (
    "household",
    "household_id",
    "relationship",
    "manifest_entry_id",
    "family_name",
    "given_names",
    "sex",
    "date_of_birth",
    "nationality",
    "document_kind",
    "document_number",
    "document_issuing_state",
    "document_expiry",
)

# What spreadsheet programs read as the start of a formula (OWASP, "CSV injection"): = + - @,
# and tab and carriage return, which some of them skip before looking for those.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` with an apostrophe in front if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def manifest_rows(passengers: Sequence[ManifestPassenger]) -> list[tuple[int | str, ...]]:
    """The manifest's rows under MANIFEST_COLUMNS, text not yet made spreadsheet-safe.

    Households come in the order of their first member in `passengers` and are numbered from 1;
    within one, the principal applicant comes first, then the others in their given order.
    """
    households: dict[uuid.UUID, list[ManifestPassenger]] = {}
    for passenger in passengers:
        households.setdefault(passenger.household_id, []).append(passenger)
    rows: list[tuple[int | str, ...]] = []
    for number, members in enumerate(households.values(), start=1):
        ordered = sorted(members, key=lambda p: p.relationship is not Relationship.PRINCIPAL)
        for p in ordered:
            document = p.document
            rows.append(
                (
                    number,
                    str(p.household_id),
                    p.relationship.value if p.relationship else "",
                    str(p.entry_id),
                    p.family_name,
                    p.given_names,
                    p.sex.value,
                    p.date_of_birth.iso(),
                    p.nationality or "",
                    document.kind.value if document else "",
                    document.number if document else "",
                    document.issuing_state if document else "",
                    document.expiry.isoformat() if document and document.expiry else "",
                )
            )
    return rows


def manifest_csv(passengers: Sequence[ManifestPassenger]) -> bytes:
    """The manifest as UTF-8 CSV with a header row, grouped by household (`manifest_rows`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for row in manifest_rows(passengers):
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def manifest_xlsx(flight: Flight, passengers: Sequence[ManifestPassenger]) -> bytes:
    """The manifest as an XLSX workbook: one sheet, a header row, a rule above each household."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Manifest"
    workbook.properties.title = spreadsheet_safe(f"Manifest of flight {flight.code}")
    sheet.append(list(MANIFEST_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rule = Border(top=Side(style="thin"))
    previous: int | str | None = None
    for row in manifest_rows(passengers):
        sheet.append([_safe(value) for value in row])
        if row[0] != previous and previous is not None:
            for cell in sheet[sheet.max_row]:
                cell.border = rule
        previous = row[0]
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl takes a string starting with "=" for a formula; text stays text.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, name in zip(sheet.iter_cols(min_row=1, max_row=1), MANIFEST_COLUMNS, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = max(12, len(name) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe(value: int | str) -> int | str:
    return spreadsheet_safe(value) if isinstance(value, str) else value
