"""Dates of birth as lists write them, read into `PartialDate` without inventing precision.

Gregorian dates in ISO, day/month/year or month/day/year order, with month names, Excel serials
and spreadsheet date cells; Afghan solar hijri (Shamsi) dates, recognised by their years
(1300-1405) or their month names and converted with jdatetime; Persian and Arabic-Indic digits.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from functools import lru_cache
from typing import Final

import jdatetime  # type: ignore[import-untyped]  # ships no type information

from refuge.domain.dates import PartialDate
from refuge.domain.errors import InvalidInput
from refuge.intake.normalised import Normalised, ascii_digits, clean_text, lookup_key

__all__ = ["DateOrder", "parse_date_of_birth"]


class DateOrder(enum.StrEnum):
    """How a list orders day and month when both could be either."""

    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


class _Calendar(enum.Enum):
    GREGORIAN = "gregorian"
    SHAMSI = "shamsi"


_SHAMSI_YEARS: Final = range(1300, 1406)
_GREGORIAN_YEARS: Final = range(1850, 2201)
# Excel counts a 29 February 1900 that never was, so from March 1900 on its day 0 is 30 December.
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_SERIALS: Final = range(3653, 73051)  # 1910 to 2100: anything else is not a birth date
_UNKNOWN: Final = frozenset(
    lookup_key(word)
    for word in (
        "unknown", "n/a", "na", "none", "-", "--", "?", "x", "nil", "not known",
        "نامعلوم", "نا معلوم", "معلوم نیست", "نامالوم", "نه معلوم", "نشته",
    )
)  # fmt: skip

_GREGORIAN_MONTHS: Final = {
    lookup_key(name): number
    for number, names in enumerate(
        (
            ("january", "jan", "جنوری", "ژانویه"),
            ("february", "feb", "فبروری", "فوریه"),
            ("march", "mar", "مارچ", "مارس"),
            ("april", "apr", "اپریل", "آوریل"),
            ("may", "می", "مه"),
            ("june", "jun", "جون", "ژوئن"),
            ("july", "jul", "جولای", "ژوئیه"),
            ("august", "aug", "اگست", "اوت"),
            ("september", "sep", "sept", "سپتمبر", "سپتامبر"),
            ("october", "oct", "اکتوبر", "اکتبر"),
            ("november", "nov", "نومبر", "نوامبر"),
            ("december", "dec", "دسمبر", "دسامبر"),
        ),
        start=1,
    )
    for name in names
}
# Afghan (zodiac) names, Iranian names and their usual romanisations.
_SHAMSI_MONTHS: Final = {
    lookup_key(name): number
    for number, names in enumerate(
        (
            ("حمل", "فروردین", "hamal", "hamal", "farvardin", "farwardin"),
            ("ثور", "اردیبهشت", "sawr", "saur", "sowr", "ordibehesht"),
            ("جوزا", "خرداد", "jawza", "jauza", "jowza", "khordad"),
            ("سرطان", "تیر", "saratan", "tir"),
            ("اسد", "مرداد", "asad", "mordad", "amordad"),
            ("سنبله", "شهریور", "sunbula", "sonbola", "shahrivar"),
            ("میزان", "مهر", "mizan", "mehr"),
            ("عقرب", "آبان", "aqrab", "akrab", "aban"),
            ("قوس", "آذر", "qaws", "qaus", "azar"),
            ("جدی", "دی", "jadi", "dey"),
            ("دلو", "بهمن", "dalw", "dalv", "bahman"),
            ("حوت", "اسفند", "hut", "hoot", "esfand"),
        ),
        start=1,
    )
    for name in names
}

_TIME_PART: Final = re.compile(r"[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(am|pm|AM|PM)?$")
_NUMBER: Final = re.compile(r"^\d{4,5}(?:\.\d+)?$")  # a year, or a serial the cell lost
_YEAR_MONTH: Final = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR: Final = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_YEAR_FIRST: Final = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_YEAR_LAST: Final = re.compile(r"^(\d{1,2})[-/.\s](\d{1,2})[-/.\s](\d{4}|\d{2})$")
_TOKENS: Final = re.compile(r"[^\W\d_]+|\d+")

PLACEHOLDER_WARNING: Final = "1 January is often written when only the year is known"
SHAMSI_PLACEHOLDER_WARNING: Final = (
    "1 Hamal (Farvardin) is often written when only the year is known"
)


def parse_date_of_birth(
    value: object,
    *,
    order: DateOrder | None = None,
    today: dt.date | None = None,
) -> Normalised[PartialDate]:
    """Read a date of birth from a cell. Empty and "unknown" give an unknown date.

    `order` is the profile's day/month order; without it, ambiguous dates are read day first
    (as Afghan and most lists write them) with a warning.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    if isinstance(value, list | dict | set):
        raise InvalidInput("not a date")
    return _parse(value, order, today)


# A long list holds a few tens of thousands of distinct dates at most. Typed: True and 1, or
# 1985 and 1985.0, are different cells.
@lru_cache(maxsize=65536, typed=True)
def _parse(value: object, order: DateOrder | None, today: dt.date) -> Normalised[PartialDate]:
    warnings: list[str] = []
    date = _read(value, order, today, warnings)
    _check_plausible(date, today, warnings)
    return Normalised(date, tuple(warnings))


def _read(
    value: object, order: DateOrder | None, today: dt.date, warnings: list[str]
) -> PartialDate:
    if value is None:
        return PartialDate()
    if isinstance(value, bool):
        raise InvalidInput("a true/false cell is not a date")
    if isinstance(value, dt.datetime):
        return _full(_Calendar.GREGORIAN, value.year, value.month, value.day, warnings)
    if isinstance(value, dt.date):
        return _full(_Calendar.GREGORIAN, value.year, value.month, value.day, warnings)
    if isinstance(value, int | float):
        return _number(value, warnings)
    if not isinstance(value, str):
        raise InvalidInput("not a date")
    text = ascii_digits(clean_text(value))
    if not text or lookup_key(text) in _UNKNOWN:
        return PartialDate()
    text = _TIME_PART.sub("", text).strip()
    if _NUMBER.match(text):
        return _number(float(text), warnings)
    if found := _YEAR_MONTH.match(text):
        return _year_month(int(found.group(1)), int(found.group(2)), warnings)
    if found := _MONTH_YEAR.match(text):
        return _year_month(int(found.group(2)), int(found.group(1)), warnings)
    if found := _YEAR_FIRST.match(text):
        year, month, day = (int(part) for part in found.groups())
        return _ymd(year, month, day, warnings)
    if found := _YEAR_LAST.match(text):
        first, second, year_text = found.groups()
        year = _four_digit_year(year_text, today, warnings)
        month, day = _day_and_month(int(first), int(second), order, warnings)
        return _ymd(year, month, day, warnings)
    return _with_month_name(text, today, warnings)


def _number(number: float, warnings: list[str]) -> PartialDate:
    if not math.isfinite(number):
        raise InvalidInput("not a date")
    whole = int(number)
    if number != whole and whole not in _SERIALS:
        raise InvalidInput("a fractional number is not a date")
    if whole in _SHAMSI_YEARS or whole in _GREGORIAN_YEARS:
        return _year(whole, warnings)
    if whole in _SERIALS:
        warnings.append("number read as an Excel date serial")
        day = _EXCEL_EPOCH + dt.timedelta(days=whole)
        return _full(_Calendar.GREGORIAN, day.year, day.month, day.day, warnings)
    raise InvalidInput("a number that is neither a year nor an Excel date serial")


def _calendar(year: int) -> _Calendar:
    if year in _SHAMSI_YEARS:
        return _Calendar.SHAMSI
    if year in _GREGORIAN_YEARS:
        return _Calendar.GREGORIAN
    raise InvalidInput("year out of range for a date of birth")


def _year(year: int, warnings: list[str]) -> PartialDate:
    if _calendar(year) is _Calendar.SHAMSI:
        # A Shamsi year starts on 21 March: most of it falls in the Gregorian year 621 later.
        warnings.append("Shamsi year only: the Gregorian year may be one later")
        return PartialDate(year + 621)
    return PartialDate(year)


def _year_month(year: int, month: int, warnings: list[str]) -> PartialDate:
    if month == 0:
        warnings.append("month written as zero, read as unknown")
        return _year(year, warnings)
    if not 1 <= month <= 12:
        raise InvalidInput("month out of range")
    if _calendar(year) is _Calendar.SHAMSI:
        # A Shamsi month straddles two Gregorian months; its middle says which has most of it.
        middle = _gregorian(year, month, 15)
        warnings.append("Shamsi month converted to the Gregorian month holding most of it")
        return PartialDate(middle.year, middle.month)
    return PartialDate(year, month)


def _ymd(year: int, month: int, day: int, warnings: list[str]) -> PartialDate:
    if day == 0:
        warnings.append("day written as zero, read as unknown")
        return _year_month(year, month, warnings)
    return _full(_calendar(year), year, month, day, warnings)


def _full(calendar: _Calendar, year: int, month: int, day: int, warnings: list[str]) -> PartialDate:
    if not 1 <= month <= 12:
        raise InvalidInput("month out of range")
    if calendar is _Calendar.SHAMSI:
        try:
            gregorian = _gregorian(year, month, day)
        except ValueError as exc:
            raise InvalidInput("no such day in the Shamsi calendar") from exc
        if month == 1 and day == 1:
            warnings.append(SHAMSI_PLACEHOLDER_WARNING)
        return PartialDate.of(gregorian)
    _calendar(year)
    date = PartialDate(year, month, day)
    if date.is_first_of_january:
        warnings.append(PLACEHOLDER_WARNING)
    return date


# Days in each Shamsi month (Esfand has 30 in leap years), and before it in the year.
_MONTH_DAYS: Final = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29)
_DAYS_BEFORE: Final = tuple(sum(_MONTH_DAYS[:month]) for month in range(12))


def _gregorian(year: int, month: int, day: int) -> dt.date:
    """`jdatetime.date(year, month, day).togregorian()`: the same date, or the same ValueError
    for a day the month does not have. Within the years birth dates are read in, by counting
    days from the year's first, which jdatetime converts once: it builds a date object and
    reads the locale for every date, a list's most costly step when its dates are Shamsi."""
    if year not in _SHAMSI_YEARS:
        return jdatetime.date(year, month, day).togregorian()  # type: ignore[no-any-return]
    if not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    leap_day = month == 12 and day == 30 and year % 33 in (1, 5, 9, 13, 17, 22, 26, 30)
    if day < 1 or (day > _MONTH_DAYS[month - 1] and not leap_day):
        raise ValueError("day is out of range for month")
    return _new_year(year) + dt.timedelta(days=_DAYS_BEFORE[month - 1] + day - 1)


@lru_cache(maxsize=len(_SHAMSI_YEARS))
def _new_year(year: int) -> dt.date:
    """1 Farvardin of the Shamsi `year`, in the Gregorian calendar."""
    return jdatetime.date(year, 1, 1).togregorian()  # type: ignore[no-any-return]


def _four_digit_year(text: str, today: dt.date, warnings: list[str]) -> int:
    if len(text) == 4:
        return int(text)
    short = int(text)
    warnings.append("two-digit year: century assumed")
    # Birth dates are in the past: the latest century that does not put the year in the future.
    return 2000 + short if 2000 + short <= today.year else 1900 + short


def _day_and_month(
    first: int, second: int, order: DateOrder | None, warnings: list[str]
) -> tuple[int, int]:
    """(month, day) from the two leading numbers of a date written with the year last."""
    day_first = order is not DateOrder.MONTH_FIRST
    if first > 12 and second > 12:
        raise InvalidInput("neither of the first two numbers can be a month")
    if first > 12:
        if order is DateOrder.MONTH_FIRST:
            warnings.append("read day first, against the profile's month-first order")
        return second, first
    if second > 12:
        if order is DateOrder.DAY_FIRST:
            warnings.append("read month first, against the profile's day-first order")
        return first, second
    if first != second and order is None:
        warnings.append("day and month are ambiguous: read day first")
    return (second, first) if day_first else (first, second)


def _with_month_name(text: str, today: dt.date, warnings: list[str]) -> PartialDate:
    """Dates with a month written in words: "Mar 1985", "12 March 1985", "12 Asad 1364"."""
    numbers: list[str] = []
    month: int | None = None
    calendar: _Calendar | None = None
    for token in _TOKENS.findall(text):
        if token.isdigit():
            numbers.append(token)
            continue
        key = lookup_key(token)
        if key in _GREGORIAN_MONTHS and month is None:
            month, calendar = _GREGORIAN_MONTHS[key], _Calendar.GREGORIAN
        elif key in _SHAMSI_MONTHS and month is None:
            month, calendar = _SHAMSI_MONTHS[key], _Calendar.SHAMSI
        elif key not in {"th", "st", "nd", "rd", "of"}:
            raise InvalidInput("not a date in a format Refuge reads")
    years = [number for number in numbers if len(number) == 4]
    days = [number for number in numbers if len(number) <= 2]
    if month is None or len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
        raise InvalidInput("not a date in a format Refuge reads")
    year = int(years[0])
    if calendar is _Calendar.SHAMSI and year not in _SHAMSI_YEARS:
        raise InvalidInput("a Shamsi month name with a year outside the Shamsi range")
    if calendar is _Calendar.GREGORIAN and year not in _GREGORIAN_YEARS:
        raise InvalidInput("year out of range for a date of birth")
    if not days:
        return _year_month(year, month, warnings)
    return _ymd(year, month, int(days[0]), warnings)


def _check_plausible(date: PartialDate, today: dt.date, warnings: list[str]) -> None:
    if date.year is None:
        return
    earliest = dt.date(date.year, date.month or 1, date.day or 1)
    if earliest > today:
        raise InvalidInput("date of birth is in the future")
    if today.year - date.year > 110:
        warnings.append("older than 110 years")
