"""Dates of birth as lists give them: full, year and month, year only, or unknown."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from refuge.domain.errors import InvalidInput
from refuge.domain.frozen import quick_init

__all__ = ["DatePrecision", "PartialDate"]

# ASCII digits only, whole text only: ISO 8601 has no other digits, and `$` alone would let a
# trailing newline through.
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)


class DatePrecision(enum.StrEnum):
    FULL = "full"
    YEAR_MONTH = "year_month"
    YEAR = "year"
    UNKNOWN = "unknown"


@quick_init
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a precision. Fields below the precision are None, never guessed."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and (self.month is not None or self.day is not None):
            raise InvalidInput("a date with a month or day needs a year")
        if self.month is None and self.day is not None:
            raise InvalidInput("a date with a day needs a month")
        if self.year is not None and not 1850 <= self.year <= 2200:
            raise InvalidInput("year out of range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidInput("month out of range")
        if self.year is not None and self.month is not None and self.day is not None:
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError as exc:
                raise InvalidInput("day out of range for its month") from exc

    @classmethod
    def unknown(cls) -> PartialDate:
        return cls()

    @classmethod
    def of(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse_iso(cls, text: str) -> PartialDate:
        """Read `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or the empty string for unknown."""
        if text == "":
            return cls()
        found = _ISO.fullmatch(text)
        if not found:
            raise InvalidInput("not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(part) if part else None for part in found.groups())
        return cls(year, month, day)

    @property
    def precision(self) -> DatePrecision:
        if self.year is None:
            return DatePrecision.UNKNOWN
        if self.month is None:
            return DatePrecision.YEAR
        if self.day is None:
            return DatePrecision.YEAR_MONTH
        return DatePrecision.FULL

    @property
    def is_first_of_january(self) -> bool:
        """1 January is what many registries write when only the year is known."""
        return self.month == 1 and self.day == 1

    def iso(self) -> str:
        if self.year is None:
            return ""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on `day`; for partial dates, the youngest age the date allows."""
        if self.year is None:
            return None
        first = dt.date(self.year, self.month or 1, self.day or 1)
        month = self.month or 12
        last = dt.date(self.year, month, self.day or _last_day(self.year, month))
        # Someone on a list on `day` was born by then: a year or month that runs past `day`
        # ends there for them (a baby born this year is 0, not -1).
        born = max(first, min(last, day))
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __str__(self) -> str:
        return self.iso() or "unknown"


def _last_day(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
