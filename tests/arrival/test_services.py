"""Receiving people at sites, on SQLite and PostgreSQL: a flight's manifest, a case, one person by
boarding pass or passport zone, a land-border list through intake; departures; occupancy; and
the warning before a site fills, projected from flights still inbound."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.gate.building import NOW, ORGANISATION, Boarding, build, td3

from refuge.arrival import (
    Site,
    SiteKind,
    add_site,
    arrive_case,
    arrive_flight,
    arrive_land_border,
    arrive_scans,
    depart,
    expect_flight,
    occupancy,
    occupancy_at_time,
    site_status,
)
from refuge.domain import Conflict, InvalidInput, Organisation, OrganisationKind, Stage
from refuge.gate import board, check_in, generate_pass_key, issue_pass, issue_passes
from refuge.intake import import_list
from refuge.scenario import ScenarioFiles, generate, write_scenario
from refuge.store import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]
LANDED = NOW + dt.timedelta(hours=12)
OFFICER = "reception-7"


def boarded(
    boarding: Boarding, code: str, *, leave_out: int = 0, skip: frozenset[uuid.UUID] = frozenset()
) -> None:
    """Check in and board everyone on flight `code` but the last `leave_out` people and the
    people `skip`."""
    with boarding.uow() as uow:
        entries = uow.manifests.for_flight(boarding.flights[code].id)
    for entry in entries[: len(entries) - leave_out]:
        if entry.person_id in skip:
            continue
        for step in (check_in, board):
            step(boarding.uow(), entry.id, flight_code=code, gate_agent="gate-1", now=NOW)


def transit(uow_factory: UowFactory, capacity: int = 100, warn_percent: int = 90) -> Site:
    site = Site("doha-1", "Al Udeid hangar 1", SiteKind.TRANSIT, capacity, warn_percent)
    return add_site(uow_factory(), site, actor="coordinator-1", now=NOW)


def stages(boarding: Boarding) -> dict[str, Stage]:
    with boarding.uow() as uow:
        return {number: uow.cases.get(number).stage for number in boarding.households}


def test_a_whole_manifest_arrives_and_cases_that_boarded_move_to_arrived(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 3})
    boarded(boarding, "RCH101", leave_out=1)  # one spouse did not board
    transit(uow_factory)

    first = arrive_flight(uow_factory(), "RCH101", site="doha-1", officer=OFFICER, now=LANDED)
    again = arrive_flight(uow_factory(), "RCH101", site="doha-1", officer=OFFICER, now=LANDED)

    assert (first.arrived, first.not_boarded, first.already) == (5, 1, 0)
    assert (again.arrived, again.already) == (0, 5)
    assert sorted(stages(boarding).values()) == [Stage.ARRIVED, Stage.ARRIVED, Stage.CHECKED_IN]
    assert len(first.cases_arrived) == 2
    assert site_status(uow_factory(), "doha-1").present == 5
    with uow_factory() as uow:
        events = [e for e in uow.audit.events() if e.action.startswith("arrival.")]
        moves = [e for e in uow.audit.events() if e.details.get("to") == "arrived"]
    assert [e.actor for e in events] == [OFFICER, OFFICER]
    assert events[0].details["arrived"] == 5
    assert {e.actor for e in moves} == {OFFICER}


def test_a_flight_nobody_boarded_cannot_arrive(uow_factory: UowFactory) -> None:
    build(uow_factory, {"RCH101": 1})
    transit(uow_factory)
    with pytest.raises(Conflict, match="nobody boarded"):
        arrive_flight(uow_factory(), "RCH101", site="doha-1", officer=OFFICER, now=LANDED)


def test_one_case_arrives_on_its_own(uow_factory: UowFactory) -> None:
    boarding = build(uow_factory, {"RCH101": 2})
    boarded(boarding, "RCH101")
    transit(uow_factory)
    first, second = boarding.households

    registration = arrive_case(uow_factory(), first, site="doha-1", officer=OFFICER, now=LANDED)

    assert registration.arrived == 2
    assert registration.cases_arrived == (first,)
    assert stages(boarding) == {first: Stage.ARRIVED, second: Stage.BOARDED}


def test_people_arrive_one_by_one_by_pass_or_passport_and_bad_scans_are_refused(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 2, "RCH202": 1})
    tokens = issue_passes(uow_factory(), "RCH101", boarding.key, actor="gate-1", now=NOW)
    first_case, second_case = list(boarding.households)[:2]
    household = boarding.households[first_case]
    stayed = boarding.households[second_case].members[1].person.id
    boarded(boarding, "RCH101", skip=frozenset({stayed}))
    transit(uow_factory)
    by_entry = {t.entry_id: t.token for t in tokens}
    with uow_factory() as uow:
        entries = uow.manifests.for_flight(boarding.flights["RCH101"].id)
    passport = household.members[1].person.documents[0].number
    not_boarded = next(by_entry[e.id] for e in entries if e.person_id == stayed)
    first_pass = next(
        by_entry[e.id] for e in entries if e.person_id == household.members[0].person.id
    )
    forged = issue_pass(
        generate_pass_key(),
        pass_id=uuid.uuid4(),
        flight_code="RCH101",
        issued_at=NOW,
        valid_until=LANDED,
    )
    other_flight = issue_passes(uow_factory(), "RCH202", boarding.key, actor="gate-1", now=NOW)

    results = arrive_scans(
        uow_factory,
        [
            first_pass,
            first_pass,
            td3(passport, born="881101", sex="F"),
            "",
            forged,
            other_flight[0].token,
            not_boarded,
            "P<AFGNOT<A<ZONE",
        ],
        flight_code="RCH101",
        site="doha-1",
        officer=OFFICER,
        clock=lambda: LANDED,
        public_keys=[boarding.key.public_key()],
    )

    assert [(r.outcome, r.via, r.reason) for r in results] == [
        ("arrived", "pass", None),
        ("already_arrived", "pass", None),
        ("arrived", "mrz", None),
        ("refused", "pass", "unknown_key"),
        ("refused", "pass", "wrong_flight"),
        ("not_boarded", "pass", "not_boarded"),
        ("unreadable", "mrz", "mrz_invalid"),
    ]
    assert results[2].registration is not None
    assert results[2].registration.cases_arrived == (first_case,)  # both of the case are in
    assert stages(boarding)[first_case] is Stage.ARRIVED
    assert stages(boarding)[second_case] is not Stage.ARRIVED


def test_departures_lower_occupancy_and_the_series_shows_it(uow_factory: UowFactory) -> None:
    boarding = build(uow_factory, {"RCH101": 2})
    boarded(boarding, "RCH101")
    transit(uow_factory)
    first, second = boarding.households
    arrive_flight(uow_factory(), "RCH101", site="doha-1", officer=OFFICER, now=LANDED)
    later = LANDED + dt.timedelta(hours=3, minutes=10)

    gone = depart(
        uow_factory(), "doha-1", officer=OFFICER, now=later, case_number=first, to="ramstein"
    )

    assert (gone.departed, gone.present) == (2, 2)
    with pytest.raises(Conflict, match="nobody"):
        depart(uow_factory(), "doha-1", officer=OFFICER, now=later, case_number=first)
    start = LANDED - dt.timedelta(hours=1)
    series = occupancy(
        uow_factory(),
        "doha-1",
        start=start,
        end=start + dt.timedelta(hours=6),
        step=dt.timedelta(hours=1),
    )
    assert [p.present for p in series] == [0, 4, 4, 4, 2, 2]
    assert [(p.arrived, p.departed) for p in series][1] == (4, 0)
    assert (series[4].departed, series[4].peak) == (2, 4)
    assert occupancy_at_time(uow_factory(), "doha-1", later - dt.timedelta(seconds=1)) == 4
    assert occupancy_at_time(uow_factory(), "doha-1", later) == 2
    depart(uow_factory(), "doha-1", officer=OFFICER, now=later, flight_code="RCH101")
    assert site_status(uow_factory(), "doha-1").present == 0
    assert second in boarding.households


def test_a_coordinator_is_warned_before_an_inbound_flight_fills_the_site(
    uow_factory: UowFactory,
) -> None:
    boarding = build(uow_factory, {"RCH101": 2, "RCH202": 3})
    boarded(boarding, "RCH101")
    transit(uow_factory, capacity=10, warn_percent=80)  # warns at 8 people
    arrive_flight(uow_factory(), "RCH101", site="doha-1", officer=OFFICER, now=LANDED)
    assert site_status(uow_factory(), "doha-1").warning is None  # 4 of 10

    status = expect_flight(uow_factory(), "RCH202", "doha-1", actor="coordinator-1", now=LANDED)

    warning = status.warning
    assert warning is not None
    assert (warning.present, warning.inbound, warning.projected) == (4, 6, 10)
    assert warning.first_over == "RCH202"
    assert not warning.now
    assert "reached when RCH202 lands" in warning.line()
    with uow_factory() as uow:
        raised = [e for e in uow.audit.events() if e.action == "site.capacity_warning"]
    assert [(e.actor, e.details["inbound"]) for e in raised] == [("coordinator-1", 6)]

    boarded(boarding, "RCH202")
    landed = arrive_flight(uow_factory(), "RCH202", site="doha-1", officer=OFFICER, now=LANDED)
    assert landed.warning is not None
    assert landed.warning.now
    assert (landed.warning.present, landed.warning.inbound) == (10, 0)
    assert site_status(uow_factory(), "doha-1").inbound == ()


def test_a_site_is_registered_once_and_a_land_border_needs_its_organisation(
    uow_factory: UowFactory,
) -> None:
    transit(uow_factory)
    with pytest.raises(Conflict, match="exists already"):
        transit(uow_factory)
    with pytest.raises(InvalidInput, match="organisation"):
        Site("torkham", "Torkham crossing", SiteKind.LAND_BORDER, 500, points=("gate-1",))
    with pytest.raises(InvalidInput, match="transit"):
        arrive_land_border(uow_factory, Path("x.csv"), site="doha-1", officer=OFFICER, now=LANDED)


def write_arrivals(folder: Path) -> Path:
    path = folder / "torkham-2026-11-25.csv"
    path.write_text(
        "Given name,Family name,Date of birth,Sex,Passport\r\n"
        "Synthgul,Testkhel,1985,M,PX1111111\r\n"
        "Synthbibi,Testkhel,1990,F,PX2222222\r\n"
        "Synthullah,Testzai,03/03/1979,M,\r\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def scenario_lists(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    return write_scenario(generate(300, seed=7), tmp_path_factory.mktemp("scenario") / "lists")


def test_land_border_arrivals_become_source_records_that_the_next_match_links(
    uow_factory: UowFactory, scenario_lists: ScenarioFiles
) -> None:
    from refuge.matching import match

    *sent, taken_at_border = scenario_lists.lists
    with uow_factory() as uow:
        for path in sent:
            uow.organisations.add(Organisation(path.stem, path.stem, OrganisationKind.NGO))
        uow.organisations.add(
            Organisation("border-reception", "Reception", OrganisationKind.GOVERNMENT)
        )
        uow.commit()
    for path in sent:
        import_list(uow_factory(), path, organisation=path.stem, actor="test", now=NOW)
    add_site(
        uow_factory(),
        Site("torkham", "Torkham", SiteKind.LAND_BORDER, 5000, 90, "border-reception", ("gate-2",)),
        actor="coordinator-1",
        now=NOW,
    )

    received = arrive_land_border(
        uow_factory, taken_at_border, site="torkham", officer=OFFICER, now=LANDED
    )

    with uow_factory() as uow:
        records = [
            r
            for r in uow.intake.records()
            if r.record.provenance.organisation == "border-reception"
        ]
    assert len(records) == received.registration.arrived == received.outcome.new > 10
    assert {r.list_name for r in records} == {f"land-border torkham/gate-2: {taken_at_border.name}"}
    report = match(uow_factory(), actor="case-officer-1", now=LANDED)
    with uow_factory() as uow:
        linked = set(uow.matching.memberships())
    assert {r.id for r in records} <= linked
    assert report.records == len(linked)


def test_a_reception_point_list_is_received_once_and_can_move_on_together(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    border_org = Organisation("unhcr-torkham", "Reception Torkham", OrganisationKind.GOVERNMENT)
    with uow_factory() as uow:
        uow.organisations.add(border_org)
        uow.organisations.add(ORGANISATION)
        uow.commit()
    site = Site(
        "torkham",
        "Torkham crossing",
        SiteKind.LAND_BORDER,
        capacity=3,
        organisation=border_org.code,
        points=("gate-1", "gate-2"),
    )
    add_site(uow_factory(), site, actor="coordinator-1", now=NOW)
    path = write_arrivals(tmp_path)
    with pytest.raises(InvalidInput, match="several reception points"):
        arrive_land_border(uow_factory, path, site="torkham", officer=OFFICER, now=LANDED)

    received = arrive_land_border(
        uow_factory, path, site="torkham", point="gate-2", officer=OFFICER, now=LANDED
    )
    again = arrive_land_border(
        uow_factory, path, site="torkham", point="gate-2", officer=OFFICER, now=LANDED
    )

    assert received.outcome.new == 3
    assert received.registration.arrived == 3
    assert received.registration.warning is not None  # 3 of 3: full
    assert (again.outcome.already, again.registration.arrived) == (True, 0)
    with uow_factory() as uow:
        records = list(uow.intake.records())
    assert [r.list_name for r in records] == [
        "land-border torkham/gate-2: torkham-2026-11-25.csv"
    ] * 3
    assert {r.record.provenance.organisation for r in records} == {"unhcr-torkham"}
    assert site_status(uow_factory(), "torkham").present == 3

    batch = received.registration.batch
    moved = depart(uow_factory(), "torkham", officer=OFFICER, now=LANDED, batch=batch, to="camp-4")
    assert (moved.departed, moved.present) == (3, 0)
