"""A stored operation for the stored planning tests: approved cases with facts recorded, and
flights declared. All people are made up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from refuge.cases.services import add_organisation, add_program
from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Flight,
    Household,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
    Stage,
)
from refuge.eligibility import RecordedFacts, shipped_precedence
from refuge.planning import PlanRun, declare_flight, run_plan
from refuge.store import SqlUnitOfWork

NOW = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)
ACTOR = "coordinator-1"
ORGANISATION = Organisation("ngo-test", "Test NGO", OrganisationKind.NGO)
PROGRAMS = (
    Program("citizens", "Citizens", 1),
    Program("siv", "Special Immigrant Visa", 3),
    Program("humanitarian-p", "People at risk", 4),
)
Factory = Callable[[], SqlUnitOfWork]
_serial = iter(range(1, 1_000_000))


def operation(uow_factory: Factory) -> None:
    add_organisation(uow_factory(), ORGANISATION, actor=ACTOR, now=NOW)
    for program in PROGRAMS:
        add_program(uow_factory(), program, actor=ACTOR, now=NOW)


def household(size: int, nationality: str = "AFG") -> Household:
    def person(n: int) -> Person:
        serial = next(_serial)
        return Person(
            PersonName(f"Given{serial}", "Family"),
            PartialDate(1980 + n, 1, 1),
            Sex.FEMALE if n % 2 else Sex.MALE,
            (nationality,),
            (Document(DocumentKind.PASSPORT, f"P{serial:07d}", nationality, dt.date(2030, 1, 1)),),
        )

    others = [(person(n), Relationship.CHILD) for n in range(1, size)]
    return Household.of(person(0), *others)


def approved(
    uow_factory: Factory,
    size: int,
    *,
    program: str = "siv",
    threat: int = 0,
    nationality: str = "AFG",
) -> str:
    """A household of `size` approved for relocation in `program`, its priority score raised by
    `threat` (10 points a level); its case number."""
    home = household(size, nationality)
    with uow_factory() as uow:
        uow.households.add(home)
        case = Case(uow.cases.next_number(), home.id, program, ORGANISATION.code)
        for stage in (Stage.REGISTERED, Stage.ELIGIBLE, Stage.VETTING_CLEARED, Stage.APPROVED):
            case.move_to(stage, actor=ACTOR, at=NOW)
        uow.cases.add(case)
        uow.eligibility.record_facts(
            case.id, home.id, RecordedFacts(threat_level=threat).as_record(), NOW
        )
        uow.commit()
    return case.number


def flight(
    code: str,
    seats: int,
    *,
    hours: int = 6,
    programs: frozenset[str] = frozenset(),
    operator_state: str | None = None,
    nationalities: frozenset[str] = frozenset(),
) -> Flight:
    departs = NOW + dt.timedelta(hours=hours)
    return Flight(
        code=code,
        aircraft="C-17",
        seats=seats,
        origin="KBL",
        destination="DOH",
        departs_earliest=departs,
        departs_latest=departs + dt.timedelta(hours=2),
        operator_state=operator_state,
        programs=programs,
        nationalities=nationalities,
    )


def declare(uow_factory: Factory, *flights: Flight) -> None:
    for f in flights:
        declare_flight(uow_factory(), f, actor=ACTOR, now=NOW)


def replan(uow_factory: Factory, *, at: dt.datetime = NOW, time_limit_s: float = 2.0) -> PlanRun:
    return run_plan(
        uow_factory(),
        actor=ACTOR,
        now=at,
        order=shipped_precedence(),
        time_limit_s=time_limit_s,
        workers=1,
    )
