"""Organisations, programs and flights: what makes them valid, and who a flight may carry."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from refuge.domain import Flight, InvalidInput, Organisation, OrganisationKind, Program

KABUL = dt.timezone(dt.timedelta(hours=4, minutes=30))
EARLIEST = dt.datetime(2021, 8, 20, 22, 0, tzinfo=KABUL)
NAIVE = EARLIEST.replace(tzinfo=None)  # what a spreadsheet cell without a zone gives


def flight(**changes: object) -> Flight:
    base = Flight(
        code="RCH871",
        aircraft="C-17",
        seats=400,
        origin="KBL",
        destination="DOH",
        departs_earliest=EARLIEST,
        departs_latest=EARLIEST + dt.timedelta(hours=6),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_well_formed_flight_is_accepted() -> None:
    assert flight().capacity == 400


def test_capacity_counts_surge_seats() -> None:
    assert flight(seats=150, surge_seats=30).capacity == 180


@pytest.mark.parametrize(("seats", "surge"), [(0, 0), (-5, 0), (0, 40), (100, -1)])
def test_seat_counts_must_make_sense(seats: int, surge: int) -> None:
    with pytest.raises(InvalidInput, match="RCH871"):
        flight(seats=seats, surge_seats=surge)


@pytest.mark.parametrize("airport", ["OAKB", "OTHH", "IAD", "ETAR"])
def test_iata_and_icao_codes_are_accepted(airport: str) -> None:
    assert flight(destination=airport).destination == airport


@pytest.mark.parametrize("airport", ["kbl", "KB", "KABUL", "", "K8L", "KBL\n", " KBL"])
def test_an_airport_must_be_an_iata_or_icao_code(airport: str) -> None:
    with pytest.raises(InvalidInput, match="RCH871.*airport"):
        flight(origin=airport)
    with pytest.raises(InvalidInput, match="RCH871.*airport"):
        flight(destination=airport)


def test_a_flight_cannot_land_where_it_took_off() -> None:
    with pytest.raises(InvalidInput, match="RCH871"):
        flight(origin="KBL", destination="KBL")


def test_the_departure_window_must_carry_a_time_zone() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        flight(departs_earliest=NAIVE)
    with pytest.raises(InvalidInput, match="time zone"):
        flight(departs_latest=NAIVE + dt.timedelta(hours=6))


def test_the_departure_window_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidInput, match="RCH871.*ends before it starts"):
        flight(departs_latest=EARLIEST - dt.timedelta(minutes=1))


def test_a_window_of_one_instant_given_in_two_time_zones_is_accepted() -> None:
    # 22:00 in Kabul is 17:30 UTC: the same instant, so the window is valid though 17 < 22.
    same = flight(departs_latest=dt.datetime(2021, 8, 20, 17, 30, tzinfo=dt.UTC))
    assert same.departs_latest == same.departs_earliest


def test_a_window_that_ends_earlier_in_absolute_time_is_refused_across_time_zones() -> None:
    with pytest.raises(InvalidInput, match="ends before it starts"):
        flight(departs_latest=dt.datetime(2021, 8, 20, 17, 29, tzinfo=dt.UTC))


@pytest.mark.parametrize(
    "changes",
    [{"operator_state": "UK"}, {"operator_state": "gbr"}, {"nationalities": frozenset({"US"})}],
)
def test_country_codes_on_a_flight_must_be_alpha_3(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput, match="alpha-3"):
        flight(**changes)


def test_a_flight_without_restrictions_carries_anyone() -> None:
    assert flight().may_carry("siv", ("AFG",))
    assert flight().may_carry("p2", ())


def test_a_flight_for_some_programs_carries_only_those() -> None:
    restricted = flight(programs=frozenset({"siv", "p1"}))
    assert restricted.may_carry("siv", ("AFG",))
    assert not restricted.may_carry("p2", ("AFG",))


def test_a_partner_nation_flight_carries_its_nationals_including_dual_nationals() -> None:
    uk_flight = flight(operator_state="GBR", nationalities=frozenset({"GBR"}))
    assert uk_flight.may_carry("citizens", ("GBR",))
    assert uk_flight.may_carry("citizens", ("AFG", "GBR"))
    assert not uk_flight.may_carry("citizens", ("AFG",))
    assert not uk_flight.may_carry("citizens", ())


def test_program_and_nationality_restrictions_both_apply() -> None:
    restricted = flight(programs=frozenset({"siv"}), nationalities=frozenset({"AFG"}))
    assert restricted.may_carry("siv", ("AFG",))
    assert not restricted.may_carry("siv", ("USA",))
    assert not restricted.may_carry("p2", ("AFG",))


@pytest.mark.parametrize("quota", [None, 0, 1, 25_000])
def test_a_program_quota_may_be_absent_or_non_negative(quota: int | None) -> None:
    assert Program("siv", "Special Immigrant Visa", precedence=1, quota=quota).quota == quota


def test_a_negative_quota_is_refused_naming_the_program() -> None:
    with pytest.raises(InvalidInput, match="program siv.*negative"):
        Program("siv", "Special Immigrant Visa", precedence=1, quota=-1)


@pytest.mark.parametrize("code", ["siv", "p1", "p-2", "women_leaders", "a", "a" * 64, "9th"])
def test_well_formed_codes_are_accepted(code: str) -> None:
    assert Organisation(code, "Some organisation", OrganisationKind.NGO).code == code
    assert Program(code, "Some program", precedence=3).code == code


@pytest.mark.parametrize(
    "code", ["", "SIV", "Siv", "-siv", "_siv", "p 2", "p.2", "a" * 65, "siv\n", "ویزا"]
)
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput, match="organisation code"):
        Organisation(code, "Some organisation", OrganisationKind.PARTNER_NATION)
    with pytest.raises(InvalidInput, match="program code"):
        Program(code, "Some program", precedence=3)
