"""Flights, their manifests and the gate desk as a principal may see and work them: the flight
board (departure times only for those allowed), a flight's manifest with households grouped and
its standby list (names only for roles that read households, document numbers masked for roles
that do not check them), and check-in, boarding and no-show for the roles that work the gate.

Authorisation here, as in `services.py`: each function takes the acting `Principal`, loads the
flight through `access_flight` and shapes what it returns for the role. Reading a manifest with
the people on it is reading their records, and is an audit event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from refuge.accounts.access import access_flight, flight_order, flight_view
from refuge.accounts.policy import Guards
from refuge.accounts.ports import AccountsUnitOfWork
from refuge.accounts.principal import Principal
from refuge.accounts.roles import ROLE_MOVES, UNMASKED_ROLES, Scope
from refuge.accounts.views import FlightView, mask
from refuge.domain import (
    Case,
    DataShredded,
    Flight,
    Household,
    InvalidInput,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Person,
    Relationship,
    Stage,
)
from refuge.domain.errors import Forbidden
from refuge.gate import (
    GateStep,
    GateUnitOfWork,
    ManifestRepository,
    ScanResult,
    board,
    check_in,
    no_show,
    scan,
)
from refuge.planning import Seats, compare_plans, plan_versions

__all__ = [
    "FlightBoardLine",
    "FlightsUnitOfWork",
    "ManifestChange",
    "ManifestChanges",
    "ManifestHousehold",
    "ManifestMember",
    "ManifestUnitOfWork",
    "ManifestView",
    "NoShowResult",
    "flight_board",
    "flight_board_line",
    "gate_confirm",
    "gate_no_show",
    "gate_scan",
    "may_work_gate",
    "read_manifest",
]

# Seats taken on the flight: everyone but standby, no-shows and the offloaded.
_SEATED = frozenset({ManifestStatus.MANIFESTED, ManifestStatus.CHECKED_IN, ManifestStatus.BOARDED})
_GATE_MOVES = frozenset({Stage.CHECKED_IN, Stage.BOARDED, Stage.NO_SHOW})


class ManifestUnitOfWork(AccountsUnitOfWork, GateUnitOfWork, Protocol):
    """What a manifest and the gate desk read: accounts' and the gate's storage (manifests,
    passes, scans, plans)."""


class CountedManifests(ManifestRepository, Protocol):
    def count_by_status(self, flight_id: uuid.UUID) -> Mapping[ManifestStatus, int]: ...


class FlightsUnitOfWork(ManifestUnitOfWork, Protocol):
    """What the flight board reads: the same, with manifests counted in the database."""

    @property
    def manifests(self) -> CountedManifests: ...


# --- the flight board -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlightBoardLine:
    """One flight on the board: the flight as the principal may see it, and people by status
    on its manifest (counts only)."""

    flight: FlightView
    seated: int  # manifested, checked in or boarded
    checked_in: int
    boarded: int
    no_show: int
    standby: int

    @property
    def free_seats(self) -> int:
        return max(self.flight.seats - self.seated, 0)


def flight_board(
    uow: FlightsUnitOfWork, guards: Guards, principal: Principal, *, now: dt.datetime
) -> list[FlightBoardLine]:
    """Every flight with its manifest counts. Flights whose times the principal sees come first
    in departure order; the others follow by code, so their order tells nothing of their times."""
    principal.require(Scope.FLIGHTS_READ)
    with uow:
        lines = [_board_line(uow, guards, principal, f, now) for f in uow.flights.list()]
    return sorted(lines, key=_board_order)


def flight_board_line(
    uow: FlightsUnitOfWork, guards: Guards, principal: Principal, code: str, *, now: dt.datetime
) -> FlightBoardLine:
    """One flight's line of the board. Raises NotFound for a flight the principal may not see."""
    with uow:
        return _board_line(uow, guards, principal, access_flight(uow, principal, code), now)


def _board_line(
    uow: FlightsUnitOfWork, guards: Guards, principal: Principal, flight: Flight, now: dt.datetime
) -> FlightBoardLine:
    counts = uow.manifests.count_by_status(flight.id)
    return FlightBoardLine(
        flight=flight_view(principal, flight, now=now, policy=guards.policy),
        seated=sum(counts.get(s, 0) for s in _SEATED),
        checked_in=counts.get(ManifestStatus.CHECKED_IN, 0),
        boarded=counts.get(ManifestStatus.BOARDED, 0),
        no_show=counts.get(ManifestStatus.NO_SHOW, 0),
        standby=counts.get(ManifestStatus.STANDBY, 0),
    )


def _board_order(line: FlightBoardLine) -> tuple[int, dt.datetime, str]:
    return flight_order(line.flight)


# --- a flight's manifest ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManifestMember:
    """One person on the manifest. Personal fields are empty for roles that do not read
    households; the document number is masked for roles that do not check documents."""

    entry_id: uuid.UUID
    relationship: str
    status: ManifestStatus
    family_name: str  # romanised, as border systems and passports' zones spell it
    given_names: str
    written_name: str  # as first written, when that was another script; else ""
    sex: str
    date_of_birth: str  # ISO, to the precision known
    nationality: str
    document_kind: str
    document_number: str
    document_issuing_state: str


@dataclass(frozen=True, slots=True)
class ManifestHousehold:
    """A household's people on one flight, the principal applicant first."""

    household_id: uuid.UUID
    case_number: str
    members: tuple[ManifestMember, ...]
    standby_rank: int | None  # for a household waiting on standby
    shredded: bool = False  # its personal data was crypto-shredded: only the count remains

    @property
    def people(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class ManifestChange:
    """A household whose seats on this flight changed between two plan versions."""

    case_number: str
    kind: str  # a refuge.planning.ChangeKind value: assigned, moved, dropped, withdrawn
    before: str  # flight codes with seats, or "standby"
    after: str


@dataclass(frozen=True, slots=True)
class ManifestChanges:
    """What the latest plan version changed on this flight against the one before it."""

    old_version: int | None  # None: the latest is the first plan
    new_version: int
    lines: tuple[ManifestChange, ...]


@dataclass(frozen=True, slots=True)
class ManifestView:
    """A flight's manifest as the principal may see it."""

    flight: FlightView
    households: tuple[ManifestHousehold, ...]  # holding or having held seats, grouped
    standby: tuple[ManifestHousehold, ...]  # in the order they would be offered seats
    names_shown: bool
    documents_masked: bool
    changes: ManifestChanges | None = None  # None: no plan stored yet

    def count(self, status: ManifestStatus) -> int:
        return sum(
            1 for h in (*self.households, *self.standby) for m in h.members if m.status is status
        )

    @property
    def seated(self) -> int:
        return sum(self.count(status) for status in _SEATED)


def read_manifest(
    uow: ManifestUnitOfWork, guards: Guards, principal: Principal, code: str, *, now: dt.datetime
) -> ManifestView:
    """Flight `code`'s manifest: households grouped (the principal applicant first), then the
    standby list by rank. Roles without access to households see relationships, statuses and
    case numbers but no personal field. Raises NotFound for a flight the principal may not see."""
    names_shown = principal.may(Scope.HOUSEHOLDS_READ)
    masked = principal.role not in UNMASKED_ROLES
    with uow:
        flight = access_flight(uow, principal, code)
        groups = _grouped(uow.manifests.for_flight(flight.id))
        seated: list[ManifestHousehold] = []
        standby: list[ManifestHousehold] = []
        for (household_id, case_id), entries in groups.items():
            household = _household(uow, household_id) if names_shown else None
            shredded = names_shown and household is None
            members = _members(entries, household, names_shown=names_shown, masked=masked)
            rank = min((e.standby_rank for e in entries if e.standby_rank is not None), default=0)
            waiting = all(e.status is ManifestStatus.STANDBY for e in entries)
            line = ManifestHousehold(
                household_id=household_id,
                case_number=_case(uow, household_id, case_id).number,
                members=members,
                standby_rank=rank if waiting else None,
                shredded=shredded,
            )
            (standby if waiting else seated).append(line)
        if names_shown:
            uow.audit.record(
                actor=principal.actor,
                action="manifest.read",
                object_kind="flight",
                object_id=flight.code,
                at=now,
                details={
                    "role": str(principal.role),
                    "via": str(principal.channel),
                    "households": len(seated) + len(standby),
                },
            )
            uow.commit()
    seated.sort(key=_manifest_order)
    standby.sort(key=lambda h: (h.standby_rank or 0, h.case_number))
    return ManifestView(
        flight=flight_view(principal, flight, now=now, policy=guards.policy),
        households=tuple(seated),
        standby=tuple(standby),
        names_shown=names_shown,
        documents_masked=masked,
        changes=_changes(uow, flight.code),
    )


def _changes(uow: ManifestUnitOfWork, code: str) -> ManifestChanges | None:
    """The latest plan version's changes that touch flight `code`. Case numbers and flight codes
    only: what a manifest shows anyway."""
    versions = [record.version for record in plan_versions(uow)]
    if not versions:
        return None
    if len(versions) == 1:
        return ManifestChanges(None, versions[-1], ())
    changes = compare_plans(uow, versions[-2], versions[-1])
    lines = tuple(
        ManifestChange(c.case_number, c.kind.value, _seats(c.before), _seats(c.after))
        for c in changes.changes
        if any(s.flight_code == code for s in (*c.before, *c.after))
    )
    return ManifestChanges(changes.old_version, changes.new_version, lines)


def _seats(side: Sequence[Seats]) -> str:
    return ", ".join(f"{s.flight_code} ({s.people})" for s in side) or "standby"


def _grouped(
    entries: Sequence[ManifestEntry],
) -> dict[tuple[uuid.UUID, uuid.UUID], list[ManifestEntry]]:
    groups: dict[tuple[uuid.UUID, uuid.UUID], list[ManifestEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.household_id, entry.case_id), []).append(entry)
    return groups


def _household(uow: ManifestUnitOfWork, household_id: uuid.UUID) -> Household | None:
    try:
        return uow.households.get(household_id)
    except DataShredded:
        return None


def _case(uow: ManifestUnitOfWork, household_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    for case in uow.cases.for_household(household_id):
        if case.id == case_id:
            return case
    raise NotFound(f"case of household {household_id} not found")


def _members(
    entries: Sequence[ManifestEntry],
    household: Household | None,
    *,
    names_shown: bool,
    masked: bool,
) -> tuple[ManifestMember, ...]:
    people = {m.person.id: m for m in household.members} if household is not None else {}
    listed = {person_id: i for i, person_id in enumerate(people)}
    keyed: list[tuple[tuple[bool, int], ManifestMember]] = []
    for entry in entries:
        found = people.get(entry.person_id)
        relationship = found.relationship if found is not None else None
        person = found.person if found is not None and names_shown else None
        member = _member(entry, relationship, person, masked=masked)
        # Principal first, the rest in the order the household lists them.
        position = listed.get(entry.person_id, len(listed))
        keyed.append(((relationship is not Relationship.PRINCIPAL, position), member))
    keyed.sort(key=lambda pair: pair[0])
    return tuple(member for _, member in keyed)


def _member(
    entry: ManifestEntry,
    relationship: Relationship | None,
    person: Person | None,
    *,
    masked: bool,
) -> ManifestMember:
    if person is None:
        return ManifestMember(
            entry_id=entry.id,
            relationship=relationship.value if relationship is not None else "",
            status=entry.status,
            family_name="",
            given_names="",
            written_name="",
            sex="",
            date_of_birth="",
            nationality="",
            document_kind="",
            document_number="",
            document_issuing_state="",
        )
    name = person.name
    romanised = (name.family_romanised or name.family, name.given_romanised or name.given)
    written = f"{name.given} {name.family}".strip()
    document = person.documents[0] if person.documents else None
    number = document.number if document is not None else ""
    return ManifestMember(
        entry_id=entry.id,
        relationship=relationship.value if relationship is not None else "",
        status=entry.status,
        family_name=romanised[0],
        given_names=romanised[1],
        written_name=written if written != f"{romanised[1]} {romanised[0]}".strip() else "",
        sex=person.sex.value,
        date_of_birth=person.date_of_birth.iso(),
        nationality=person.nationalities[0] if person.nationalities else "",
        document_kind=document.kind.value if document is not None else "",
        document_number=mask(number) if masked and number else number,
        document_issuing_state=document.issuing_state if document is not None else "",
    )


def _manifest_order(household: ManifestHousehold) -> tuple[str, str]:
    # Alphabetical by the principal applicant's family name, as a printed list is searched.
    first = household.members[0].family_name.casefold() if household.members else ""
    return first, household.case_number


# --- the gate desk ----------------------------------------------------------------------------


def may_work_gate(principal: Principal) -> bool:
    """Whether the principal checks people in, boards them and records no-shows."""
    return (
        principal.may(Scope.FLIGHTS_READ)
        and principal.may(Scope.CASES_WRITE)
        and ROLE_MOVES[principal.role] >= _GATE_MOVES
    )


def _gate_flight(uow: ManifestUnitOfWork, principal: Principal, code: str) -> Flight:
    if not may_work_gate(principal):
        raise Forbidden(f"role {principal.role} does not work the gate")
    with uow:
        return access_flight(uow, principal, code)


def gate_scan(
    uow: ManifestUnitOfWork,
    principal: Principal,
    code: str,
    scanned: str,
    *,
    step: GateStep,
    public_keys: Sequence[Ed25519PublicKey],
    now: dt.datetime,
) -> ScanResult:
    """A boarding pass or passport zone scanned at flight `code`'s gate: a look (nothing
    recorded but the scan), a check-in or a boarding, by the acting gate agent."""
    flight = _gate_flight(uow, principal, code)
    return scan(
        uow,
        scanned,
        flight_code=flight.code,
        gate_agent=principal.actor,
        now=now,
        public_keys=public_keys,
        step=step,
    )


def gate_confirm(
    uow: ManifestUnitOfWork,
    principal: Principal,
    code: str,
    entry_id: uuid.UUID,
    step: GateStep,
    *,
    now: dt.datetime,
) -> ScanResult:
    """Check in or board one manifest entry, after the agent looked at the person."""
    flight = _gate_flight(uow, principal, code)
    if step is GateStep.CHECK_IN:
        return check_in(uow, entry_id, flight_code=flight.code, gate_agent=principal.actor, now=now)
    if step is GateStep.BOARD:
        return board(uow, entry_id, flight_code=flight.code, gate_agent=principal.actor, now=now)
    raise InvalidInput(f"gate step {step} changes nothing to confirm")


@dataclass(frozen=True, slots=True)
class NoShowResult:
    case_number: str
    freed: int  # seats freed for the standby list


def gate_no_show(
    uow: ManifestUnitOfWork, principal: Principal, code: str, case_number: str, *, now: dt.datetime
) -> NoShowResult:
    """Record that a case's people not yet aboard did not come to flight `code`'s gate."""
    flight = _gate_flight(uow, principal, code)
    freed = no_show(uow, case_number, flight_code=flight.code, gate_agent=principal.actor, now=now)
    return NoShowResult(case_number, len(freed))
