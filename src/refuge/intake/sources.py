"""Reading organisations' lists row by row: CSV in any common encoding and delimiter, XLSX sheets,
and HXL hashtag rows, with the file's content hash and each row's place in it.

Readers are generators over the file: memory stays flat however long the list is. Every size a
hostile or broken file could blow up (bytes on disk, XLSX members once inflated, rows, columns per
row) is checked against `Limits` before it is read. Whatever a damaged or hostile workbook makes
the spreadsheet library raise becomes one InvalidInput naming the file. Sheets are read by
`refuge.intake.xlsx`: openpyxl's rows, quicker.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final, cast

import charset_normalizer
from openpyxl.utils import get_column_letter

from refuge.domain.errors import InvalidInput, NotFound
from refuge.domain.frozen import quick_init
from refuge.intake.xlsx import SheetRows, declared_rows, open_workbook

__all__ = [
    "Cell",
    "Column",
    "Header",
    "Limits",
    "ListFormat",
    "ListReader",
    "SourceRow",
    "content_hash",
    "detect_delimiter",
    "detect_encoding",
    "detect_format",
    "read_rows",
]

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

_SAMPLE: Final = 64 * 1024
_LOOKAHEAD: Final = 25  # rows read ahead to find the header
_HXL_WITHIN: Final = 5  # non-blank rows from the top where a hashtag row is looked for
_CHUNK: Final = 1024 * 1024
_DELIMITERS: Final = ",;\t|"
# The encodings lists really arrive in. Restricting the detector to them keeps it from choosing a
# close cousin (cp1250 for a cp1252 file) on short samples.
_CANDIDATE_ENCODINGS: Final = ["utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1256", "cp1252"]
_SURROGATE: Final = re.compile("[\udc80-\udcff]")
_HASHTAG: Final = re.compile(r"^#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class Limits:
    """How big an input may be before it is refused, unread.

    XLSX members are checked on the sizes their zip headers declare; Python's zipfile stops
    inflating a member at its declared size, so a member cannot lie its way past the check.
    """

    max_file_bytes: int = 1 << 30
    max_uncompressed_bytes: int = 4 << 30
    max_compression_ratio: int = 200  # real sheets inflate 5 to 50 times; zip bombs, thousands
    ratio_checked_above: int = 1 << 20  # tiny members can have any ratio without harm
    max_columns: int = 1000
    # Rows read from the whole file, blank ones included: a workbook can address row 10^9 in a
    # few bytes, and every row up to it is read as a blank one.
    max_rows: int = 2_000_000


class ListFormat:
    CSV: Final = "csv"
    XLSX: Final = "xlsx"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet: its position, its header text and its HXL hashtag, if any."""

    index: int
    name: str
    tag: str | None = None

    @property
    def letter(self) -> str:
        return str(get_column_letter(self.index + 1))

    @property
    def label(self) -> str:
        """How reports and records call the column: its header, else its tag, else its letter."""
        return self.name or self.tag or f"column {self.letter}"


@dataclass(frozen=True, slots=True)
class Header:
    """The header of one sheet: where it is and what its columns are called.

    `row` is the row holding the column names (or the hashtags when there are no names);
    `tag_row` the HXL hashtag row; rows above the header are titles, kept out of the data.
    """

    file: str
    sheet: str | None
    row: int
    columns: tuple[Column, ...]
    tag_row: int | None = None

    @property
    def is_hxl(self) -> bool:
        return self.tag_row is not None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(column.label for column in self.columns)


@quick_init
@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row as the file has it: raw values, in column order, and where it came from.

    `row` is the row number a user sees in the spreadsheet (1 is the first line of the file).
    """

    file: str
    content_hash: str
    sheet: str | None
    row: int
    header: Header = field(repr=False)
    values: tuple[Cell, ...] = field(repr=False)
    cut_short: bool = False  # the last row of a text file that ends without a line break

    @property
    def is_blank(self) -> bool:
        return all(_is_empty(value) for value in self.values)


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    """XLSX by its zip signature, legacy Excel refused by its own, anything else read as text."""
    with path.open("rb") as stream:
        magic = stream.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return ListFormat.XLSX
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput(
            f"file {path.name}: legacy Excel (.xls) is not read; save it as XLSX or CSV"
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise InvalidInput(f"file {path.name}: not a readable XLSX workbook (damaged or truncated)")
    return ListFormat.CSV


def detect_encoding(sample: bytes) -> str:
    """The text encoding of a file, from its first bytes.

    A byte order mark decides; then strict UTF-8 (the commonest, and unmistakable when it
    decodes); then charset-normalizer among the encodings lists are sent in.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end inside a character; that alone does not make it something else.
        if not (exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3):
            best = charset_normalizer.from_bytes(sample, cp_isolation=_CANDIDATE_ENCODINGS).best()
            if best is None:
                raise InvalidInput(
                    "text in an encoding Refuge does not recognise; save it as UTF-8"
                ) from exc
            return str(best.encoding)
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The field delimiter among comma, semicolon, tab and pipe.

    csv.Sniffer first; when it cannot decide (title rows, one-column files, quoted headers), the
    candidate that splits the most lines into the same number of fields; comma when none does.
    """
    lines = sample.splitlines()
    complete = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(complete, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    filled = [line for line in lines[:_LOOKAHEAD] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(line.count(delimiter) for line in filled)
        counts.pop(0, None)
        if counts:
            fields, lines_agreeing = counts.most_common(1)[0]
            score = (lines_agreeing, fields)
            if score > best_score:
                best, best_score = delimiter, score
    return best


class ListReader:
    """One list file, checked against `limits` and hashed on opening, read row by row.

    `fraction` says how far `rows()` has got, for progress bars (None before it starts).
    """

    def __init__(
        self, path: Path, *, sheet: str | None = None, limits: Limits | None = None
    ) -> None:
        self.path = path
        self.sheet = sheet
        self.limits = limits or Limits()
        _check_size(path, self.limits)
        self.size = path.stat().st_size
        self.format = detect_format(path)
        if self.format == ListFormat.CSV and sheet is not None:
            raise NotFound(f"file {path.name}: a CSV file has no sheet {sheet!r}")
        if self.format == ListFormat.XLSX:
            _check_zip(path, self.limits)
        self.content_hash = content_hash(path)
        self._fraction: Callable[[], float] | None = None

    @property
    def fraction(self) -> float | None:
        return min(1.0, self._fraction()) if self._fraction is not None else None

    def rows(self) -> Iterator[SourceRow]:
        """Every row below the header of every sheet (or of `sheet`), blank rows included."""
        if self.format == ListFormat.XLSX:
            return self._xlsx_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Generator[SourceRow, None, None]:
        path = self.path
        with path.open("rb") as binary:
            sample = binary.read(_SAMPLE)
            try:
                encoding = detect_encoding(sample)
            except InvalidInput as exc:
                raise InvalidInput(f"file {path.name}: {exc.message}") from exc
            # Sniff on the decoded sample, then read the file afresh from its first byte.
            head = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(sample)
            delimiter = detect_delimiter(head)
            binary.seek(0)
            size = max(self.size, 1)
            self._fraction = lambda: binary.tell() / size
            # Undecodable bytes become lone surrogates, so the row that holds them can be named.
            text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            numbered = _numbered_csv(reader, path, encoding, self.limits)
            rows = _rows_below_header(numbered, path.name, self.content_hash, None)
            yield from _last_marked(rows, cut_short=not _ends_with_line_break(binary))
            self._fraction = lambda: 1.0

    def headers(self) -> list[Header]:
        """The header of each sheet (or of `sheet`) with rows below it, reading no further into
        any sheet than its header and first row."""
        if self.format == ListFormat.XLSX:
            return [row.header for row in self._xlsx_rows(first_only=True)]
        rows = self._csv_rows()
        try:
            first = next(rows, None)
        finally:
            rows.close()
        return [first.header] if first is not None else []

    def _xlsx_rows(self, *, first_only: bool = False) -> Iterator[SourceRow]:
        path = self.path
        # Opened here, not by openpyxl: it leaves its file open when a workbook fails to load.
        stream = path.open("rb")
        try:
            with warnings.catch_warnings():
                # openpyxl warns of styles and extensions it ignores; none of it touches values.
                warnings.simplefilter("ignore")
                book = open_workbook(stream)
        except _UNREADABLE as exc:
            stream.close()
            raise _damaged(path) from exc
        except BaseException:
            stream.close()
            raise
        read = _Counter()  # rows of every sheet so far, against limits.max_rows
        try:
            names: Sequence[str] = book.sheetnames
            if self.sheet is not None:
                if self.sheet not in names:
                    raise NotFound(f"file {path.name} has no sheet {self.sheet!r}")
                names = [self.sheet]
            for position, name in enumerate(names):
                try:
                    worksheet = book[name]
                except _UNREADABLE as exc:
                    raise _damaged(path) from exc
                if not hasattr(worksheet, "iter_rows"):
                    continue  # a chart sheet holds no rows
                try:
                    # For progress only: writers other than Excel often declare wrong
                    # dimensions, so the rows read are what is there (the sheet left unsized).
                    declared = declared_rows(worksheet)
                except _UNREADABLE as exc:
                    raise _damaged(path) from exc
                counter = _Counter()
                self._fraction = _sheet_fraction(position, len(names), counter, declared)
                # One row past what is left of the limit is asked for, so a sheet addressing a
                # row far beyond it is cut there (and refused) instead of read to its end.
                left = self.limits.max_rows - read.count
                rows = _counted(_guarded(SheetRows(worksheet, left + 1), path), counter, read)
                numbered = _numbered_xlsx(rows, path, name, self.limits, read)
                below = _rows_below_header(numbered, path.name, self.content_hash, name)
                if first_only:
                    yield from itertools.islice(below, 1)
                else:
                    yield from below
            self._fraction = lambda: 1.0
        finally:
            book.close()
            stream.close()


# What openpyxl and zipfile raise on damaged or hostile workbooks (found by fuzzing: bad deflate
# streams, unknown compression methods, encrypted members, cell values and styles that do not
# parse, cut-off XML). RecursionError is a RuntimeError.
_UNREADABLE: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    OSError,
)


def _guarded(rows: Iterable[tuple[object, ...]], path: Path) -> Iterator[tuple[object, ...]]:
    """The spreadsheet library's rows, its errors on a damaged sheet translated (and only its:
    errors of our own code further down the pipeline are not mistaken for a damaged file). Its
    warnings, which quote cell values, SheetRows silences."""
    iterator = iter(rows)
    while True:
        try:
            values = next(iterator)
        except StopIteration:
            return
        except _UNREADABLE as exc:
            raise _damaged(path) from exc
        yield values


def _ends_with_line_break(binary: IO[bytes]) -> bool:
    """Whether the file's last byte (or UTF-16 code unit) is a line break, its cursor kept."""
    here = binary.tell()
    try:
        binary.seek(max(0, binary.seek(0, io.SEEK_END) - 2))
        tail = binary.read(2)
    finally:
        binary.seek(here)
    return tail.strip(b"\x00").endswith((b"\n", b"\r")) or not tail


def _last_marked(rows: Iterator[SourceRow], *, cut_short: bool) -> Iterator[SourceRow]:
    """The rows, the last one marked when the file ends inside it: a list cut off in transfer
    or by a size limit loses the end of its last row without any other sign."""
    previous: SourceRow | None = None
    for row in rows:
        if previous is not None:
            yield previous
        previous = row
    if previous is not None:
        yield dataclasses.replace(previous, cut_short=cut_short and not previous.is_blank)


def read_rows(
    path: Path, *, sheet: str | None = None, limits: Limits | None = None
) -> Iterator[SourceRow]:
    """Every row below the header of every sheet (or of `sheet`), blank rows included."""
    return ListReader(path, sheet=sheet, limits=limits).rows()


class _Counter:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def _counted(
    rows: Iterable[tuple[object, ...]], *counters: _Counter
) -> Iterator[tuple[object, ...]]:
    for row in rows:
        for counter in counters:
            counter.count += 1
        yield row


def _sheet_fraction(
    position: int, sheets: int, counter: _Counter, declared: int | None
) -> Callable[[], float]:
    def fraction() -> float:
        within = min(1.0, counter.count / declared) if declared else 0.0
        return (position + within) / sheets

    return fraction


def _damaged(path: Path) -> InvalidInput:
    return InvalidInput(f"file {path.name}: not a readable XLSX workbook (damaged or truncated)")


def _check_size(path: Path, limits: Limits) -> None:
    if not path.is_file():
        raise NotFound(f"file {path.name} not found")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InvalidInput(
            f"file {path.name}: {size} bytes is over the limit of {limits.max_file_bytes}"
        )


# CSV ------------------------------------------------------------------------------------------


def _numbered_csv(
    reader: Iterator[list[str]], path: Path, encoding: str, limits: Limits
) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _undecodable(path, encoding, number + 1) from exc
        except csv.Error as exc:
            raise InvalidInput(
                f"file {path.name}, row {number + 1}: not readable as CSV ({_csv_reason(exc)})"
            ) from exc
        number += 1
        if number > limits.max_rows:
            raise _too_many_rows(path, None, limits)
        joined = "".join(values)
        if not joined.isascii() and _SURROGATE.search(joined):
            raise _undecodable(path, encoding, number)
        if len(values) > limits.max_columns:
            raise InvalidInput(
                f"file {path.name}, row {number}: {len(values)} columns is over the limit of "
                f"{limits.max_columns}"
            )
        yield number, tuple(values)


def _too_many_rows(path: Path, sheet: str | None, limits: Limits) -> InvalidInput:
    where = f", sheet {sheet}" if sheet is not None else ""
    return InvalidInput(
        f"file {path.name}{where}: more than {limits.max_rows} rows (blank rows counted) is over "
        f"the limit of {limits.max_rows}; split the list"
    )


def _csv_reason(exc: csv.Error) -> str:
    # csv messages describe the structure ("field larger than field limit"), never the data.
    return str(exc).split("(")[0].strip()


def _undecodable(path: Path, encoding: str, row: int | None) -> InvalidInput:
    where = f", row {row}" if row is not None else ""
    return InvalidInput(
        f"file {path.name}{where}: bytes that are not valid {encoding}, the encoding detected "
        f"from the start of the file; save it as UTF-8"
    )


# XLSX -----------------------------------------------------------------------------------------


def _numbered_xlsx(
    rows: Iterable[tuple[object, ...]], path: Path, sheet: str, limits: Limits, read: _Counter
) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    for number, values in enumerate(rows, start=1):
        if read.count > limits.max_rows:
            raise _too_many_rows(path, sheet, limits)
        if len(values) > limits.max_columns:
            raise InvalidInput(
                f"file {path.name}, sheet {sheet}, row {number}: {len(values)} columns is over "
                f"the limit of {limits.max_columns}"
            )
        if _CELL_TYPES.issuperset(map(type, values)):  # as every value openpyxl makes is
            yield number, cast(tuple[Cell, ...], tuple(values))
        else:
            yield number, tuple(map(_cell, values))


_CELL_TYPES: Final = frozenset(
    {str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta, type(None)}
)


def _cell(value: object) -> Cell:
    if value is None or isinstance(
        value, str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta
    ):
        return value
    return str(value)


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose members would inflate beyond the limits, before opening it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except _UNREADABLE as exc:
        raise _damaged(path) from exc
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_checked_above and ratio > limits.max_compression_ratio:
            raise InvalidInput(
                f"file {path.name}: member {member.filename} would inflate {ratio:.0f} times "
                f"(limit {limits.max_compression_ratio}); refused as a possible zip bomb"
            )
    if total > limits.max_uncompressed_bytes:
        raise InvalidInput(
            f"file {path.name}: {total} bytes once uncompressed is over the limit of "
            f"{limits.max_uncompressed_bytes}; refused as a possible zip bomb"
        )


# Header detection -----------------------------------------------------------------------------


def _rows_below_header(
    numbered: Iterator[tuple[int, tuple[Cell, ...]]],
    file: str,
    file_hash: str,
    sheet: str | None,
) -> Iterator[SourceRow]:
    lookahead: list[tuple[int, tuple[Cell, ...]]] = []
    for item in numbered:
        lookahead.append(item)
        if len(lookahead) >= _LOOKAHEAD:
            break
    filled = [(number, values) for number, values in lookahead if not _all_empty(values)]
    if not filled:
        return  # an empty sheet has no header and no rows
    header, data_start = _find_header(filled, lookahead, file, sheet)

    def build(number: int, values: tuple[Cell, ...]) -> SourceRow:
        return SourceRow(file, file_hash, sheet, number, header, values)

    for number, values in lookahead:
        if number >= data_start:
            yield build(number, values)
    for number, values in numbered:
        yield build(number, values)


def _find_header(
    filled: list[tuple[int, tuple[Cell, ...]]],
    lookahead: list[tuple[int, tuple[Cell, ...]]],
    file: str,
    sheet: str | None,
) -> tuple[Header, int]:
    width = max(len(values) for _, values in lookahead)
    widest = max(_filled_count(values) for _, values in filled)
    needed = max(min(2, widest), (widest + 1) // 2)
    # A hashtag row sits just under the header or instead of it, after any title rows: looking
    # further down would take data rows for titles if a cell of data happened to look like a tag.
    for position, (number, values) in enumerate(filled[:_HXL_WITHIN]):
        if _is_hashtag_row(values) and _filled_count(values) >= needed:
            names: tuple[Cell, ...] = ()
            header_row = number
            if position > 0:
                header_row, names = filled[position - 1]
            tags = _texts(values, width)
            labels = _texts(names, width)
            columns = tuple(
                Column(index, labels[index], _tag(tags[index]) or None) for index in range(width)
            )
            return Header(file, sheet, header_row, columns, tag_row=number), number + 1
    # Title and merged group rows above the header fill fewer cells than the header does.
    number, values = next((n, v) for n, v in filled if _filled_count(v) >= needed)
    labels = _texts(values, width)
    columns = tuple(Column(index, labels[index]) for index in range(width))
    return Header(file, sheet, number, columns), number + 1


def _is_hashtag_row(values: tuple[Cell, ...]) -> bool:
    texts = [value.strip() for value in values if isinstance(value, str) and value.strip()]
    others = [value for value in values if not isinstance(value, str) and value is not None]
    return bool(texts) and not others and all(_HASHTAG.match(text) for text in texts)


def _tag(text: str) -> str:
    """A hashtag in canonical form: lower case, no spaces, attributes in the order given."""
    return re.sub(r"\s+", "", text).lower()


def _texts(values: Sequence[Cell], width: int) -> list[str]:
    texts = [" ".join(str(value).split()) if value is not None else "" for value in values]
    return texts + [""] * (width - len(texts))


def _filled_count(values: tuple[Cell, ...]) -> int:
    return sum(not _is_empty(value) for value in values)


def _all_empty(values: tuple[Cell, ...]) -> bool:
    return all(_is_empty(value) for value in values)


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
