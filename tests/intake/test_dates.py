"""Dates of birth in the forms lists write them, Shamsi included, precision kept."""

from __future__ import annotations

import datetime as dt

import jdatetime  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import DatePrecision, InvalidInput, PartialDate
from refuge.intake import DateOrder, parse_date_of_birth
from refuge.intake.dates import _gregorian

TODAY = dt.date(2026, 11, 25)


def read(value: object, order: DateOrder | None = None) -> tuple[str, tuple[str, ...]]:
    result = parse_date_of_birth(value, order=order, today=TODAY)
    return result.value.iso(), result.warnings


@pytest.mark.parametrize(
    ("shamsi", "gregorian"),
    [
        ("1400/01/01", "2021-03-21"),  # Nowruz 1400
        ("1364/05/12", "1985-08-03"),
        ("1399/12/30", "2021-03-20"),  # the last day of a leap year
        ("1358/10/06", "1979-12-27"),
        ("۱۳۶۴/۰۵/۱۲", "1985-08-03"),  # Persian digits
        ("١٣٦٤/٠٥/١٢", "1985-08-03"),  # Arabic-Indic digits
        ("12/05/1364", "1985-08-03"),  # day first, as Afghan forms write it
        ("12 Asad 1364", "1985-08-03"),
        ("12 اسد 1364", "1985-08-03"),
        ("12 مرداد 1364", "1985-08-03"),
    ],
)
def test_shamsi_dates_are_converted_to_the_gregorian_day(shamsi: str, gregorian: str) -> None:
    assert read(shamsi)[0] == gregorian


def test_a_shamsi_year_alone_stays_a_year_and_says_it_may_be_one_later() -> None:
    iso, warnings = read("1364")

    assert iso == "1985"
    assert warnings == ("Shamsi year only: the Gregorian year may be one later",)


def test_a_shamsi_month_becomes_the_gregorian_month_holding_most_of_it() -> None:
    # 1 Asad 1364 is 23 July 1985; the 15th, 6 August.
    assert read("1364/05")[0] == "1985-08"


def test_nonexistent_shamsi_days_are_refused() -> None:
    with pytest.raises(InvalidInput, match="no such day in the Shamsi calendar"):
        read("1364/12/31")


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("1985-03-12", "1985-03-12", DatePrecision.FULL),
        ("1985/3/12", "1985-03-12", DatePrecision.FULL),
        ("1985-03-12T00:00:00", "1985-03-12", DatePrecision.FULL),
        ("1985", "1985", DatePrecision.YEAR),
        ("03/1985", "1985-03", DatePrecision.YEAR_MONTH),
        ("1985-03", "1985-03", DatePrecision.YEAR_MONTH),
        ("Mar 1985", "1985-03", DatePrecision.YEAR_MONTH),
        ("March 1985", "1985-03", DatePrecision.YEAR_MONTH),
        ("12 March 1985", "1985-03-12", DatePrecision.FULL),
        ("March 12th, 1985", "1985-03-12", DatePrecision.FULL),
        ("12-Mar-1985", "1985-03-12", DatePrecision.FULL),
        ("25/12/1985", "1985-12-25", DatePrecision.FULL),
        ("12/25/1985", "1985-12-25", DatePrecision.FULL),
        ("25.12.1985", "1985-12-25", DatePrecision.FULL),
        ("", "", DatePrecision.UNKNOWN),
        ("unknown", "", DatePrecision.UNKNOWN),
        ("نامعلوم", "", DatePrecision.UNKNOWN),
    ],
)
def test_common_formats_keep_their_precision(text: str, iso: str, precision: DatePrecision) -> None:
    result = parse_date_of_birth(text, today=TODAY)

    assert result.value.iso() == iso
    assert result.value.precision is precision


def test_ambiguous_day_and_month_are_read_day_first_with_a_warning() -> None:
    assert read("03/04/1985") == (
        "1985-04-03",
        ("day and month are ambiguous: read day first",),
    )


def test_a_profile_that_says_month_first_reads_month_first_without_warning() -> None:
    assert read("03/04/1985", DateOrder.MONTH_FIRST) == ("1985-03-04", ())


def test_a_date_that_contradicts_the_profile_order_is_read_the_only_way_it_can_be() -> None:
    iso, warnings = read("03/25/1985", DateOrder.DAY_FIRST)

    assert iso == "1985-03-25"
    assert warnings == ("read month first, against the profile's day-first order",)


def test_first_of_january_is_kept_and_flagged_as_a_possible_placeholder() -> None:
    iso, warnings = read("1/1/1985")

    assert iso == "1985-01-01"
    assert warnings == ("1 January is often written when only the year is known",)


def test_zero_day_and_month_are_read_as_unknown() -> None:
    iso, warnings = read("00/00/1985")

    assert iso == "1985"
    assert "day written as zero, read as unknown" in warnings


def test_spreadsheet_cells_and_excel_serials() -> None:
    # Spreadsheet cells carry no time zone.
    assert read(dt.datetime(1985, 3, 12))[0] == "1985-03-12"  # noqa: DTZ001
    assert read(dt.date(1985, 3, 12))[0] == "1985-03-12"
    assert read(31118) == ("1985-03-12", ("number read as an Excel date serial",))
    assert read("31118")[0] == "1985-03-12"
    assert read(31118.5)[0] == "1985-03-12"  # a serial with a time of day
    assert read(1985) == ("1985", ())
    assert read(1985.0) == ("1985", ())


def test_two_digit_years_take_the_latest_century_not_in_the_future() -> None:
    assert read("12/03/85")[0] == "1985-03-12"
    assert read("12/03/05")[0] == "2005-03-12"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("31/02/1985", "day out of range"),
        ("13/13/1985", "neither of the first two numbers can be a month"),
        ("2031", "in the future"),
        ("1700/01/01", "year out of range"),
        ("1700", "neither a year nor an Excel date serial"),
        ("next spring", "not a date in a format Refuge reads"),
        (True, "not a date"),
        (123, "neither a year nor an Excel date serial"),
    ],
)
def test_unreadable_dates_are_refused_without_repeating_them(value: object, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read(value)

    assert problem in caught.value.message
    assert str(value) not in caught.value.message


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.datetimes()))
def test_any_value_is_read_or_refused_cleanly(value: object) -> None:
    try:
        result = parse_date_of_birth(value, today=TODAY)
    except InvalidInput:
        return
    assert isinstance(result.value, PartialDate)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY).map(
            lambda d: d.strftime("%d/%m/%Y")
        ),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY).map(str),
        st.integers(1300, 1404).map(str),
        st.tuples(st.integers(1300, 1404), st.integers(1, 12), st.integers(1, 29)).map(
            lambda t: f"{t[0]}/{t[1]:02d}/{t[2]:02d}"
        ),
        st.tuples(st.integers(1900, 2025), st.integers(1, 12)).map(lambda t: f"{t[1]}/{t[0]}"),
    )
)
def test_reading_is_idempotent_on_its_own_output(text: str) -> None:
    once = parse_date_of_birth(text, today=TODAY).value

    assert parse_date_of_birth(once.iso(), today=TODAY).value == once


def test_every_shamsi_day_of_the_birth_years_converts_as_jdatetime_converts_it() -> None:
    """Dates are converted by counting days from the year's first: the same Gregorian date as
    jdatetime gives for every day of every year read, and the same refusal of days that are not."""
    for year in range(1300, 1406):
        for month in range(0, 14):
            for day in range(0, 33):
                try:
                    expected: object = jdatetime.date(year, month, day).togregorian()
                except ValueError:
                    expected = ValueError
                try:
                    converted: object = _gregorian(year, month, day)
                except ValueError:
                    converted = ValueError
                assert converted == expected, (year, month, day)
