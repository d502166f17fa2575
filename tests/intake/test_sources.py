"""Reading list files: encodings, delimiters, sheets, HXL rows, and refusing what is too big."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from refuge.domain import InvalidInput, NotFound
from refuge.intake import Limits, ListReader, read_rows

HEADER = ["Given name", "Family name", "Date of birth"]
PEOPLE = [["Ahmad", "Karimi", "1985-03-12"], ["Maryam", "Ahmadi", "1990"]]
DARI = [["نام", "تخلص", "تاریخ تولد"], ["احمد", "کریمی", "1364/05/12"], ["مریم", "احمدی", "1370"]]
# Windows-1256 has the Arabic ya (ي), which is what Dari typed on Windows keyboards gives.
ARABIC_YA = [[cell.replace("ی", "ي") for cell in row] for row in DARI]
BORN = dt.datetime(2001, 5, 4)  # noqa: DTZ001 (spreadsheet cells carry no time zone)
LATIN_ACCENTS = [["Prénom", "Nom", "Ville"], ["José", "Müller", "Köln"], ["Zoë", "Dupré", "Zürich"]]


def values(path: Path, sheet: str | None = None) -> list[tuple[object, ...]]:
    return [row.values for row in read_rows(path, sheet=sheet) if not row.is_blank]


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("utf-8", DARI),
        ("utf-8-sig", DARI),
        ("utf-16", DARI),
        ("cp1256", ARABIC_YA),
        ("cp1252", LATIN_ACCENTS),
    ],
)
def test_each_common_encoding_is_detected(
    write_csv: Callable[..., Path], encoding: str, rows: list[list[str]]
) -> None:
    path = write_csv(rows, encoding=encoding)

    read = list(read_rows(path))

    assert read[0].header.labels == tuple(rows[0])
    assert [row.values for row in read] == [tuple(row) for row in rows[1:]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(write_csv: Callable[..., Path], delimiter: str) -> None:
    path = write_csv([HEADER, *PEOPLE], delimiter=delimiter)

    assert values(path) == [tuple(row) for row in PEOPLE]


def test_a_title_row_above_the_header_is_not_taken_for_it(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([["Staff list, submitted August 2021"], [], HEADER, *PEOPLE], delimiter=";")

    rows = list(read_rows(path))

    assert rows[0].header.row == 3
    assert rows[0].header.labels == tuple(HEADER)
    assert [row.row for row in rows] == [4, 5]


def test_row_numbers_are_those_a_spreadsheet_shows_with_blank_lines_and_multiline_cells(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.csv"
    path.write_text('Name,Notes\nAhmad,"two\nlines"\n\nMaryam,\n', encoding="utf-8")

    rows = list(read_rows(path))

    assert [(row.row, row.is_blank) for row in rows] == [(2, False), (3, True), (4, False)]
    assert rows[0].values == ("Ahmad", "two\nlines")


def test_every_row_carries_the_file_name_and_its_sha256(write_csv: Callable[..., Path]) -> None:
    path = write_csv([HEADER, *PEOPLE])

    rows = list(read_rows(path))

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {(row.file, row.content_hash, row.sheet) for row in rows} == {("list.csv", digest, None)}


def test_a_workbook_is_read_sheet_by_sheet_each_with_its_own_header(
    write_xlsx: Callable[..., Path],
) -> None:
    path = write_xlsx(
        {
            "Staff": [HEADER, *PEOPLE],
            "Empty": [],
            "Families": [["Name", "Born"], ["Zahra", BORN], [], ["Omid", 1999]],
        }
    )

    rows = list(read_rows(path))

    assert [(row.sheet, row.row) for row in rows] == [
        ("Staff", 2),
        ("Staff", 3),
        ("Families", 2),
        ("Families", 3),
        ("Families", 4),
    ]
    assert rows[2].header.labels == ("Name", "Born")
    assert rows[2].values == ("Zahra", BORN)
    assert rows[3].is_blank


def test_one_named_sheet_can_be_read_alone(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx({"Staff": [HEADER, *PEOPLE], "Families": [["Name"], ["Zahra"]]})

    assert values(path, sheet="Families") == [("Zahra",)]
    with pytest.raises(NotFound, match="no sheet 'Visitors'"):
        list(read_rows(path, sheet="Visitors"))


def test_a_merged_title_above_the_header_of_a_sheet_is_skipped(
    write_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Staff"
    sheet.append(["Evacuation list - do not share"])
    sheet.merge_cells("A1:C1")
    sheet.append(HEADER)
    for person in PEOPLE:
        sheet.append(person)
    path = tmp_path / "merged.xlsx"
    book.save(path)

    rows = list(read_rows(path))

    assert rows[0].header.row == 2
    assert rows[0].header.labels == tuple(HEADER)


def test_an_hxl_hashtag_row_under_the_header_tags_each_column(
    write_csv: Callable[..., Path],
) -> None:
    tags = ["#affected+name+given", "#affected +name +family", "#affected+birth+date"]
    path = write_csv([HEADER, tags, *PEOPLE])

    rows = list(read_rows(path))

    header = rows[0].header
    assert header.is_hxl
    assert header.row == 1
    assert header.tag_row == 2
    assert [column.tag for column in header.columns] == [
        "#affected+name+given",
        "#affected+name+family",
        "#affected+birth+date",
    ]
    assert [row.row for row in rows] == [3, 4]


def test_an_hxl_hashtag_row_can_stand_in_for_the_header(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx({"HXL": [["#affected+name", "#contact+phone"], ["Ahmad Karimi", "0700"]]})

    rows = list(read_rows(path))

    assert rows[0].header.labels == ("#affected+name", "#contact+phone")
    assert rows[0].values == ("Ahmad Karimi", "0700")


def test_a_file_over_the_size_limit_is_refused_unread(write_csv: Callable[..., Path]) -> None:
    path = write_csv([HEADER, *PEOPLE * 50])

    with pytest.raises(InvalidInput, match=r"file list\.csv: \d+ bytes is over the limit of 100"):
        ListReader(path, limits=Limits(max_file_bytes=100))


def zip_bomb(path: Path, inflated: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * inflated)
    return path


def test_a_workbook_that_would_inflate_a_thousandfold_is_refused_as_a_zip_bomb(
    tmp_path: Path,
) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 4 << 20)

    with pytest.raises(InvalidInput, match="sheet1.xml would inflate .* possible zip bomb"):
        ListReader(path)


def test_a_workbook_over_the_uncompressed_limit_is_refused_before_opening(
    tmp_path: Path,
) -> None:
    path = zip_bomb(tmp_path / "big.xlsx", 300_000)

    with pytest.raises(InvalidInput, match="over the limit of 100000; refused as a possible"):
        ListReader(path, limits=Limits(max_uncompressed_bytes=100_000))


def test_a_truncated_workbook_is_refused_as_damaged(
    write_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    whole = write_xlsx({"Staff": [HEADER, *PEOPLE * 100]}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(InvalidInput, match=r"file cut\.xlsx: not a readable XLSX workbook"):
        list(read_rows(path))


def test_legacy_excel_files_are_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)

    with pytest.raises(InvalidInput, match="legacy Excel .* save it as XLSX or CSV"):
        ListReader(path)


def test_bytes_that_do_not_decode_past_the_sample_are_reported_with_their_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.csv"
    ascii_part = "Name,City\n" + "Ahmad,Kabul\n" * 10_000
    path.write_bytes(ascii_part.encode() + "Maryam,Hérat\n".encode("cp1252"))

    with pytest.raises(InvalidInput, match=r"file mixed\.csv, row 10002: bytes that are not"):
        list(read_rows(path))


def peak_memory_reading(path: Path, lines: int) -> int:
    line = "Ahmad,Karimi,1364/05/12,0700123456,Afghan,some notes about the person\n"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("Given,Family,Born,Phone,Nationality,Notes\n")
        stream.writelines([line] * lines)
    rows = read_rows(path)
    assert inspect.isgenerator(rows)  # nothing is read until asked for
    tracemalloc.start()
    try:
        assert sum(1 for _ in rows) == lines
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_reader_is_lazy_and_its_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    small = peak_memory_reading(tmp_path / "small.csv", 5_000)
    large = peak_memory_reading(tmp_path / "large.csv", 20_000)

    assert (tmp_path / "large.csv").stat().st_size > 1_400_000
    assert large < small * 1.25  # four times the rows, the same memory
    assert large < 1_400_000 / 2


def test_data_that_looks_like_hashtags_further_down_is_not_taken_for_an_hxl_row(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([HEADER, *PEOPLE * 3, ["#hashtag", "#another", "#third"]])

    rows = list(read_rows(path))

    assert not rows[0].header.is_hxl
    assert [row.row for row in rows] == [2, 3, 4, 5, 6, 7, 8]
