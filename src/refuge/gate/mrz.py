"""Machine-readable zones of travel documents (ICAO Doc 9303): reading TD1, TD2 and TD3 zones and
machine-readable visas (MRV-A, MRV-B), verifying every check digit, and saying exactly what is
wrong with a zone that fails.

Written here rather than taken from PyPI's `mrz` (0.6.2, last released 2020): that package is
GPL-3.0, reports a failed check only as a boolean without the expected and found digits, rejects
the TD1 and TD2 zones with extended document numbers that Doc 9303 Part 11 Appendix D publishes,
and leaves dates as YYMMDD strings with no century and no notion of an unknown part.

    InvalidInput (refuge.domain.errors)
    └── MrzInvalid   422  mrz_invalid: the zone breaks its layout, character set, dates or check
                          digits; `findings` lists each problem with its line, position and field

Tolerated at the boundary, because scanners and typists produce them and they cannot change a
value: blank lines, spaces at either end of a line, lower-case letters, and a whole zone given as
one run of characters. Nothing else is repaired, and a check digit is never corrected.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from refuge.domain.dates import PartialDate
from refuge.domain.errors import InvalidInput
from refuge.domain.people import Sex

__all__ = [
    "MachineReadableZone",
    "MrzDocumentType",
    "MrzField",
    "MrzFinding",
    "MrzFormat",
    "MrzInvalid",
    "MrzProblem",
    "check_digit",
    "read_mrz",
]

_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALPHABET = frozenset(_DIGITS + _LETTERS + "<")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", _LETTERS)
_WEIGHTS = (7, 3, 1)
_SPACES = re.compile(r" +")


class MrzFormat(enum.StrEnum):
    TD1 = "TD1"  # identity cards: 3 lines of 30
    TD2 = "TD2"  # identity documents: 2 lines of 36
    TD3 = "TD3"  # passports: 2 lines of 44
    MRV_A = "MRV-A"  # full-page visas: 2 lines of 44
    MRV_B = "MRV-B"  # smaller visas: 2 lines of 36

    @property
    def shape(self) -> tuple[int, int]:
        """(lines, characters per line)."""
        return _SHAPES[self]


_SHAPES = {
    MrzFormat.TD1: (3, 30),
    MrzFormat.TD2: (2, 36),
    MrzFormat.TD3: (2, 44),
    MrzFormat.MRV_A: (2, 44),
    MrzFormat.MRV_B: (2, 36),
}


class MrzDocumentType(enum.StrEnum):
    PASSPORT = "passport"  # document code P
    VISA = "visa"  # V
    IDENTITY_CARD = "identity_card"  # A, C or I
    OTHER = "other"


class MrzField(enum.StrEnum):
    """The parts of a zone a finding can point at; the values read well in a message."""

    ZONE = "zone"
    DOCUMENT_CODE = "document code"
    ISSUING_STATE = "issuing state"
    NAME = "name"
    DOCUMENT_NUMBER = "document number"
    NATIONALITY = "nationality"
    DATE_OF_BIRTH = "date of birth"
    SEX = "sex"
    DATE_OF_EXPIRY = "date of expiry"
    PERSONAL_NUMBER = "personal number"
    OPTIONAL_DATA = "optional data"
    COMPOSITE = "composite"


class MrzProblem(enum.StrEnum):
    LINE_COUNT = "line_count"
    LINE_LENGTH = "line_length"
    CHARACTER = "character"
    CHECK_DIGIT = "check_digit"
    DATE = "date"
    VALUE = "value"


@dataclass(frozen=True, slots=True)
class MrzFinding:
    """One thing wrong with a zone. Lines and positions count from 1, as Doc 9303 does.

    `expected` and `found` hold check digits or lengths only, never a person's data.
    """

    field: MrzField
    problem: MrzProblem
    detail: str = ""
    line: int | None = None
    position: int | None = None
    expected: str | None = None
    found: str | None = None

    @property
    def message(self) -> str:
        if self.problem is MrzProblem.CHECK_DIGIT:
            return f"{self.field} check digit: expected {self.expected}, found {self.found}"
        if self.problem is MrzProblem.LINE_LENGTH:
            return (
                f"line {self.line}: {self.found} characters, expected {self.expected}"
                f"{f' ({self.detail})' if self.detail else ''}"
            )
        if self.problem is MrzProblem.CHARACTER:
            return (
                f"line {self.line}, position {self.position} ({self.field}): character not "
                "allowed; a zone holds only A-Z, 0-9 and <"
            )
        place = f"line {self.line}, position {self.position}: " if self.position else ""
        return f"{place}{self.field}: {self.detail}"

    def __str__(self) -> str:
        return self.message


class MrzInvalid(InvalidInput):
    """A zone failed; `findings` says every way it did, in the order of the zone."""

    code = "mrz_invalid"

    def __init__(self, findings: Sequence[MrzFinding]) -> None:
        self.findings = tuple(findings)
        listed = "; ".join(finding.message for finding in self.findings)
        super().__init__(f"machine-readable zone rejected: {listed}")

    def fields(self) -> frozenset[MrzField]:
        return frozenset(finding.field for finding in self.findings)


@dataclass(frozen=True, slots=True)
class MachineReadableZone:
    """What a zone says, once every check digit has held.

    Codes of states keep Doc 9303's form without fillers (`UTO`, `D` for Germany). Optional data
    is as printed, with trailing fillers removed; for a TD3 it is the personal number.
    `name_truncated` is set when the name fills its field to the last position, which is how
    Doc 9303 shows that a name was cut to fit.
    """

    format: MrzFormat
    document_code: str
    issuing_state: str
    primary_identifier: str
    secondary_identifier: str
    name_truncated: bool
    document_number: str
    nationality: str
    date_of_birth: PartialDate
    sex: Sex
    date_of_expiry: dt.date | None
    optional_data: str
    optional_data_2: str = ""

    @property
    def document_type(self) -> MrzDocumentType:
        first = self.document_code[0]
        if first == "P":
            return MrzDocumentType.PASSPORT
        if first == "V":
            return MrzDocumentType.VISA
        if first in "ACI":
            return MrzDocumentType.IDENTITY_CARD
        return MrzDocumentType.OTHER

    def __repr__(self) -> str:
        # Logs and tracebacks show this; it must not carry the holder's data.
        return (
            f"MachineReadableZone(format={self.format.value}, "
            f"document_code={self.document_code}, issuing_state={self.issuing_state})"
        )


def check_digit(data: str) -> str:
    """Doc 9303's check digit: weights 7, 3, 1 over values 0-9, A=10 … Z=35, < = 0; sum mod 10."""
    total = 0
    for index, char in enumerate(data):
        if char in _DIGITS:
            value = ord(char) - ord("0")
        elif char in _LETTERS:
            value = ord(char) - ord("A") + 10
        elif char == "<":
            value = 0
        else:
            raise InvalidInput(
                f"check digit: position {index + 1} holds a character outside A-Z, 0-9 and <"
            )
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


def read_mrz(zone: str | Sequence[str], *, today: dt.date) -> MachineReadableZone:
    """Read and verify a zone given as text (lines separated by newlines, or one run of 90, 88
    or 72 characters) or as its lines. `today` settles the century of two-digit years.

    Raises MrzInvalid listing every problem found; a zone is returned only if all check digits,
    dates and codes hold.
    """
    lines = _normalise(zone)
    fmt = _recognise(lines)
    _check_shape(lines, fmt)
    _check_characters(lines, fmt)
    return _Reader(lines, fmt, today).read()


def _normalise(zone: str | Sequence[str]) -> list[str]:
    raw = zone.splitlines() if isinstance(zone, str) else list(zone)
    lines = [line.strip().translate(_ASCII_UPPER) for line in raw]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        # Keyboard-wedge scanners often send the whole zone without line breaks.
        whole = lines[0]
        for fmt in (MrzFormat.TD1, MrzFormat.TD3, MrzFormat.TD2):
            count, width = fmt.shape
            if len(whole) == count * width:
                return [whole[i : i + width] for i in range(0, len(whole), width)]
    return lines


def _recognise(lines: list[str]) -> MrzFormat:
    if len(lines) == 3:
        return MrzFormat.TD1
    if len(lines) != 2:
        raise MrzInvalid(
            [
                MrzFinding(
                    MrzField.ZONE,
                    MrzProblem.LINE_COUNT,
                    f"{len(lines)} lines; a zone has 3 lines of 30 (TD1) or 2 lines of 36 "
                    "(TD2, MRV-B) or 44 (TD3, MRV-A)",
                )
            ]
        )
    # One line of the right length is enough to tell the format; the other is then reported.
    lengths = {len(line) for line in lines}
    visa = lines[0].startswith("V")
    if 44 in lengths:
        return MrzFormat.MRV_A if visa else MrzFormat.TD3
    if 36 in lengths:
        return MrzFormat.MRV_B if visa else MrzFormat.TD2
    raise MrzInvalid(
        [
            MrzFinding(
                MrzField.ZONE,
                MrzProblem.LINE_LENGTH,
                "2 lines are 36 (TD2, MRV-B) or 44 (TD3, MRV-A) characters long",
                line=number,
                expected="36 or 44",
                found=str(len(line)),
            )
            for number, line in enumerate(lines, start=1)
        ]
    )


def _check_shape(lines: list[str], fmt: MrzFormat) -> None:
    _, width = fmt.shape
    findings = [
        MrzFinding(
            MrzField.ZONE,
            MrzProblem.LINE_LENGTH,
            fmt.value,
            line=number,
            expected=str(width),
            found=str(len(line)),
        )
        for number, line in enumerate(lines, start=1)
        if len(line) != width
    ]
    if findings:
        raise MrzInvalid(findings)


@dataclass(frozen=True, slots=True)
class _Slot:
    field: MrzField
    line: int  # 0-based
    start: int  # 0-based, end exclusive
    end: int


def _layout(fmt: MrzFormat) -> tuple[_Slot, ...]:
    f = MrzField
    head = (_Slot(f.DOCUMENT_CODE, 0, 0, 2), _Slot(f.ISSUING_STATE, 0, 2, 5))
    if fmt is MrzFormat.TD1:
        return (
            *head,
            _Slot(f.DOCUMENT_NUMBER, 0, 5, 15),
            _Slot(f.OPTIONAL_DATA, 0, 15, 30),
            _Slot(f.DATE_OF_BIRTH, 1, 0, 7),
            _Slot(f.SEX, 1, 7, 8),
            _Slot(f.DATE_OF_EXPIRY, 1, 8, 15),
            _Slot(f.NATIONALITY, 1, 15, 18),
            _Slot(f.OPTIONAL_DATA, 1, 18, 29),
            _Slot(f.COMPOSITE, 1, 29, 30),
            _Slot(f.NAME, 2, 0, 30),
        )
    _, width = fmt.shape
    second = [
        _Slot(f.DOCUMENT_NUMBER, 1, 0, 10),
        _Slot(f.NATIONALITY, 1, 10, 13),
        _Slot(f.DATE_OF_BIRTH, 1, 13, 20),
        _Slot(f.SEX, 1, 20, 21),
        _Slot(f.DATE_OF_EXPIRY, 1, 21, 28),
    ]
    if fmt is MrzFormat.TD3:
        second += [_Slot(f.PERSONAL_NUMBER, 1, 28, 43), _Slot(f.COMPOSITE, 1, 43, 44)]
    elif fmt is MrzFormat.TD2:
        second += [_Slot(f.OPTIONAL_DATA, 1, 28, 35), _Slot(f.COMPOSITE, 1, 35, 36)]
    else:
        second += [_Slot(f.OPTIONAL_DATA, 1, 28, width)]
    return (*head, _Slot(f.NAME, 0, 5, width), *second)


def _field_at(fmt: MrzFormat, line: int, position: int) -> MrzField:
    for slot in _layout(fmt):
        if slot.line == line and slot.start <= position < slot.end:
            return slot.field
    return MrzField.ZONE


def _check_characters(lines: list[str], fmt: MrzFormat) -> None:
    findings = [
        MrzFinding(
            _field_at(fmt, number, position),
            MrzProblem.CHARACTER,
            line=number + 1,
            position=position + 1,
        )
        for number, line in enumerate(lines)
        for position, char in enumerate(line)
        if char not in _ALPHABET
    ]
    if findings:
        raise MrzInvalid(findings)


class _Reader:
    """Reads the fields of a zone of known format, collecting every finding before failing."""

    def __init__(self, lines: list[str], fmt: MrzFormat, today: dt.date) -> None:
        self.lines = lines
        self.fmt = fmt
        self.today = today
        self.findings: list[MrzFinding] = []

    def read(self) -> MachineReadableZone:
        fmt, lines = self.fmt, self.lines
        document_code = self._document_code(lines[0][0:2])
        issuing_state = self._state(MrzField.ISSUING_STATE, 0, 2)
        if fmt is MrzFormat.TD1:
            number, optional = self._document_number(0, 5, lines[0][15:30], 0, 15)
            optional_2 = lines[1][18:29].rstrip("<")
            birth = self._birth(1, 0)
            sex = self._sex(1, 7)
            expiry = self._expiry(1, 8)
            nationality = self._state(MrzField.NATIONALITY, 1, 15)
            self._composite(
                lines[0][5:30] + lines[1][0:7] + lines[1][8:15] + lines[1][18:29], 1, 29
            )
            name = lines[2]
        else:
            width = fmt.shape[1]
            name = lines[0][5:width]
            end = 43 if fmt is MrzFormat.TD3 else 35 if fmt is MrzFormat.TD2 else width
            # A TD3's optional data is its personal number, which has its own check digit at 43.
            optional_end = 42 if fmt is MrzFormat.TD3 else end
            extended = fmt is MrzFormat.TD2
            number, optional = self._document_number(
                1, 0, lines[1][28:optional_end], 1, 28, extended=extended
            )
            optional_2 = ""
            nationality = self._state(MrzField.NATIONALITY, 1, 10)
            birth = self._birth(1, 13)
            sex = self._sex(1, 20)
            expiry = self._expiry(1, 21)
            if fmt is MrzFormat.TD3:
                self._personal_number(lines[1][28:42], 1, 42)
            if fmt in (MrzFormat.TD3, MrzFormat.TD2):
                line = lines[1]
                self._composite(line[0:10] + line[13:20] + line[21:end], 1, end)
        primary, secondary = self._name(name)
        if self.findings or birth is None:  # a date that cannot be read is always a finding
            raise MrzInvalid(sorted(self.findings, key=_place))
        return MachineReadableZone(
            format=fmt,
            document_code=document_code,
            issuing_state=issuing_state,
            primary_identifier=primary,
            secondary_identifier=secondary,
            name_truncated=not name.endswith("<"),
            document_number=number,
            nationality=nationality,
            date_of_birth=birth,
            sex=sex,
            date_of_expiry=expiry,
            optional_data=optional,
            optional_data_2=optional_2,
        )

    def _add(self, field: MrzField, problem: MrzProblem, detail: str, line: int, pos: int) -> None:
        self.findings.append(MrzFinding(field, problem, detail, line=line + 1, position=pos + 1))

    def _check(self, field: MrzField, data: str, line: int, position: int) -> None:
        found = self.lines[line][position]
        expected = check_digit(data)
        if found != expected:
            self.findings.append(
                MrzFinding(
                    field,
                    MrzProblem.CHECK_DIGIT,
                    line=line + 1,
                    position=position + 1,
                    expected=expected,
                    found=found,
                )
            )

    def _document_code(self, code: str) -> str:
        if code[0] not in _LETTERS or code[1] not in _LETTERS + "<":
            self._add(
                MrzField.DOCUMENT_CODE,
                MrzProblem.VALUE,
                "must be a letter, then a letter or <",
                0,
                0,
            )
        return code.rstrip("<")

    def _state(self, field: MrzField, line: int, start: int) -> str:
        code = self.lines[line][start : start + 3]
        if code[0] not in _LETTERS or any(char in _DIGITS for char in code):
            self._add(field, MrzProblem.VALUE, "must be letters, padded with <", line, start)
        return code.rstrip("<")

    def _document_number(
        self,
        line: int,
        start: int,
        optional: str,
        optional_line: int,
        optional_start: int,
        *,
        extended: bool = True,
    ) -> tuple[str, str]:
        """The document number, and the optional data left once an extended number is taken out.

        A number longer than 9 characters (TD1, TD2) keeps its first 9 in the number field, a
        filler where the check digit goes, and the rest in the optional data followed by the
        check digit over the whole number (Doc 9303 Parts 5 and 6, Part 11 Appendix D).
        """
        text = self.lines[line]
        principal = text[start : start + 9]
        check_at = start + 9
        if not (extended and text[check_at] == "<"):
            self._check(MrzField.DOCUMENT_NUMBER, principal, line, check_at)
            return principal.rstrip("<"), optional.rstrip("<")
        rest = optional.split("<", 1)[0]
        if not rest:
            self._check(MrzField.DOCUMENT_NUMBER, principal, line, check_at)
            return principal.rstrip("<"), optional.rstrip("<")
        number = principal + rest[:-1]
        self._check(MrzField.DOCUMENT_NUMBER, number, optional_line, optional_start + len(rest) - 1)
        return number, optional[len(rest) + 1 :].rstrip("<")

    def _personal_number(self, data: str, line: int, position: int) -> None:
        # An unused personal number may carry a filler or a zero as its check digit (Part 4).
        if data == "<" * len(data) and self.lines[line][position] in "<0":
            return
        self._check(MrzField.PERSONAL_NUMBER, data, line, position)

    def _composite(self, data: str, line: int, position: int) -> None:
        self._check(MrzField.COMPOSITE, data, line, position)

    def _birth(self, line: int, start: int) -> PartialDate | None:
        text = self.lines[line][start : start + 6]
        self._check(MrzField.DATE_OF_BIRTH, text, line, start + 6)
        # Unknown parts are fillers, from the right: YYMMDD, YYMM<<, YY<<<<, <<<<<<.
        known = text.rstrip("<")
        if len(known) not in (0, 2, 4, 6) or not all(char in _DIGITS for char in known):
            self._add(
                MrzField.DATE_OF_BIRTH,
                MrzProblem.DATE,
                "not a date (YYMMDD, with < for unknown parts from the right)",
                line,
                start,
            )
            return None
        if not known:
            return PartialDate.unknown()
        yy = int(known[0:2])
        month = int(known[2:4]) if len(known) >= 4 else None
        day = int(known[4:6]) if len(known) == 6 else None
        if not _valid_date(2000, month, day):  # 2000 is a leap year, so 29 February passes here
            self._add(MrzField.DATE_OF_BIRTH, MrzProblem.DATE, "not a valid date", line, start)
            return None
        # The latest century that does not put the birth after today.
        for century in (2000, 1900):
            year = century + yy
            if _valid_date(year, month, day) and (year, month or 1, day or 1) <= (
                self.today.year,
                self.today.month if month else 1,
                self.today.day if day else 1,
            ):
                return PartialDate(year, month, day)
        self._add(MrzField.DATE_OF_BIRTH, MrzProblem.DATE, "not a valid date", line, start)
        return None

    def _expiry(self, line: int, start: int) -> dt.date | None:
        text = self.lines[line][start : start + 6]
        self._check(MrzField.DATE_OF_EXPIRY, text, line, start + 6)
        if text == "<<<<<<":
            return None  # some states issue documents without an end of validity
        if not all(char in _DIGITS for char in text):
            self._add(MrzField.DATE_OF_EXPIRY, MrzProblem.DATE, "not a date (YYMMDD)", line, start)
            return None
        yy, month, day = int(text[0:2]), int(text[2:4]), int(text[4:6])
        # Expiry can lie in the past or up to decades ahead: take the century nearest today.
        years = sorted((century + yy for century in (1900, 2000, 2100)), key=self._distance)
        for year in years:
            if _valid_date(year, month, day):
                return dt.date(year, month, day)
        self._add(MrzField.DATE_OF_EXPIRY, MrzProblem.DATE, "not a valid date", line, start)
        return None

    def _distance(self, year: int) -> tuple[int, int]:
        return abs(year - self.today.year), -year

    def _sex(self, line: int, position: int) -> Sex:
        char = self.lines[line][position]
        sexes = {"F": Sex.FEMALE, "M": Sex.MALE, "X": Sex.OTHER, "<": Sex.UNKNOWN}
        if char not in sexes:
            self._add(MrzField.SEX, MrzProblem.VALUE, "must be F, M, X or <", line, position)
            return Sex.UNKNOWN
        return sexes[char]

    def _name(self, field: str) -> tuple[str, str]:
        line = 2 if self.fmt is MrzFormat.TD1 else 0
        start = 0 if self.fmt is MrzFormat.TD1 else 5
        digit = next((i for i, char in enumerate(field) if char in _DIGITS), None)
        if digit is not None:
            # Often an O read as 0; which letter was meant is not ours to guess.
            self._add(
                MrzField.NAME, MrzProblem.VALUE, "digits are not allowed", line, start + digit
            )
        if field.startswith("<"):
            self._add(MrzField.NAME, MrzProblem.VALUE, "must start with a letter", line, start)
        primary, _, secondary = field.partition("<<")
        return _words(primary), _words(secondary)


def _place(finding: MrzFinding) -> tuple[int, int]:
    return finding.line or 0, finding.position or 0


def _words(part: str) -> str:
    return _SPACES.sub(" ", part.replace("<", " ")).strip()


def _valid_date(year: int, month: int | None, day: int | None) -> bool:
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
