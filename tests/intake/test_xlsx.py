"""The quick sheet reader gives every workbook's rows exactly as openpyxl gives them: the same
values of the same types in the same places, the same blank rows, the same error where openpyxl
stops on a damaged sheet; whatever the writer, layout or damage."""

from __future__ import annotations

import datetime as dt
import io
import os
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from refuge.intake import read_list, xlsx
from refuge.intake.xlsx import SheetRows, open_workbook

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHECKS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))

Outcome = tuple[list[list[tuple[str, str]]], str | None]


def outcome(rows: Iterator[tuple[object, ...]]) -> Outcome:
    """Every row as (type, repr) pairs, up to the error that ended the reading, if any."""
    seen: list[list[tuple[str, str]]] = []
    try:
        for row in rows:
            seen.append([(type(value).__name__, repr(value)) for value in row])
    except Exception as exc:  # noqa: BLE001 - the error is part of what is compared
        return seen, type(exc).__name__
    return seen, None


def both(data: bytes, max_row: int = 100_000) -> tuple[list[Outcome], list[Outcome]]:
    """(openpyxl's rows, the quick reader's) of every worksheet in the workbook `data`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = open_workbook(io.BytesIO(data))
        sheets = [book[name] for name in book.sheetnames]
        sheets = [sheet for sheet in sheets if hasattr(sheet, "iter_rows")]
        theirs = [outcome(s.iter_rows(max_row=max_row, values_only=True)) for s in sheets]
        ours = [outcome(SheetRows(sheet, max_row)) for sheet in sheets]
    return theirs, ours


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """The workbook `data` with `members` written over or added to its own."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, members.get(info.filename) or source.read(info))
        for name in members.keys() - set(source.namelist()):
            target.writestr(name, members[name])
    return buffer.getvalue()


def with_sheet(data: bytes, sheet: bytes) -> bytes:
    return with_members(data, {SHEET: sheet})


def styled_workbook() -> bytes:
    """A workbook whose styles include a date (s="1"), a time (2) and a duration format (3),
    with shared strings as Excel writes them (openpyxl writes its strings inline), as a base for
    hand-written sheets."""
    book = Workbook()
    sheet = book.active
    when = dt.datetime(2020, 1, 2)  # noqa: DTZ001 - spreadsheet cells hold naive dates
    sheet.append(["Name", when, dt.time(10, 30), dt.timedelta(hours=30)])
    data = saved(book)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    strings = (
        f'<sst xmlns="{MAIN}" count="4" uniqueCount="4"><si><t>Name</t></si>'
        '<si><r><rPr><b/></rPr><t>Bo</t></r><r><t xml:space="preserve">ld </t></r></si>'
        "<si><t>a &amp; b</t></si><si><t/></si></sst>"
    )
    return with_members(
        data,
        {
            "[Content_Types].xml": types.replace(b"</Types>", override.encode()),
            "xl/sharedStrings.xml": strings.encode(),
        },
    )


BASE = styled_workbook()


def sheet_xml(rows: str, *, head: str = "", tail: str = "", root: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"'
        f' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"{root}>'
        f"{head}<sheetData>{rows}</sheetData>{tail}</worksheet>"
    ).encode()


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).filter(
    lambda text: not ILLEGAL_CHARACTERS_RE.search(text)
)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(["=1+2", "  padded  ", "a & b < c > d", 'quote "x"', "line\r\nbreak", "٣"]),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),  # noqa: DTZ001 - naive cells
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.times(),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)),
)
CELLS = st.dictionaries(st.tuples(st.integers(1, 40), st.integers(1, 12)), VALUES, max_size=40)


@CHECKS
@given(st.lists(CELLS, min_size=1, max_size=2), st.integers(1, 45))
def test_workbooks_openpyxl_writes_are_read_the_same_up_to_any_limit(
    sheets: list[dict[tuple[int, int], object]], max_row: int
) -> None:
    book = Workbook()
    book.remove(book.active)
    for number, cells in enumerate(sheets):
        sheet = book.create_sheet(f"Sheet {number}")
        for (row, column), value in cells.items():
            sheet.cell(row, column, value)
    theirs, ours = both(saved(book), max_row)

    assert ours == theirs


@CHECKS
@given(st.lists(st.lists(VALUES, max_size=8), max_size=30), st.integers(1, 40))
def test_rows_written_one_after_another_are_read_the_same_up_to_any_limit(
    rows: list[list[object]], max_row: int
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("List")
    for row in rows:
        sheet.append(row)
    theirs, ours = both(saved(book), max_row)

    assert ours == theirs


# Rows in the shapes writers produce, and in shapes the quick reader leaves to openpyxl.
ROWS = [
    '<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"><v>43831</v></c>'
    '<c r="C1" s="2"><v>0.4375</v></c><c r="D1" s="3"><v>1.25</v></c></row>',
    '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>'
    '<c r="C2" t="inlineStr" /><c r="D2" t="inlineStr"><is/></c></row>',
    '<row r="3"><c r="B3"><f>A1+1</f><v>2</v></c><c r="C3" t="str"><f t="shared" si="0"/>'
    "<v>text &amp; &lt;more&gt; &#1601;&#x41;</v></c></row>",
    '<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><v>#N/A</v></c>'
    '<c r="C4" t="d"><v>2020-01-02T03:04:05</v></c><c r="D4"><v>1E3</v></c></row>',
    '<row r="5"><c r="A5" t="s" s="1"><v>0</v></c><c r="$B$5"><v>7</v></c></row>',
    '<row r="6"><c r="C6"><v>3</v></c><c r="A6"><v>1</v></c></row>',
    '<row r="7"><c r="C7"><v>3</v></c><c r="E7"/></row>',
    '<row r="8"><c r="A8" t="inlineStr"><is><r><rPr><b/></rPr><t>bo</t></r><r><t>ld</t></r>'
    "</is></c></row>",
    '<row r="9"/><row r="12"><c r="A12"><v>12</v></c></row>',
    '<row r="12"><c r="A12" t="s"><v>1</v></c></row><row r="11"><c r="A11"><v>11</v></c></row>',
    '<row r="13"><c r="A13" t="s"><v>2</v></c><c r="B13" t="s"><v>3</v></c></row>',
    '<row r="13">\n  <c r="A13">\n    <v>13</v>\n  </c>\n</row>\n',
    "<row><c><v>1</v></c><c><v>2</v></c></row>",
    '<row r="14"><!-- a comment --><c r="A14"><v>14</v></c></row>',
    '<row r="15"><c r="A15" t="inlineStr"><is><t><![CDATA[<cdata>]]></t></is></c></row>',
    '<row r="16"><c r="A16"><v>x</v></c></row>',
    '<row r="17"><c r="A17" t="s"><v>99</v></c></row>',
    '<row r="18"><c r="A18" s="1"><v>99999999</v></c></row>',
    '<row r="19"><c r="A19" t="inlineStr"><is><t>line\r\nend\rhere</t></is></c></row>',
    '<row r="20" r2="x"><c r="A20" vm="1"><v>20</v></c></row>',
    '<row r="0"><c r="A1"><v>0</v></c></row>',
    '<row r="21"><c r="a21"><v>21</v></c><c r="B21" s=""><v>1</v></c></row>',
    '<row r="22"><c r="A22"><v> 22 </v></c><c r="B22"><v>٢٢</v></c><c r="C22"><v/></c></row>',
    '<row r="23"><x:c xmlns:x="' + MAIN + '" r="A23"><x:v>23</x:v></x:c></row>',
    '<row r="24"><c r="A24"><v>24</v></c></row><mergeCells count="1"><mergeCell ref="A1:B1"/>'
    "</mergeCells>",
    '<row r="25"><c r="A25"><v>25</v></c><extLst/></row>',
]


@pytest.mark.parametrize("rows", [*ROWS, "".join(ROWS[:11]), ""])
def test_sheets_written_by_hand_in_many_shapes_are_read_the_same(rows: str) -> None:
    for max_row in (100, 10, 3, 1):
        theirs, ours = both(with_sheet(BASE, sheet_xml(rows)), max_row)
        assert ours == theirs


@pytest.mark.parametrize(
    ("head", "tail", "root"),
    [
        (
            '<dimension ref="A1:D9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>',
            "",
            "",
        ),
        (
            "",
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/><extLst><ext xmlns:x14="urn:x" uri="{1}"/></extLst>',
            "",
        ),
        ("", '<pageMargins left="wide"/>', ""),
        ('<sheetFormatPr baseColWidth="wide"/>', "", ""),
        ("", '<row r="30"><c r="A30"><v>30</v></c></row>', ""),
        ("<!-- made by hand -->", "", ""),
        ("", "", ' xmlns:x14ac="urn:x14ac"'),
    ],
)
def test_elements_around_the_rows_are_read_or_refused_the_same(
    head: str, tail: str, root: str
) -> None:
    rows = ROWS[0] + ROWS[1]
    theirs, ours = both(with_sheet(BASE, sheet_xml(rows, head=head, tail=tail, root=root)))

    assert ours == theirs


def test_a_sheet_in_another_encoding_or_namespace_is_read_the_same() -> None:
    utf16 = sheet_xml(ROWS[1]).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    strict = sheet_xml(ROWS[1]).replace(MAIN.encode(), b"http://purl.oclc.org/ooxml/main")
    for sheet in (utf16, strict, sheet_xml(ROWS[1]).replace(b"<?xml", b"\xef\xbb\xbf<?xml")):
        theirs, ours = both(with_sheet(BASE, sheet))
        assert ours == theirs


@CHECKS
@given(st.integers(0, 1200), st.binary(min_size=1, max_size=4))
def test_a_damaged_sheet_is_read_or_refused_the_same(offset: int, new: bytes) -> None:
    sheet = sheet_xml("".join(ROWS[:11]))
    damaged = sheet[:offset] + new + sheet[offset + len(new) :]
    theirs, ours = both(with_sheet(BASE, damaged))

    assert ours == theirs


def test_a_long_sheet_is_read_the_same_across_its_chunks() -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("List")
    for number in range(30_000):
        sheet.append([f"Name {number}", number, number / 7, None, "x" * (number % 50)])
    theirs, ours = both(saved(book))

    assert ours == theirs
    assert len(ours[0][0]) == 30_000


def test_a_list_in_a_workbook_imports_with_its_dates_and_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Given name", "Family name", "Date of birth", "Phone"])
    born = dt.datetime(1985, 5, 12)  # noqa: DTZ001 - spreadsheet cells hold naive dates
    sheet.append(["Ahmad", "Karimi", born, 93700123456])
    path = tmp_path / "list.xlsx"
    book.save(path)

    (record,) = list(read_list(path, organisation="ngo", today=dt.date(2026, 11, 25)))

    assert record.date_of_birth.iso() == "1985-05-12"  # type: ignore[union-attr]
    assert record.phones == ("+93700123456",)  # type: ignore[union-attr]


def test_a_sheet_with_more_after_its_rows_than_writers_put_is_read_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What follows the rows is held in memory only up to a limit: openpyxl streams the rest."""
    monkeypatch.setattr(xlsx, "_MOST_AFTER_ROWS", 4096)
    tail = f"<!-- {os.urandom(3 << 20).hex()} -->"  # a few chunks, which do not compress
    theirs, ours = both(with_sheet(BASE, sheet_xml(ROWS[0] + ROWS[1], tail=tail)))

    assert ours == theirs
    assert len(ours[0][0]) == 2
