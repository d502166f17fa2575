"""Need-to-know: the only way services load a case, household or flight for a principal.

Each `access_*` function raises NotFound both for a missing object and for one the principal may
not see, with the same message, so a response never tells the two apart. The `*_view` functions
shape what is shown: coarse status for partners, masked numbers, flight times held back until
the release window.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from refuge.accounts.policy import AccountPolicy
from refuge.accounts.ports import (
    AccountsUnitOfWork,
    OperationUnitOfWork,
    RecordLine,
)
from refuge.accounts.principal import Principal
from refuge.accounts.roles import FLIGHT_TIME_ROLES, UNMASKED_ROLES, Role, Scope
from refuge.accounts.views import (
    CaseStatusView,
    CaseView,
    DocumentView,
    FlightView,
    HouseholdView,
    PersonView,
    ProblemView,
    RecordView,
    TransitionView,
    coarse_status,
    mask,
)
from refuge.domain import (
    Case,
    Flight,
    Household,
    InvalidInput,
    NotFound,
    Person,
)
from refuge.domain.errors import Forbidden
from refuge.intake import FieldProblem, ImportedFile, QuarantineEntry, SourceRecord

__all__ = [
    "access_case",
    "access_flight",
    "access_household",
    "access_import",
    "access_person",
    "access_quarantined",
    "access_record",
    "case_view",
    "flight_view",
    "household_view",
    "listed_organisation",
    "problem_view",
    "record_view",
    "sees_flight_times",
    "submitting_organisation",
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


def listed_organisation(principal: Principal, organisation: str | None) -> str | None:
    """Whose lists, records or quarantine a listing covers: a partner's own organisation's
    whatever it asks for (another's looks empty), anyone else's as asked (None: all)."""
    if principal.role is Role.PARTNER:
        return principal.organisation
    return organisation


def submitting_organisation(principal: Principal, organisation: str | None) -> str:
    """The organisation a list is imported for: a partner's own; staff must name it."""
    if principal.role is Role.PARTNER:
        own = principal.organisation or ""
        if organisation is not None and organisation != own:
            raise Forbidden("a partner organisation imports lists for itself only")
        return own
    if organisation is None:
        raise InvalidInput("field organisation: name the organisation that sent the list")
    return organisation


def _own(principal: Principal, organisation: str) -> bool:
    return principal.role is not Role.PARTNER or organisation == principal.organisation


class _Submitted(Protocol):
    @property
    def organisation(self) -> str: ...


_S = TypeVar("_S", bound=_Submitted)


def _submitted(principal: Principal, scope: Scope, what: str, lookup: Callable[[], _S]) -> _S:
    """`lookup()` if the principal holds `scope` and, a partner, submitted it; otherwise the same
    NotFound naming `what` as for one that does not exist."""
    missing = NotFound(f"{what} not found")
    if not principal.may(scope):
        raise missing
    try:
        found = lookup()
    except NotFound:
        raise missing from None
    if not _own(principal, found.organisation):
        raise missing
    return found


def access_import(
    uow: OperationUnitOfWork, principal: Principal, file_id: uuid.UUID
) -> ImportedFile:
    return _submitted(
        principal, Scope.IMPORTS_READ, f"import {file_id}", lambda: uow.records.file(file_id)
    )


def access_quarantined(
    uow: OperationUnitOfWork, principal: Principal, entry_id: uuid.UUID, scope: Scope
) -> QuarantineEntry:
    """A quarantined row, to list (`imports:read`) or to open and correct (`imports:write`)."""
    return _submitted(
        principal,
        scope,
        f"quarantined row {entry_id}",
        lambda: uow.records.quarantine_entry(entry_id),
    )


def access_record(
    uow: OperationUnitOfWork, principal: Principal, record_id: uuid.UUID
) -> RecordLine:
    return _submitted(
        principal,
        Scope.RECORDS_READ,
        f"source record {record_id}",
        lambda: uow.records.line(record_id),
    )


def access_person(
    uow: OperationUnitOfWork, principal: Principal, person_id: uuid.UUID
) -> list[RecordLine]:
    """The records matching joined into this person (joining lists of several organisations,
    so only roles that read persons at all)."""
    missing = NotFound(f"person {person_id} not found")
    if not principal.may(Scope.PERSONS_READ):
        raise missing
    lines = uow.records.of_person(person_id)
    if not lines:
        raise missing
    return lines


def problem_view(problem: FieldProblem) -> ProblemView:
    return ProblemView(problem.field, problem.problem, str(problem.severity), problem.column)


def record_view(principal: Principal, line: RecordLine, stored: SourceRecord) -> RecordView:
    whole = principal.role in UNMASKED_ROLES
    record = stored.record
    where = record.provenance
    name = record.name

    def shown(number: str | None) -> str | None:
        return number if whole or number is None else mask(number)

    return RecordView(
        id=stored.id,
        organisation=where.organisation,
        list_name=stored.list_name,
        file=where.file,
        sheet=where.sheet,
        row=where.row,
        origin=str(stored.origin),
        withdrawn=stored.withdrawn,
        person_id=line.person_id,
        household_id=line.household_id,
        given=name.given,
        family=name.family,
        given_romanised=name.given_romanised,
        family_romanised=name.family_romanised,
        script=str(name.script),
        date_of_birth=record.date_of_birth.iso(),
        sex=str(record.sex),
        nationalities=record.nationalities,
        relationship=str(record.relationship) if record.relationship else None,
        passport_number=shown(record.passport_number),
        tazkira_number=shown(record.tazkira_number),
        phones=tuple(p if whole else mask(p) for p in record.phones),
        masked=not whole,
        household_reference=record.household_reference,
        source_id=record.source_id,
        notes=record.notes if whole else None,
        unmapped=record.unmapped if whole else (),
        warnings=tuple(problem_view(p) for p in record.warnings),
    )


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


def flight_order(view: FlightView) -> tuple[int, dt.datetime, str]:
    """The order flights are listed in: those whose times the reader sees first, by departure;
    the others after, by code, so that their order tells nothing of their times."""
    if view.departs_earliest is None:
        return 1, dt.datetime.min.replace(tzinfo=dt.UTC), view.code
    return 0, view.departs_earliest, view.code
