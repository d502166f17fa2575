"""Dates of birth known to a precision: reading, writing, validity and ages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import DatePrecision, InvalidInput, PartialDate

full_dates = st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2200, 12, 31))


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(full_dates)
    precision = draw(st.sampled_from(DatePrecision))
    if precision is DatePrecision.UNKNOWN:
        return PartialDate.unknown()
    if precision is DatePrecision.YEAR:
        return PartialDate(day.year)
    if precision is DatePrecision.YEAR_MONTH:
        return PartialDate(day.year, day.month)
    return PartialDate.of(day)


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("", DatePrecision.UNKNOWN),
        ("1987", DatePrecision.YEAR),
        ("1987-03", DatePrecision.YEAR_MONTH),
        ("1987-03-21", DatePrecision.FULL),
    ],
)
def test_each_form_reads_with_its_precision(text: str, precision: DatePrecision) -> None:
    date = PartialDate.parse_iso(text)
    assert date.precision is precision
    assert date.iso() == text


def test_fields_below_the_precision_are_left_empty() -> None:
    assert PartialDate.parse_iso("1987") == PartialDate(1987, None, None)
    assert PartialDate.parse_iso("1987-03") == PartialDate(1987, 3, None)
    assert PartialDate.parse_iso("") == PartialDate.unknown() == PartialDate()


def test_an_unknown_date_prints_as_unknown() -> None:
    assert str(PartialDate.unknown()) == "unknown"
    assert str(PartialDate(1990, 7)) == "1990-07"


@settings(max_examples=300)
@given(partial_dates())
def test_iso_text_reads_back_to_the_same_date(date: PartialDate) -> None:
    assert PartialDate.parse_iso(date.iso()) == date


@settings(max_examples=200)
@given(full_dates)
def test_a_full_date_writes_as_python_writes_it(day: dt.date) -> None:
    assert PartialDate.of(day).iso() == day.isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "1990-02-31",  # 31 February
        "2023-02-29",  # not a leap year
        "1900-02-29",  # century, not a leap year
        "1990-04-31",
        "1990-13",
        "1990-13-01",
        "1990-00",
        "1990-01-00",
        "1990-01-32",
        "1849",
        "2201",
        "90-01-01",
        "1990-1-5",
        "1990/01/05",
        "05.01.1990",
        "1990-01-05T00:00",
        " 1990",
        "1990-01-05\n",
        "١٩٩٠",  # Arabic-Indic digits: intake converts them before reading ISO text
        "۱۹۹۰-۰۱-۰۵",  # Extended Arabic-Indic (Persian) digits
        "abcd",
    ],
)
def test_text_that_is_not_a_real_iso_date_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        PartialDate.parse_iso(text)


def test_a_leap_day_in_a_leap_year_is_accepted() -> None:
    assert PartialDate.parse_iso("2000-02-29").precision is DatePrecision.FULL


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(1990, 2, 31), (1990, 13, None), (1990, 0, None), (1990, None, 5), (None, 5, None)],
)
def test_impossible_dates_cannot_be_built(
    year: int | None, month: int | None, day: int | None
) -> None:
    with pytest.raises(InvalidInput):
        PartialDate(year, month, day)


def test_the_refusal_does_not_repeat_the_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        PartialDate.parse_iso("1987-02-30")
    assert "1987" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "on", "age"),
    [
        ("1990-06-15", dt.date(2020, 6, 14), 29),
        ("1990-06-15", dt.date(2020, 6, 15), 30),
        ("2000-02-29", dt.date(2001, 2, 28), 0),
        ("2000-02-29", dt.date(2001, 3, 1), 1),
        # Year only: the youngest the person can be is if born on 31 December.
        ("1990", dt.date(2020, 12, 30), 29),
        ("1990", dt.date(2020, 12, 31), 30),
        # Year and month: born at the latest on the month's last day.
        ("1990-06", dt.date(2020, 6, 29), 29),
        ("1990-06", dt.date(2020, 6, 30), 30),
        ("2000-02", dt.date(2018, 2, 28), 17),
        ("2000-02", dt.date(2018, 3, 1), 18),
        # Born in the year (or month) of the day asked about: younger than one, not minus one.
        ("2021", dt.date(2021, 8, 26), 0),
        ("2021-08", dt.date(2021, 8, 26), 0),
    ],
)
def test_age_on_a_day(text: str, on: dt.date, age: int) -> None:
    assert PartialDate.parse_iso(text).age_on(on) == age


def test_an_unknown_date_has_no_age() -> None:
    assert PartialDate.unknown().age_on(dt.date(2021, 8, 26)) is None


@settings(max_examples=200)
@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2021, 8, 26)),
    later=st.integers(min_value=0, max_value=40_000),
)
def test_a_partial_date_never_gives_an_older_age_than_the_full_one(
    born: dt.date, later: int
) -> None:
    on = born + dt.timedelta(days=later)
    full = PartialDate.of(born).age_on(on)
    month = PartialDate(born.year, born.month).age_on(on)
    year = PartialDate(born.year).age_on(on)
    assert full is not None
    assert month is not None
    assert year is not None
    assert 0 <= year <= month <= full <= year + 1


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("1990-01-01", True),
        ("1990-01-02", False),
        ("1990-02-01", False),
        ("1990-01", False),
        ("1990", False),
        ("", False),
    ],
)
def test_first_of_january_is_flagged(text: str, flag: bool) -> None:
    assert PartialDate.parse_iso(text).is_first_of_january is flag
