"""Flights, manifests and the gate desk as each role sees and works them, on SQLite and
PostgreSQL: times withheld on the board, names only for roles that read households, numbers
masked for roles that do not check documents, households grouped with the principal first, the
standby list in rank order, reads audited, and the gate only for those who work it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from tests.gate.building import NOW, ORGANISATION, PROGRAM, Boarding, build, family, flight, td3
from tests.planning.stored import NOW as STORED_NOW
from tests.planning.stored import approved, declare, operation, replan
from tests.planning.stored import flight as planned_flight

from refuge.accounts import (
    AccountPolicy,
    Channel,
    Guards,
    Principal,
    Role,
    flight_board,
    gate_confirm,
    gate_no_show,
    gate_scan,
    list_flights,
    may_work_gate,
    read_manifest,
)
from refuge.domain import (
    Case,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Relationship,
    Stage,
)
from refuge.domain.errors import Forbidden
from refuge.gate import GateStep, ScanOutcome
from refuge.store import SqlUnitOfWork

GUARDS = Guards(AccountPolicy(argon2_time_cost=1, argon2_memory_kib=8))


def acting(role: Role) -> Principal:
    return Principal.of(
        user_id=uuid.uuid4(),
        username=f"{role.value.replace('_', '-')}-1",
        role=role,
        organisation="aid-kabul" if role is Role.PARTNER else None,
        channel=Channel.SESSION,
        credential_id=uuid.uuid4(),
    )


@pytest.fixture
def boarding(uow_factory: Callable[[], SqlUnitOfWork]) -> Boarding:
    """Three households on RCH101 and one on RCH202, and one waiting on RCH101's standby."""
    built = build(uow_factory, {"RCH101": 3, "RCH202": 1})
    with uow_factory() as uow:
        add_standby(uow, built.flights["RCH101"].id)
        uow.commit()
    return built


def add_standby(uow: SqlUnitOfWork, flight_id: uuid.UUID) -> None:
    household = family()
    uow.households.add(household)
    case = Case(uow.cases.next_number(), household.id, PROGRAM.code, ORGANISATION.code)
    for stage in (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
        case.move_to(stage, actor="coordinator-1", at=NOW)
    uow.cases.add(case)
    uow.manifests.add_many(
        ManifestEntry(
            flight_id,
            case.id,
            household.id,
            m.person.id,
            status=ManifestStatus.STANDBY,
            standby_rank=1,
        )
        for m in household.members
    )


def test_the_board_shows_times_only_to_roles_allowed_and_counts_to_all(
    boarding: Boarding,
) -> None:
    for role, sees in ((Role.COORDINATOR, True), (Role.FLIGHT_OPERATIONS, True)):
        lines = flight_board(boarding.uow(), GUARDS, acting(role), now=NOW)
        assert all((line.flight.departs_earliest is not None) is sees for line in lines)
    lines = flight_board(boarding.uow(), GUARDS, acting(Role.GATE_AGENT), now=NOW)
    assert [line.flight.code for line in lines] == ["RCH101", "RCH202"]
    assert all(line.flight.departs_earliest is None for line in lines)
    first = lines[0]
    assert (first.seated, first.standby, first.checked_in) == (6, 2, 0)
    assert first.free_seats == 294


def test_the_board_sorts_flights_with_times_withheld_by_code_not_by_departure(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    with uow_factory() as uow:
        uow.flights.add(flight("ZZZ1"))
        uow.flights.add(flight("AAA1", now=NOW + dt.timedelta(hours=2)))
        uow.commit()
    allowed = flight_board(uow_factory(), GUARDS, acting(Role.COORDINATOR), now=NOW)
    withheld = flight_board(uow_factory(), GUARDS, acting(Role.CASE_OFFICER), now=NOW)
    assert [line.flight.code for line in allowed] == ["ZZZ1", "AAA1"]
    assert [line.flight.code for line in withheld] == ["AAA1", "ZZZ1"]
    # The API's list of flights keeps the same order, not the database's departure order.
    listed = list_flights(uow_factory(), GUARDS, acting(Role.CASE_OFFICER), now=NOW)
    assert [view.code for view in listed] == ["AAA1", "ZZZ1"]


def test_partners_see_no_board_and_no_manifest(boarding: Boarding) -> None:
    with pytest.raises(Forbidden):
        flight_board(boarding.uow(), GUARDS, acting(Role.PARTNER), now=NOW)
    with pytest.raises(NotFound, match="flight RCH101 not found"):
        read_manifest(boarding.uow(), GUARDS, acting(Role.PARTNER), "RCH101", now=NOW)


def test_a_manifest_groups_households_principal_first_and_lists_standby_by_rank(
    boarding: Boarding,
) -> None:
    view = read_manifest(boarding.uow(), GUARDS, acting(Role.GATE_AGENT), "RCH101", now=NOW)
    assert len(view.households) == 3
    assert len(view.standby) == 1
    for household in (*view.households, *view.standby):
        assert [m.relationship for m in household.members] == [
            Relationship.PRINCIPAL.value,
            Relationship.SPOUSE.value,
        ]
        assert len({m.family_name for m in household.members}) == 1
    families = [h.members[0].family_name for h in view.households]
    assert families == sorted(families, key=str.casefold)
    assert view.standby[0].standby_rank == 1
    assert {m.status for m in view.standby[0].members} == {ManifestStatus.STANDBY}
    assert view.seated == 6
    assert view.count(ManifestStatus.STANDBY) == 2
    # The gate agent checks documents: numbers whole.
    assert view.households[0].members[0].document_number.startswith("PQ")
    assert view.flight.departs_earliest is None


def test_names_and_numbers_follow_the_role(boarding: Boarding) -> None:
    reception = read_manifest(
        boarding.uow(), GUARDS, acting(Role.RECEPTION_OFFICER), "RCH101", now=NOW
    )
    member = reception.households[0].members[0]
    assert member.family_name.startswith("Qaderyar")
    assert member.document_number.startswith("*****")
    assert reception.documents_masked
    operations = read_manifest(
        boarding.uow(), GUARDS, acting(Role.FLIGHT_OPERATIONS), "RCH101", now=NOW
    )
    assert not operations.names_shown
    assert operations.flight.departs_earliest is not None
    blank = operations.households[0].members[0]
    assert (blank.family_name, blank.given_names, blank.date_of_birth, blank.document_number) == (
        "",
        "",
        "",
        "",
    )
    assert operations.seated == 6


def test_reading_the_people_on_a_manifest_is_audited_and_counts_are_not(
    boarding: Boarding,
) -> None:
    read_manifest(boarding.uow(), GUARDS, acting(Role.GATE_AGENT), "RCH101", now=NOW)
    read_manifest(boarding.uow(), GUARDS, acting(Role.FLIGHT_OPERATIONS), "RCH101", now=NOW)
    with boarding.uow() as uow:
        reads = [e for e in uow.audit.events() if e.action == "manifest.read"]
    assert [(e.actor, e.object_id) for e in reads] == [("user:gate-agent-1", "RCH101")]


def test_a_shredded_household_stays_on_the_manifest_as_a_count(boarding: Boarding) -> None:
    view = read_manifest(boarding.uow(), GUARDS, acting(Role.COORDINATOR), "RCH101", now=NOW)
    target = view.households[1]
    with boarding.uow() as uow:
        uow.households.shred(target.household_id)
        uow.commit()
    after = read_manifest(boarding.uow(), GUARDS, acting(Role.COORDINATOR), "RCH101", now=NOW)
    shredded = [h for h in after.households if h.case_number == target.case_number]
    assert shredded[0].shredded
    assert shredded[0].people == 2
    assert shredded[0].members[0].family_name == ""


def test_only_gate_agents_and_coordinators_work_the_gate(boarding: Boarding) -> None:
    assert {role for role in Role if may_work_gate(acting(role))} == {
        Role.GATE_AGENT,
        Role.COORDINATOR,
    }
    number = next(iter(boarding.households))
    zone = td3(boarding.households[number].members[0].person.documents[0].number)
    with pytest.raises(Forbidden):
        gate_scan(
            boarding.uow(),
            acting(Role.CASE_OFFICER),
            "RCH101",
            zone,
            step=GateStep.CHECK_IN,
            public_keys=[boarding.key.public_key()],
            now=NOW,
        )


def test_a_look_then_one_tap_checks_in_then_boards_and_audits_the_agent(
    boarding: Boarding,
) -> None:
    agent = acting(Role.GATE_AGENT)
    number = next(n for n, code in boarding.flight_of.items() if code == "RCH101")
    zone = td3(boarding.households[number].members[0].person.documents[0].number)
    keys = [boarding.key.public_key()]
    look = gate_scan(
        boarding.uow(), agent, "RCH101", zone, step=GateStep.LOOK, public_keys=keys, now=NOW
    )
    assert look.outcome is ScanOutcome.ON_MANIFEST
    assert look.case_number == number
    assert look.entry_id is not None
    checked = gate_confirm(
        boarding.uow(), agent, "RCH101", look.entry_id, GateStep.CHECK_IN, now=NOW
    )
    assert checked.outcome is ScanOutcome.CHECKED_IN
    boarded = gate_confirm(boarding.uow(), agent, "RCH101", look.entry_id, GateStep.BOARD, now=NOW)
    assert boarded.outcome is ScanOutcome.BOARDED
    with boarding.uow() as uow:
        actors = {e.actor for e in uow.audit.events() if e.action.startswith("gate.")}
    assert actors == {"user:gate-agent-1"}


def test_a_no_show_frees_the_households_seats(boarding: Boarding) -> None:
    agent = acting(Role.GATE_AGENT)
    number = next(n for n, code in boarding.flight_of.items() if code == "RCH101")
    result = gate_no_show(boarding.uow(), agent, "RCH101", number, now=NOW)
    assert result.freed == 2
    line = flight_board(boarding.uow(), GUARDS, agent, now=NOW)[0]
    assert (line.seated, line.no_show) == (4, 2)


def test_a_manifest_tells_what_the_latest_plan_changed_on_its_flight_only(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    operation(uow_factory)
    # Only RCH301 takes a household of three; RCH302 takes two.
    declare(uow_factory, planned_flight("RCH301", 4, hours=6), planned_flight("RCH302", 2, hours=9))
    first = approved(uow_factory, 3)
    second = approved(uow_factory, 2)
    replan(uow_factory)
    coordinator = acting(Role.COORDINATOR)
    view = read_manifest(uow_factory(), GUARDS, coordinator, "RCH301", now=STORED_NOW)
    assert view.changes is not None
    assert (view.changes.old_version, view.changes.new_version, view.changes.lines) == (None, 1, ())
    # Someone at more risk arrives: the next plan gives them the earlier flight's seats.
    urgent = approved(uow_factory, 3, threat=3)
    replan(uow_factory)
    early = read_manifest(uow_factory(), GUARDS, coordinator, "RCH301", now=STORED_NOW).changes
    late = read_manifest(uow_factory(), GUARDS, coordinator, "RCH302", now=STORED_NOW).changes
    assert early is not None
    assert late is not None
    assert (early.old_version, early.new_version) == (1, 2)
    on_early = {line.case_number: line for line in early.lines}
    assert set(on_early) == {urgent, first}
    assert (on_early[urgent].kind, on_early[urgent].before, on_early[urgent].after) == (
        "assigned",
        "standby",
        "RCH301 (3)",
    )
    assert (on_early[first].kind, on_early[first].before, on_early[first].after) == (
        "dropped",
        "RCH301 (3)",
        "standby",
    )
    # The second household kept its seats on the later flight: nothing changed there.
    assert second not in on_early
    assert late.lines == ()
