"""Hostile and broken lists: whatever bytes arrive, the importer gives rows or one InvalidInput
naming the file, never another exception; files too big, too long or inflating too far are
refused before they cost time or memory."""

from __future__ import annotations

import datetime as dt
import io
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from refuge.domain.errors import InvalidInput
from refuge.intake import Limits, read_list

TODAY = dt.date(2026, 11, 25)
SHEET = "xl/worksheets/sheet1.xml"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def read_all(path: Path, limits: Limits | None = None) -> int:
    """Rows read, or InvalidInput; any other exception fails the test."""
    run = read_list(path, organisation="ngo", today=TODAY, limits=limits)
    count = sum(1 for _ in run)
    assert run.report.balanced
    return count


def read_bytes(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        message = f"file {name}"
        try:
            read_all(path)
        except InvalidInput as exc:
            message = exc.message
    assert message.startswith(f"file {name}")


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Given name", "Family name", "Date of birth"])
    sheet.append(["Ahmad", "Karimi", dt.date(1985, 5, 12)])
    sheet.append(["Maryam", "=HYPERLINK(1)", 3.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = workbook()
with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as _archive:
    MEMBERS = {info.filename: _archive.read(info.filename) for info in _archive.infolist()}


def rezip(changes: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in MEMBERS.items():
            archive.writestr(name, changes.get(name, data))
    return buffer.getvalue()


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def sheet_xml(rows: str) -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


CSV_PIECES = st.sampled_from(
    [b"Given name", b"Family name", b"Name", b",", b";", b"\t", b"\n", b"\r", b'"', b"\x00",
     b"#affected+name", b"#contact+phone", b"\xff\xfe", b"\xef\xbb\xbf", b"\xd8\xa7", b"01/02/1990",
     b"=cmd|' /C calc'!A0", b"\x1b[2J", b"\xe2\x80\xa8", b"\x85", b" "]
)  # fmt: skip


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.lists(CSV_PIECES, max_size=50).map(b"".join)))
def test_any_bytes_sent_as_a_csv_list_are_read_or_refused_as_invalid_input(data: bytes) -> None:
    read_bytes(data, "list.csv")


# Each example is a finding of the fuzzer: openpyxl or zipfile raised something else.
CELL = '<row r="2"><c r="A2"{}><v>{}</v></c><c r="B2" t="inlineStr"><is><t>K</t></is></c></row>'
HEAD = '<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c></row>'


@FUZZ
@given(
    st.one_of(
        st.tuples(st.sampled_from(sorted(MEMBERS)), st.integers(0, 2000), st.binary(max_size=6)),
        st.tuples(st.just("zip"), st.integers(0, len(WORKBOOK)), st.binary(min_size=1, max_size=4)),
    )
)
@example(("sheet", 0, HEAD + CELL.format("", "x")))  # ValueError: a number that is not one
@example(("sheet", 0, HEAD + CELL.format("", "nan")))
@example(("sheet", 0, HEAD + CELL.format(' s="1"', "99999999")))  # a date off the calendar
@example(("sheet", 0, HEAD + CELL.format(' t="d"', "2020-13-45")))
@example(("sheet", 0, HEAD + CELL.format(' s="999"', "1")))  # a style that does not exist
@example(("sheet", 0, HEAD + '<row r="2"><c r="ZZZZ2"><v>1</v></c></row>'))
@example(("zip", 6, b"\x21"))  # flags: "compressed patched data", NotImplementedError
@example(("zip", 6, b"\x01"))  # flags: encrypted, RuntimeError
@example(("zip", 4, b"\x99"))  # version needed 15.3: NotImplementedError
@example(("zip", 8, b"\x63"))  # compression method 99: NotImplementedError
@example(("zip", 40, b"\xff\xff\xff\xff"))  # a deflate stream broken: zlib.error
def test_any_damage_to_a_workbook_is_read_or_refused_as_invalid_input(
    damage: tuple[str, int, str | bytes],
) -> None:
    where, offset, new = damage
    if where == "sheet":
        assert isinstance(new, str)
        data = rezip({SHEET: sheet_xml(new)})
    elif where == "zip":
        assert isinstance(new, bytes)
        data = rezip({}) if offset >= 40 else WORKBOOK
        data = patched(data, offset, new)
        if offset == 40:  # into the first member's deflate stream, past its local header
            data = patched(data, 30 + len("[Content_Types].xml") + 2, new)
    else:
        assert isinstance(new, bytes)
        data = rezip({where: patched(MEMBERS[where], offset, new)})
    read_bytes(data, "list.xlsx")


def test_a_workbook_naming_a_row_a_billion_down_is_refused_at_the_row_limit_quickly(
    tmp_path: Path,
) -> None:
    far = '<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = tmp_path / "far.xlsx"
    path.write_bytes(
        rezip({SHEET: MEMBERS[SHEET].replace(b"</sheetData>", far.encode() + b"</sheetData>")})
    )
    started = time.monotonic()

    with pytest.raises(InvalidInput, match=r"file far\.xlsx, sheet Sheet: more than 5000 rows"):
        read_all(path, Limits(max_rows=5000))
    # Without the limit openpyxl would hand over a billion blank rows, one by one.
    assert time.monotonic() - started < 30


def test_the_row_limit_counts_every_sheet_of_a_workbook(
    write_xlsx: Callable[..., Path],
) -> None:
    rows = [["Given name", "Family name"], *[["Ahmad", f"Karimi{i}"] for i in range(30)]]
    path = write_xlsx({"One": rows, "Two": rows})

    assert read_all(path, Limits(max_rows=62)) == 60
    with pytest.raises(InvalidInput, match="sheet Two: more than 61 rows"):
        read_all(path, Limits(max_rows=61))


def test_a_csv_list_over_the_row_limit_is_refused_naming_the_limit(
    write_csv: Callable[..., Path],
) -> None:
    path = write_csv([["Given name", "Family name"], *[["Ahmad", "Karimi"]] * 20, [], []])

    assert read_all(path, Limits(max_rows=23)) == 20
    with pytest.raises(InvalidInput, match=r"file list\.csv: more than 22 rows .* limit of 22"):
        read_all(path, Limits(max_rows=22))


def test_a_workbook_member_that_inflates_beyond_its_declared_size_is_refused(
    tmp_path: Path,
) -> None:
    """A zip bomb that declares small sizes: the declared ratio looks harmless, and reading stops
    at the declared size, so the real size never reaches memory."""
    bomb = rezip({SHEET: MEMBERS[SHEET] + b" " * (64 << 20)})
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        member = archive.getinfo(SHEET)
    declared = len(MEMBERS[SHEET]) + 10
    data = bytearray(bomb)
    # The uncompressed size, in the member's local header and in the central directory.
    struct.pack_into("<I", data, member.header_offset + 22, declared)
    central = data.rfind(b"PK\x01\x02" + data[member.header_offset + 4 : member.header_offset + 6])
    central = bytes(data).find(b"PK\x01\x02", 0)
    while central != -1:
        (length,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + length] == SHEET.encode():
            struct.pack_into("<I", data, central + 24, declared)
        central = bytes(data).find(b"PK\x01\x02", central + 4)
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))

    with pytest.raises(InvalidInput, match=r"file liar\.xlsx: not a readable XLSX workbook"):
        read_all(path)


def test_a_member_declaring_a_thousandfold_inflation_is_refused_before_opening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rezip({SHEET: b"<" + b"a" * (8 << 20) + b"/>"}))

    with pytest.raises(InvalidInput, match="would inflate .* refused as a possible zip bomb"):
        read_all(path)


def test_entity_expansion_in_a_sheet_is_refused_not_expanded(tmp_path: Path) -> None:
    """A billion laughs: nested entities a few hundred bytes long that expand to gigabytes."""
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'{HEAD}<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(rezip({SHEET: laughs}))

    with pytest.raises(InvalidInput, match=r"file laughs\.xlsx: not a readable XLSX workbook"):
        read_all(path)


def test_an_external_entity_in_a_sheet_is_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the key-encryption key")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'{HEAD}<row r="2"><c r="A2" t="inlineStr"><is><t>&x;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(rezip({SHEET: xxe}))

    try:
        run = read_list(path, organisation="ngo", today=TODAY)
        results = list(run)
    except InvalidInput:
        return
    assert not any("key-encryption" in repr(result) for result in results)
