"""Organisations, programs, flights and manifest entries round the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from refuge.domain import (
    AlreadyExists,
    Flight,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Organisation,
    OrganisationKind,
    Program,
)
from refuge.store import SqlUnitOfWork

from .builders import NOW, ORGANISATION, PROGRAM, case_for, latin_family

UowFactory = Callable[[], SqlUnitOfWork]


def _flight(code: str = "rch871", **changes: object) -> Flight:
    fields: dict[str, object] = {
        "code": code,
        "aircraft": "C-17A",
        "seats": 400,
        "origin": "OAKB",
        "destination": "OTBH",
        "departs_earliest": NOW,
        "departs_latest": NOW + dt.timedelta(hours=6),
        "surge_seats": 420,
        "operator_state": "USA",
        "programs": frozenset({"siv", "p2"}),
        "nationalities": frozenset({"AFG", "USA"}),
    }
    fields.update(changes)
    return Flight(**fields)  # type: ignore[arg-type]


def test_organisations_and_programs_come_back_as_stored(uow_factory: UowFactory) -> None:
    embassy = Organisation("uk-fcdo", "UK Foreign Office", OrganisationKind.PARTNER_NATION)
    citizens = Program("citizens", "Own nationals", precedence=0, quota=None, version="3")
    with uow_factory() as uow:
        for organisation in (ORGANISATION, embassy):
            uow.organisations.add(organisation)
        for program in (PROGRAM, citizens):
            uow.programs.add(program)
        uow.commit()

    with uow_factory() as uow:
        assert uow.organisations.get("uk-fcdo") == embassy
        assert uow.organisations.list() == [ORGANISATION, embassy]
        assert uow.programs.get("siv") == PROGRAM
        assert uow.programs.list() == [citizens, PROGRAM]  # by precedence


def test_adding_a_code_twice_is_refused_by_name(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.commit()
    with uow_factory() as uow, pytest.raises(AlreadyExists, match="organisation aid-kabul"):
        uow.organisations.add(ORGANISATION)
    with uow_factory() as uow, pytest.raises(NotFound, match="program nowhere"):
        uow.programs.get("nowhere")


def test_flights_come_back_with_their_window_and_restrictions(uow_factory: UowFactory) -> None:
    late = _flight(
        "late-1",
        departs_earliest=NOW + dt.timedelta(days=1),
        departs_latest=NOW + dt.timedelta(days=1, hours=1),
        programs=frozenset(),
        nationalities=frozenset(),
        operator_state=None,
        surge_seats=0,
    )
    early = _flight()
    with uow_factory() as uow:
        uow.flights.add(late)
        uow.flights.add(early)
        uow.commit()

    with uow_factory() as uow:
        assert uow.flights.get("rch871") == early
        assert uow.flights.get_by_id(late.id) == late
        assert uow.flights.list() == [early, late]
        assert uow.flights.get("rch871").departs_earliest.tzinfo == dt.UTC
        with pytest.raises(AlreadyExists, match="flight rch871"):
            uow.flights.add(_flight())


def test_manifest_entries_are_stored_changed_and_removed(uow_factory: UowFactory) -> None:
    household = latin_family()
    flight = _flight()
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        uow.flights.add(flight)
        uow.households.add(household)
        case = case_for(household, uow.cases.next_number())
        uow.cases.add(case)
        entries = [
            ManifestEntry(flight.id, case.id, household.id, m.person.id) for m in household.members
        ]
        entries[2].status, entries[2].standby_rank = ManifestStatus.STANDBY, 1
        uow.manifests.add_many(entries)
        uow.commit()

    with uow_factory() as uow:
        on_board = uow.manifests.for_flight(flight.id)
        # Manifested first, standby last by rank.
        assert on_board[-1] == entries[2]
        assert sorted(on_board[:2], key=lambda e: str(e.id)) == sorted(
            entries[:2], key=lambda e: str(e.id)
        )
        assert uow.manifests.for_case(case.id) == sorted(entries, key=lambda e: str(e.id))
        boarded = uow.manifests.get(entries[0].id)
        boarded.status = ManifestStatus.BOARDED
        uow.manifests.save(boarded)
        uow.manifests.remove(entries[1].id)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.manifests.for_flight(flight.id)
        assert [(e.id, e.status) for e in stored] == [
            (entries[0].id, ManifestStatus.BOARDED),
            (entries[2].id, ManifestStatus.STANDBY),
        ]
        with pytest.raises(NotFound):
            uow.manifests.get(entries[1].id)


def test_a_person_is_on_a_flight_only_once(uow_factory: UowFactory) -> None:
    household = latin_family()
    flight = _flight()
    with uow_factory() as uow:
        uow.organisations.add(ORGANISATION)
        uow.programs.add(PROGRAM)
        uow.flights.add(flight)
        uow.households.add(household)
        case = case_for(household, uow.cases.next_number())
        uow.cases.add(case)
        person = household.principal.id
        uow.manifests.add(ManifestEntry(flight.id, case.id, household.id, person))
        uow.manifests.add(ManifestEntry(flight.id, case.id, household.id, person))
        with pytest.raises(AlreadyExists, match="manifest_entries"):
            uow.commit()
