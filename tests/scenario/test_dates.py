"""Dates of birth as each organisation writes them: any date can be written, and an unaltered
one reads back as the same day in that organisation's style."""

from __future__ import annotations

import datetime as dt
import random

import jdatetime  # type: ignore[import-untyped]  # the package ships no type information
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import PartialDate
from refuge.scenario import LIST_PROFILES
from refuge.scenario.lists import write_date

PERSIAN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _read_back(style: str, value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value).translate(PERSIAN)
    formats = {
        "iso": "%Y-%m-%d",
        "dmy_slash": "%d/%m/%Y",
        "mdy_slash": "%m/%d/%Y",
        "dmy_dot": "%d.%m.%Y",
    }
    if style == "solar_hijri":
        year, month, day = (int(part) for part in text.split("/"))
        gregorian: dt.date = jdatetime.date(year, month, day).togregorian()
        return gregorian
    if style in formats:
        return dt.datetime.strptime(text, formats[style]).date()  # noqa: DTZ007 - a date only
    return None


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2021, 8, 15)),
    precision=st.sampled_from(["full", "year_month", "year", "unknown"]),
    profile_index=st.integers(0, len(LIST_PROFILES) - 1),
    seed=st.integers(0, 2**32),
)
def test_every_date_can_be_written_and_an_unaltered_full_one_reads_back(
    day: dt.date, precision: str, profile_index: int, seed: int
) -> None:
    profile = LIST_PROFILES[profile_index]
    date = {
        "full": PartialDate.of(day),
        "year_month": PartialDate(day.year, day.month),
        "year": PartialDate(day.year),
        "unknown": PartialDate(),
    }[precision]
    tags: list[str] = []
    written = write_date(profile, random.Random(seed), date, tags, persian=seed % 2 == 0)
    if precision == "unknown":
        assert written in ("", None)
    elif precision == "full" and not tags and profile.date_style != "year":
        assert _read_back(profile.date_style, written) == day
    elif precision == "full" and tags == ["date:solar_hijri"]:
        assert _read_back("solar_hijri", written) == day
    elif profile.date_style == "year":
        assert str(written).translate(PERSIAN) in {
            str(day.year - 1),
            str(day.year),
            str(day.year + 1),
        }
