"""Need-to-know: the only way services load a case, household or flight for a principal.

Each `access_*` function raises NotFound both for a missing object and for one the principal may
not see, with the same message, so a response never tells the two apart. The `*_view` functions
shape what is shown: coarse status for partners, masked numbers, flight times held back until
the release window.
"""

from __future__ import annotations

import datetime as dt
import uuid

from refuge.accounts.policy import AccountPolicy
from refuge.accounts.ports import AccountsUnitOfWork
from refuge.accounts.principal import Principal
from refuge.accounts.roles import FLIGHT_TIME_ROLES, UNMASKED_ROLES, Role, Scope
from refuge.accounts.views import (
    CaseStatusView,
    CaseView,
    DocumentView,
    FlightView,
    HouseholdView,
    PersonView,
    TransitionView,
    coarse_status,
    mask,
)
from refuge.domain import Case, Flight, Household, NotFound, Person

__all__ = [
    "access_case",
    "access_flight",
    "access_household",
    "case_view",
    "flight_view",
    "household_view",
    "sees_flight_times",
]


def access_case(uow: AccountsUnitOfWork, principal: Principal, number: str) -> Case:
    missing = NotFound(f"case {number} not found")
    if not principal.may(Scope.CASES_READ):
        raise missing
    try:
        case = uow.cases.get(number)
    except NotFound:
        raise missing from None
    if principal.role is Role.PARTNER and case.organisation != principal.organisation:
        raise missing
    return case


def access_household(
    uow: AccountsUnitOfWork, principal: Principal, household_id: uuid.UUID
) -> Household:
    missing = NotFound(f"household {household_id} not found")
    if not principal.may(Scope.HOUSEHOLDS_READ):
        raise missing
    try:
        return uow.households.get(household_id)
    except NotFound:
        raise missing from None


def access_flight(uow: AccountsUnitOfWork, principal: Principal, code: str) -> Flight:
    missing = NotFound(f"flight {code} not found")
    if not principal.may(Scope.FLIGHTS_READ):
        raise missing
    try:
        return uow.flights.get(code)
    except NotFound:
        raise missing from None


def case_view(principal: Principal, case: Case) -> CaseView | CaseStatusView:
    status = coarse_status(case.stage)
    if principal.role is Role.PARTNER:
        return CaseStatusView(case.number, case.organisation, case.program, status)
    whole = principal.role in UNMASKED_ROLES
    history = tuple(
        TransitionView(t.from_stage, t.to_stage, t.actor, t.at, t.reason if whole else None)
        for t in case.history
    )
    household = case.household_id if principal.may(Scope.HOUSEHOLDS_READ) else None
    return CaseView(
        number=case.number,
        organisation=case.organisation,
        program=case.program,
        status=status,
        stage=case.stage,
        priority=case.priority,
        version=case.version,
        household_id=household,
        history=history,
    )


def household_view(principal: Principal, household: Household, cases: list[str]) -> HouseholdView:
    whole = principal.role in UNMASKED_ROLES
    members = tuple(
        _person_view(member.person, str(member.relationship), whole=whole)
        for member in household.members
    )
    return HouseholdView(household.id, members, tuple(sorted(cases)))


def _person_view(person: Person, relationship: str, *, whole: bool) -> PersonView:
    documents = tuple(
        DocumentView(
            kind=str(doc.kind),
            number=doc.number if whole else mask(doc.number),
            masked=not whole,
            issuing_state=doc.issuing_state,
            expiry=doc.expiry,
        )
        for doc in person.documents
    )
    name = person.name
    return PersonView(
        id=person.id,
        relationship=relationship,
        given=name.given,
        family=name.family,
        given_romanised=name.given_romanised,
        family_romanised=name.family_romanised,
        script=str(name.script),
        date_of_birth=person.date_of_birth.iso(),
        sex=str(person.sex),
        nationalities=person.nationalities,
        documents=documents,
        phones=tuple(p if whole else mask(p) for p in person.phones),
        notes=person.notes if whole else None,
    )


def sees_flight_times(
    principal: Principal, flight: Flight, *, now: dt.datetime, policy: AccountPolicy
) -> bool:
    if principal.role in FLIGHT_TIME_ROLES:
        return True
    return now >= flight.departs_earliest - policy.flight_release_before


def flight_view(
    principal: Principal, flight: Flight, *, now: dt.datetime, policy: AccountPolicy
) -> FlightView:
    released = sees_flight_times(principal, flight, now=now, policy=policy)
    return FlightView(
        code=flight.code,
        aircraft=flight.aircraft,
        seats=flight.seats,
        surge_seats=flight.surge_seats,
        origin=flight.origin,
        destination=flight.destination,
        departs_earliest=flight.departs_earliest if released else None,
        departs_latest=flight.departs_latest if released else None,
        times_released=released,
        programs=tuple(sorted(flight.programs)),
    )
