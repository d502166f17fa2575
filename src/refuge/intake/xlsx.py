"""The values of an XLSX worksheet's rows, exactly as openpyxl's read-only worksheet gives them,
seven times quicker.

openpyxl builds an element tree node and a dictionary for every cell: over 100 µs a row of a
list, most of the time `refuge import` spent on a workbook. Worksheets as Excel, LibreOffice and
openpyxl write them are regular: rows of `<c r="B7" s="3" t="s"><v>12</v></c>`. Those rows are
read here with one regular expression per row, and each value is made as openpyxl's
`WorkSheetParser.parse_cell` makes it (the same number casts, shared strings, date styles and
conversions, taken from openpyxl itself). A row in any other shape (attributes in another order,
rich text, `$A$1` references, prefixed names) is handed whole to openpyxl's own `parse_row`.
Anything else (a document type declaration, comments, other namespaces, elements between rows,
another encoding, a value openpyxl would refuse, XML that is not well-formed) ends the quick
reading there, and openpyxl reads the sheet from the start, skipping the rows already given: the
rows are openpyxl's in every case, with its errors, at worst read twice.

The sheet's XML is streamed in chunks, each checked by expat for well-formedness before any of
its rows is read, so memory stays flat. `open_workbook` loads a workbook as openpyxl's
`load_workbook(read_only=True, data_only=True)` does, without the pass openpyxl makes over every
sheet to size it (over the whole sheet when it declares no dimensions: a third of the time it
took to read one); `declared_rows` reads the size a sheet declares, for progress.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Generator, Iterator
from pyexpat import ExpatError, ParserCreate
from typing import IO, Any, Final

from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.functions import fromstring

__all__ = ["SheetRows", "declared_rows", "open_workbook"]

_CHUNK: Final = 1 << 20
_MOST_AFTER_ROWS = 16 << 20  # bytes after the sheet data held to check them (merges, links...)
_MAIN: Final = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The start of the document: an optional UTF-8 byte order mark and XML declaration (in UTF-8),
# then the worksheet element in the main namespace, unprefixed.
_PROLOGUE: Final = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:<\?xml(?:\s+version\s*=\s*(?:\"1\.0\"|'1\.0'))"
    rb"(?:\s+encoding\s*=\s*(?:\"(?i:utf-8)\"|'(?i:utf-8)'))?"
    rb"(?:\s+standalone\s*=\s*(?:\"(?:yes|no)\"|'(?:yes|no)'))?\s*\?>)?\s*"
    rb"(<worksheet(?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*>)"
)
_DEFAULT_NAMESPACE: Final = re.compile(rb"\sxmlns\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ROW_START: Final = re.compile(
    rb"<row r=\"([0-9]+)\"(?:\s+[A-Za-z_][\w.:-]*=\"[^\"<&]*\")*\s*(/?)>"
)
_ROW_END: Final = b"</row>"
_SHEET_DATA_END: Final = b"</sheetData>"
_SPACE: Final = re.compile(rb"\s*")
# One canonical cell (groups: column, style, type, value, <is>, inline text, <is/>), a run of
# whitespace, or the first character of anything else.
_CELLS: Final = re.compile(
    rb"<c r=\"([A-Z]{1,3})[1-9][0-9]*\"(?: s=\"([0-9]+)\")?(?: t=\"([A-Za-z]+)\")?\s*"
    rb"(?:/>|>(?:<f(?:\s[^<>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v\s*/>)?"
    rb"(?:(<is>)(?:<t(?: xml:space=\"preserve\")?>([^<]*)</t>|<t\s*/>)?</is>|(<is\s*/>))?</c>)"
    rb"|(\s+)|([\s\S])"
)
_ANY_ROW: Final = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_DIMENSION: Final = re.compile(rb"<dimension[\s/>]")
# Elements openpyxl's sheet parser acts on wherever they are, besides cells and their values.
_ACTED_ON: Final = re.compile(
    rb"<(?:[\w.-]+:)?(?:row|col|sheetProtection|extLst|conditionalFormatting|legacyDrawing|"
    rb"rowBreaks|colBreaks|customSheetViews|printOptions|pageMargins|pageSetup|headerFooter|"
    rb"autoFilter|dataValidations|sheetPr|sheetViews|sheetFormatPr|scenarios|tableParts|"
    rb"hyperlinks|mergeCells|dimension|sheetData)[\s/>]"
)
_ENTITY: Final = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED: Final = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_COLUMNS: dict[bytes, int] = {}


class _Resume(Exception):  # noqa: N818 - not an error: openpyxl takes over
    """The quick reading stops here; openpyxl reads on from the same row."""


# What ends the quick reading: constructs it leaves to openpyxl, values openpyxl refuses, XML
# that is not well-formed, a damaged zip member (openpyxl then meets the same and says so).
_HANDED_OVER: Final = (
    _Resume,
    ExpatError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    OverflowError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    zipfile.BadZipFile,
    zlib.error,
)


class _SheetReader(ExcelReader):  # type: ignore[misc]  # openpyxl ships no type information
    """openpyxl's reader, its read-only worksheets left unsized: sizing one parses the sheet
    until its dimensions, which is the whole sheet when it declares none."""

    def read_worksheets(self) -> None:
        # openpyxl 3.1's read_worksheets, its read-only branch, with _Unsized for
        # ReadOnlyWorksheet; the same sheets, relationships and errors.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            rels_path = get_rels_path(rel.target)
            if rels_path in self.valid_files:
                get_dependents(self.archive, rels_path)
            worksheet = _Unsized(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


class _Unsized(ReadOnlyWorksheet):  # type: ignore[misc]
    def _get_size(self) -> None:
        pass  # max_row and max_column stay None, as after reset_dimensions()


def open_workbook(stream: IO[bytes]) -> Any:
    """openpyxl's `load_workbook(stream, read_only=True, data_only=True)`, its sheets unsized."""
    reader = _SheetReader(stream, read_only=True, data_only=True)
    reader.read()
    return reader.wb


class SheetRows(Iterator[tuple[object, ...]]):
    """What `worksheet.iter_rows(max_row=max_row, values_only=True)` yields for an unsized
    read-only worksheet of a workbook opened by `open_workbook`, in the same order."""

    def __init__(self, worksheet: Any, max_row: int) -> None:
        self.worksheet = worksheet
        self.max_row = max_row
        self._rows = self._read()

    def __next__(self) -> tuple[object, ...]:
        return next(self._rows)

    def close(self) -> None:
        self._rows.close()

    def _read(self) -> Generator[tuple[object, ...], None, None]:
        given = 0
        try:
            for row in self._quick():
                yield row
                given += 1
            return
        except _HANDED_OVER:
            # Some construct, value or damage the quick reading leaves to openpyxl: it reads the
            # sheet again and goes on from the first row not given yet (or raises its error).
            pass
        rows: Iterator[Any] = self.worksheet.iter_rows(max_row=self.max_row, values_only=True)
        while True:
            with _quiet():
                theirs = next(rows, None)
            if theirs is None:
                return
            if given:
                given -= 1
            else:
                yield theirs

    def _quick(self) -> Generator[tuple[object, ...], None, None]:
        worksheet = self.worksheet
        if not worksheet.parent.data_only:
            raise _Resume
        with worksheet._get_source() as source:
            chunks = _Checked(source)
            head, root, rest = _head(chunks)
            with _quiet():
                for _ in _parser(worksheet, head + b"</sheetData></worksheet>").parse():
                    raise _Resume  # (parsed for what openpyxl raises on the elements above)
            counter = 1
            index = 1
            max_row = self.max_row
            for index, row in _rows(chunks, rest, root, _Values(worksheet)):
                if index > max_row:
                    break  # openpyxl reads no further either
                while counter < index:  # rows the sheet leaves out are blank
                    counter += 1
                    yield ()
                if counter <= index:
                    counter += 1
                    yield row
            else:
                if _ANY_ROW.search(chunks.rest):  # rows after the sheet data: openpyxl's to give
                    raise _Resume
                with _quiet():
                    for _ in _parser(worksheet, root + chunks.rest).parse():
                        raise _Resume
            if max_row < index:
                for _ in range(counter, max_row + 1):
                    yield ()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """openpyxl's warnings silenced: they quote cell values ("serial value … is outside the
    limits for dates"), which are personal data, and would reach stderr and the logs. Only
    around openpyxl's own calls: the quick reading warns of nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class _Checked:
    """The sheet's XML in chunks, each checked by expat to be well-formed before it is handed
    out."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._expat = ParserCreate(namespace_separator="}")
        self._expat.StartDoctypeDeclHandler = _refuse_doctype
        self.ended = False
        self.rest = b""  # what follows the sheet data, once the rows are read

    def read(self) -> bytes:
        if self.ended:
            return b""
        data = self._source.read(_CHUNK)
        self.ended = not data
        self._expat.Parse(data, self.ended)
        return data


def _refuse_doctype(*_: object) -> None:
    raise _Resume  # openpyxl (defusedxml) decides what a document type declaration may hold


def _head(chunks: _Checked) -> tuple[bytes, bytes, bytes]:
    """(the XML up to and including <sheetData>, the worksheet start tag, what follows)."""
    data = b""
    while (found := data.find(b"<sheetData")) < 0 or len(data) < found + 12:
        more = chunks.read()
        if not more or len(data) > 16 * _CHUNK:
            raise _Resume  # no rows, or a head of a size no writer makes: openpyxl's
        data += more
    prologue = _PROLOGUE.match(data)
    if prologue is None:
        raise _Resume
    root = prologue.group(1)
    namespace = _DEFAULT_NAMESPACE.search(root)
    if namespace is None or (namespace.group(1) or namespace.group(2)) != _MAIN:
        raise _Resume
    head = data[:found]
    if b"<!" in head or b"<?" in head[prologue.end() :] or _ANY_ROW.search(head):
        raise _Resume
    rest = data[found + 11 :]
    if data.startswith(b"<sheetData/>", found):
        return head + b"<sheetData>", root, b"</sheetData>" + data[found + 12 :]
    if not data.startswith(b"<sheetData>", found):
        raise _Resume
    return head + b"<sheetData>", root, rest


def _parser(worksheet: Any, document: bytes) -> Any:
    """openpyxl's parser of the sheet, over `document`."""
    book = worksheet.parent
    return WorkSheetParser(
        io.BytesIO(document),
        worksheet._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )


def declared_rows(worksheet: Any) -> int | None:
    """The last row the sheet's dimension element names, if it has one above its rows: what
    openpyxl sizes a read-only sheet by (and refuses a workbook over, when it does not parse)."""
    with worksheet._get_source() as source:
        head = b""
        while (found := head.find(b"<sheetData")) < 0:
            more = source.read(_CHUNK)
            if not more or len(head) > 16 * _CHUNK:
                break
            head += more
    if found >= 0:
        head = head[:found]
    if not _DIMENSION.search(head):
        return None
    try:
        dimensions = WorkSheetParser(io.BytesIO(head), []).parse_dimensions()
    except ElementTree.ParseError:
        return None  # the head ends before it closes; the rows' reading says what is wrong
    if dimensions is None or not isinstance(dimensions[3], int):
        return None
    return int(dimensions[3])


def _rows(
    chunks: _Checked, data: bytes, root: bytes, values: _Values
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row number, values) of each row element of the sheet data, as openpyxl's parse_row and
    _get_row make them."""
    position = 0
    while True:
        position = _SPACE.match(data, position).end()  # type: ignore[union-attr]  # \s* matches
        if data.startswith(_SHEET_DATA_END, position):
            rest = [data[position + len(_SHEET_DATA_END) :]]
            size = len(rest[0])
            while more := chunks.read():
                rest.append(more)
                size += len(more)
                if size > _MOST_AFTER_ROWS:
                    raise _Resume  # more than writers put after the rows: openpyxl streams it
            chunks.rest = b"".join(rest)
            return
        start = _ROW_START.match(data, position)
        end = -1 if start is None or start.group(2) else data.find(_ROW_END, start.end())
        if start is None or (end < 0 and not start.group(2)):
            if start is None and data.find(b">", position) >= 0:
                raise _Resume  # something other than a row (or a row in another shape)
            if len(data) - position > 64 * _CHUNK:
                raise _Resume  # a row of a size no writer makes
            more = chunks.read()
            if not more:
                raise _Resume  # cut short, or something other than a row: openpyxl says what
            data = data[position:] + more
            position = 0
            continue
        number = int(start.group(1))
        if start.group(2):  # <row r=".." .../>
            position = start.end()
            yield number, ()
            continue
        body = start.end()
        if data.find(b"<!", body, end) >= 0 or data.find(b"<?", body, end) >= 0:
            raise _Resume  # a comment, CDATA or a processing instruction
        if data.find(b"xmlns", body, end) >= 0:
            raise _Resume  # a namespace declared on the way
        row = values.quick(data, start.end(), end)
        if row is None:
            if _ACTED_ON.search(data, start.end(), end):
                raise _Resume
            number, row = values.parsed(root + data[position : end + len(_ROW_END)])
        position = end + len(_ROW_END)
        yield number, row


class _Values:
    """Cell values as openpyxl's WorkSheetParser.parse_cell makes them (data_only)."""

    def __init__(self, worksheet: Any) -> None:
        book = worksheet.parent
        self.strings = worksheet._shared_strings
        self.dates: set[int] = book._date_formats
        self.deltas: set[int] = book._timedelta_formats
        self.epoch = book.epoch
        self.parser = _parser(worksheet, b"")

    def quick(self, data: bytes, start: int, end: int) -> tuple[object, ...] | None:
        """The row's values, or None when it holds more than canonical cells."""
        columns: list[int] = []
        values: list[object] = []
        in_order = True  # columns A, B, C ... each once
        for letters, style, kind, raw, inline, text, empty_inline, space, other in _CELLS.findall(
            data, start, end
        ):
            if other:
                return None
            if space:
                continue
            value: object
            if kind == b"inlineStr":
                value = _text(text) if inline or empty_inline else None
            elif not raw:
                value = None
            elif not kind or kind == b"n":
                value = _number(_text(raw))
                style_id = int(style) if style else 0
                if style_id in self.dates:
                    try:
                        value = from_excel(value, self.epoch, timedelta=style_id in self.deltas)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif kind == b"s":
                value = self.strings[int(_text(raw))]
            elif kind == b"b":
                value = bool(int(_text(raw)))
            elif kind == b"d":
                value = from_ISO8601(_text(raw))
            else:
                value = _text(raw)
            column = _COLUMNS.get(letters)
            if column is None:
                column = _COLUMNS.setdefault(letters, column_index_from_string(letters.decode()))
            values.append(value)
            columns.append(column)
            in_order = in_order and column == len(columns)
        if in_order:
            return tuple(values)
        width = columns[-1]  # the last cell's column, as _get_row takes it
        placed: list[object] = [None] * width
        for column, value in zip(columns, values, strict=True):
            if 1 <= column <= width:
                placed[column - 1] = value
        return tuple(placed)

    def parsed(self, document: bytes) -> tuple[int, tuple[object, ...]]:
        """The row in `document` (the worksheet start tag and one row element) read by
        openpyxl's own parse_row and laid out as _get_row lays it out."""
        element = fromstring(document + b"</worksheet>")[0]
        with _quiet():
            number, cells = self.parser.parse_row(element)
        if not cells:
            return number, ()
        width = cells[-1]["column"]
        placed: list[object] = [None] * width
        for cell in cells:
            if 1 <= cell["column"] <= width:
                placed[cell["column"] - 1] = cell["value"]
        return number, tuple(placed)


def _number(text: str) -> int | float:
    # openpyxl's _cast_number.
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _text(raw: bytes) -> str:
    """Character data as expat hands it over: line ends normalised, references replaced."""
    text = raw.decode()
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_replace, text)
    return text


def _replace(found: re.Match[str]) -> str:
    hexadecimal, decimal, name = found.groups()
    if name:
        return _NAMED[name]
    return chr(int(hexadecimal, 16) if hexadecimal else int(decimal))
