"""Arrival use cases: reception sites, the flights expected at them, people received against a
flight's manifest (all of it, a case, or one person by boarding pass or passport zone) or at a
land border as new source records through intake, onward departures, occupancy over time, and
the warning raised before a site fills.

Every registration is one transaction: the arrivals, the cases moved to `arrived`, and the audit
events (the reception officer as actor) change together. The warning is worked out after it, from
the people present and the flights still inbound, and is audited when raised.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from refuge.arrival.ports import Arrival, ArrivalKind, ArrivalUnitOfWork
from refuge.arrival.sites import (
    CapacityWarning,
    InboundFlight,
    OccupancyPoint,
    Site,
    SiteKind,
    capacity_warning,
    occupancy_at,
    occupancy_series,
)
from refuge.cases.services import transition_case
from refuge.domain import (
    Case,
    Conflict,
    Flight,
    InvalidInput,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    RefugeError,
    Stage,
)
from refuge.gate import MrzInvalid, PassRefused, read_mrz, read_pass

if TYPE_CHECKING:  # intake (spreadsheets, phone metadata) loads only for land-border lists
    from refuge.intake import ImportOutcome, Profile

__all__ = [
    "ArrivalScan",
    "Departure",
    "LandBorderArrival",
    "Registration",
    "SiteStatus",
    "add_site",
    "arrive_case",
    "arrive_flight",
    "arrive_land_border",
    "arrive_scans",
    "depart",
    "expect_flight",
    "land_border_list",
    "occupancy",
    "occupancy_at_time",
    "site_status",
    "sites_status",
]


@dataclass(frozen=True, slots=True)
class SiteStatus:
    """A site now: who is present, what is inbound, and the warning if there is one."""

    site: Site
    present: int
    inbound: tuple[InboundFlight, ...]
    warning: CapacityWarning | None


@dataclass(frozen=True, slots=True)
class Registration:
    """What one registration of arrivals did. Counts and case numbers only."""

    site: str
    batch: uuid.UUID
    arrived: int
    already: int = 0  # of those asked for, arrived before (anywhere)
    not_boarded: int = 0  # on the manifest but not boarded: left out
    cases_arrived: tuple[str, ...] = ()
    warning: CapacityWarning | None = None

    def line(self) -> str:
        parts = [f"site {self.site}: {self.arrived} arrived (batch {self.batch})"]
        if self.already:
            parts.append(f"{self.already} had arrived already")
        if self.not_boarded:
            parts.append(f"{self.not_boarded} on the manifest but not boarded, left out")
        if self.cases_arrived:
            parts.append(f"{len(self.cases_arrived)} case(s) moved to arrived")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ArrivalScan:
    """One scan at reception: arrived, or why not. No personal data."""

    outcome: str  # arrived, already_arrived, not_boarded, not_on_manifest, refused, unreadable
    via: str  # pass or mrz
    reason: str | None = None
    case_number: str | None = None
    registration: Registration | None = None

    @property
    def arrived(self) -> bool:
        return self.outcome == "arrived"

    def line(self) -> str:
        parts = [self.outcome.upper(), self.via]
        if self.reason:
            parts.append(f"reason={self.reason}")
        if self.case_number:
            parts.append(f"case={self.case_number}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class LandBorderArrival:
    """A list taken at a reception point: what intake made of it and who was received."""

    outcome: ImportOutcome
    registration: Registration


@dataclass(frozen=True, slots=True)
class Departure:
    site: str
    departed: int
    to: str | None
    present: int = 0  # left at the site afterwards
    batches: tuple[uuid.UUID, ...] = field(default=())


# -- sites -------------------------------------------------------------------------------------


def add_site(uow: ArrivalUnitOfWork, site: Site, *, actor: str, now: dt.datetime) -> Site:
    with uow:
        if site.organisation is not None:
            uow.organisations.get(site.organisation)
        uow.arrivals.add_site(site)
        uow.audit.record(
            actor=actor,
            action="site.add",
            object_kind="site",
            object_id=site.code,
            at=now,
            details={
                "kind": site.kind.value,
                "capacity": site.capacity,
                "warn_percent": site.warn_percent,
                "points": len(site.points),
            },
        )
        uow.commit()
    return site


def site_status(uow: ArrivalUnitOfWork, code: str) -> SiteStatus:
    with uow:
        return _status(uow, uow.arrivals.get_site(code))


def sites_status(uow: ArrivalUnitOfWork) -> list[SiteStatus]:
    with uow:
        return [_status(uow, site) for site in uow.arrivals.sites()]


def _status(uow: ArrivalUnitOfWork, site: Site) -> SiteStatus:
    present = uow.arrivals.count_present(site.code)
    inbound = tuple(uow.arrivals.inbound(site.code))
    return SiteStatus(site, present, inbound, capacity_warning(site, present, inbound))


def expect_flight(
    uow: ArrivalUnitOfWork, flight_code: str, site_code: str, *, actor: str, now: dt.datetime
) -> SiteStatus:
    """Say where a flight will land its people, so the site's warning counts them in before it
    lands. Returns the site's status with the flight counted."""
    with uow:
        flight = uow.flights.get(flight_code)
        site = uow.arrivals.get_site(site_code)
        if site.kind is not SiteKind.TRANSIT:
            raise InvalidInput(f"site {site.code} is a land border; flights land at transit sites")
        uow.arrivals.expect_flight(flight.id, site.code)
        uow.audit.record(
            actor=actor,
            action="site.expect_flight",
            object_kind="site",
            object_id=site.code,
            at=now,
            details={"flight": flight.code},
        )
        status = _status(uow, site)
        _audit_warning(uow, status.warning, actor, now)
        uow.commit()
    return status


# -- arrivals against a manifest ---------------------------------------------------------------


def arrive_flight(
    uow: ArrivalUnitOfWork, flight_code: str, *, site: str, officer: str, now: dt.datetime
) -> Registration:
    """Receive everyone who boarded the flight and has not arrived yet."""
    with uow:
        flight = uow.flights.get(flight_code)
        reception = _transit_site(uow, site)
        entries = uow.manifests.for_flight(flight.id)
        travelling = [e for e in entries if e.status is not ManifestStatus.STANDBY]
        if not any(e.status is ManifestStatus.BOARDED for e in travelling):
            raise Conflict(f"flight {flight.code}: nobody boarded it")
        registration = _receive(uow, reception, flight, travelling, officer, now, via="manifest")
        uow.commit()
    return registration


def arrive_case(
    uow: ArrivalUnitOfWork,
    case_number: str,
    *,
    site: str,
    officer: str,
    now: dt.datetime,
    flight_code: str | None = None,
) -> Registration:
    """Receive a case's people who boarded `flight_code` (by default, the flight they boarded
    and have not arrived from)."""
    with uow:
        reception = _transit_site(uow, site)
        case = uow.cases.get(case_number)
        entries = uow.manifests.for_case(case.id)
        if flight_code is not None:
            flight = uow.flights.get(flight_code)
            entries = [e for e in entries if e.flight_id == flight.id]
        else:
            boarded = [e for e in entries if e.status is ManifestStatus.BOARDED]
            waiting = uow.arrivals.arrived_entries(e.id for e in boarded)
            flights = {e.flight_id for e in boarded if e.id not in waiting} or {
                e.flight_id for e in boarded
            }
            if len(flights) != 1:
                raise Conflict(
                    f"case {case_number}: name the flight (boarded on {len(flights)} flights)"
                )
            (flight,) = [f for f in uow.flights.list() if f.id in flights]
            entries = [e for e in entries if e.flight_id == flight.id]
        if not any(e.status is ManifestStatus.BOARDED for e in entries):
            raise Conflict(f"case {case_number}: nobody of it boarded flight {flight.code}")
        registration = _receive(uow, reception, flight, entries, officer, now, via="case")
        uow.commit()
    return registration


def arrive_scans(
    uow_factory: Callable[[], ArrivalUnitOfWork],
    scans: Iterable[str],
    *,
    flight_code: str,
    site: str,
    officer: str,
    clock: Callable[[], dt.datetime],
    public_keys: Sequence[Ed25519PublicKey],
) -> list[ArrivalScan]:
    """Receive people one at a time by boarding pass or passport zone, each scan in its own
    transaction so one bad scan holds up no one else. Blank lines are skipped. Raises only for
    a flight or site that does not exist."""
    results: list[ArrivalScan] = []
    for scanned in scans:
        if not scanned.strip():
            continue
        try:
            result = _arrive_scan(
                uow_factory(), scanned, flight_code, site, officer, clock(), public_keys
            )
        except NotFound:
            raise
        except RefugeError as exc:  # e.g. two desks receiving one family at once
            result = ArrivalScan("refused", _via(scanned), reason=exc.code)
        results.append(result)
    return results


def _via(scanned: str) -> str:
    return "pass" if scanned.strip().upper().startswith("RP") else "mrz"


def _arrive_scan(
    uow: ArrivalUnitOfWork,
    scanned: str,
    flight_code: str,
    site: str,
    officer: str,
    now: dt.datetime,
    public_keys: Sequence[Ed25519PublicKey],
) -> ArrivalScan:
    via = _via(scanned)
    with uow:
        flight = uow.flights.get(flight_code)
        reception = _transit_site(uow, site)
        entry: ManifestEntry | None
        if via == "pass":
            try:
                boarding_pass = read_pass(public_keys, scanned)
            except PassRefused as exc:
                return _refused(uow, reception, flight, via, exc.reason.value, officer, now)
            if boarding_pass.flight_code != flight.code:
                return _refused(uow, reception, flight, via, "wrong_flight", officer, now)
            entry = uow.gate.entry_for_pass(uuid.UUID(boarding_pass.pass_id))
            if entry is None or entry.flight_id != flight.id:
                return _refused(uow, reception, flight, via, "pass_withdrawn", officer, now)
        else:
            try:
                mrz = read_mrz(scanned, today=now.date())
            except (MrzInvalid, InvalidInput):
                return ArrivalScan("unreadable", via, reason="mrz_invalid")
            entry = _entry_by_document(uow, flight, mrz.document_number)
            if entry is None:
                return _refused(uow, reception, flight, via, "not_on_manifest", officer, now)
        case = _case(uow, entry)
        if entry.status is not ManifestStatus.BOARDED:
            outcome = _refused(uow, reception, flight, via, "not_boarded", officer, now)
            return ArrivalScan(outcome.outcome, via, outcome.reason, case.number)
        if uow.arrivals.arrived_entries([entry.id]):
            return ArrivalScan("already_arrived", via, case_number=case.number)
        registration = _receive(uow, reception, flight, [entry], officer, now, via=via)
        uow.commit()
    return ArrivalScan("arrived", via, case_number=case.number, registration=registration)


def _entry_by_document(uow: ArrivalUnitOfWork, flight: Flight, number: str) -> ManifestEntry | None:
    households = uow.households.find_by_document(number)
    entries = {e.person_id: e for e in uow.gate.entries_for_households(flight.id, households)}
    for household_id in {e.household_id for e in entries.values()}:
        for member in uow.households.get(household_id).members:
            if member.person.id in entries and any(
                doc.number == number for doc in member.person.documents
            ):
                return entries[member.person.id]
    return None


def _refused(
    uow: ArrivalUnitOfWork,
    site: Site,
    flight: Flight,
    via: str,
    reason: str,
    officer: str,
    now: dt.datetime,
) -> ArrivalScan:
    uow.audit.record(
        actor=officer,
        action="arrival.refused",
        object_kind="site",
        object_id=site.code,
        at=now,
        details={"flight": flight.code, "via": via, "reason": reason},
    )
    uow.commit()
    outcome = "not_on_manifest" if reason == "not_on_manifest" else "refused"
    if reason == "not_boarded":
        outcome = "not_boarded"
    return ArrivalScan(outcome, via, reason=reason)


def _transit_site(uow: ArrivalUnitOfWork, code: str) -> Site:
    site = uow.arrivals.get_site(code)
    if site.kind is not SiteKind.TRANSIT:
        raise InvalidInput(
            f"site {site.code} is a land border: register its arrivals as new records "
            "(arrive land-border)"
        )
    return site


def _receive(
    uow: ArrivalUnitOfWork,
    site: Site,
    flight: Flight,
    entries: Sequence[ManifestEntry],
    officer: str,
    now: dt.datetime,
    *,
    via: str,
) -> Registration:
    """Record the boarded ones of `entries` as arrived at `site`, move their cases on once all
    of a case that boarded has arrived, audit, and work out the site's warning."""
    boarded = [e for e in entries if e.status is ManifestStatus.BOARDED]
    not_boarded = len(entries) - len(boarded)
    earlier = uow.arrivals.arrived_entries(e.id for e in boarded)
    new = [e for e in boarded if e.id not in earlier]
    batch = uuid.uuid4()
    uow.arrivals.add_arrivals(
        [
            Arrival(
                id=uuid.uuid4(),
                site=site.code,
                kind=ArrivalKind.FLIGHT,
                arrived_at=now,
                officer=officer,
                batch=batch,
                flight_id=flight.id,
                entry_id=e.id,
                case_id=e.case_id,
                household_id=e.household_id,
            )
            for e in new
        ]
    )
    moved: list[str] = []
    for case_id in dict.fromkeys(e.case_id for e in new):
        case = _case(uow, next(e for e in new if e.case_id == case_id))
        travelled = [
            e
            for e in uow.manifests.for_case(case_id)
            if e.flight_id == flight.id and e.status is ManifestStatus.BOARDED
        ]
        everyone = {e.id for e in travelled}
        if uow.arrivals.arrived_entries(everyone) >= everyone and _arrive(
            uow, case, site, officer, now
        ):
            moved.append(case.number)
    uow.audit.record(
        actor=officer,
        action="arrival.flight",
        object_kind="site",
        object_id=site.code,
        at=now,
        details={
            "flight": flight.code,
            "via": via,
            "batch": str(batch),
            "arrived": len(new),
            "already": len(earlier),
            "not_boarded": not_boarded,
            "cases_arrived": len(moved),
        },
    )
    warning = _status(uow, site).warning
    _audit_warning(uow, warning, officer, now)
    return Registration(
        site.code, batch, len(new), len(earlier), not_boarded, tuple(moved), warning
    )


def _arrive(uow: ArrivalUnitOfWork, case: Case, site: Site, officer: str, now: dt.datetime) -> bool:
    """Move a case to arrived (through departed, which nothing else records for a flight that
    landed). False if the case is elsewhere in its pipeline and stays there."""
    if case.stage is Stage.BOARDED:
        transition_case(
            uow, case, Stage.DEPARTED, actor=officer, now=now, details={"site": site.code}
        )
    if case.stage is not Stage.DEPARTED:
        return False
    transition_case(uow, case, Stage.ARRIVED, actor=officer, now=now, details={"site": site.code})
    return True


def _case(uow: ArrivalUnitOfWork, entry: ManifestEntry) -> Case:
    for case in uow.cases.for_household(entry.household_id):
        if case.id == entry.case_id:
            return case
    raise NotFound(f"case of manifest entry {entry.id} not found")


def _audit_warning(
    uow: ArrivalUnitOfWork, warning: CapacityWarning | None, actor: str, now: dt.datetime
) -> None:
    if warning is None:
        return
    uow.audit.record(
        actor=actor,
        action="site.capacity_warning",
        object_kind="site",
        object_id=warning.site,
        at=now,
        details={
            "present": warning.present,
            "inbound": warning.inbound,
            "capacity": warning.capacity,
            "warn_percent": warning.warn_percent,
            "flights": " ".join(warning.flights),
        },
    )


# -- land-border arrivals ----------------------------------------------------------------------


def land_border_list(site: Site, point: str, path: Path) -> str:
    """The intake list name of a reception point's list: it names the site and the point, so
    every source record made from it says where its person was received."""
    return f"land-border {site.code}/{point}: {path.name}"


def arrive_land_border(
    uow_factory: Callable[[], ArrivalUnitOfWork],
    path: Path,
    *,
    site: str,
    officer: str,
    now: dt.datetime,
    point: str | None = None,
    profiles: Iterable[Profile] = (),
    profile: Profile | None = None,
) -> LandBorderArrival:
    """Register the people on a list taken at a land-border reception point: intake reads and
    stores it as the site organisation's list (rejected rows quarantined as for any list), and
    each accepted record is received at the site. The records join the next matching run like
    any list's. Importing the same file again receives only whom it had not received (so a run
    interrupted between the two steps is finished by running it again)."""
    with uow_factory() as uow:
        reception = uow.arrivals.get_site(site)
    if reception.kind is not SiteKind.LAND_BORDER or reception.organisation is None:
        raise InvalidInput(f"site {reception.code} is a transit site; it receives flights")
    desk = reception.point(point)
    from refuge.intake import import_list

    outcome = import_list(
        uow_factory(),
        path,
        organisation=reception.organisation,
        actor=officer,
        now=now,
        profile=profile,
        profiles=profiles,
        list_name=land_border_list(reception, desk, path),
    )
    with uow_factory() as uow:
        records = uow.arrivals.records_of_file(outcome.file.id)
        earlier = uow.arrivals.arrived_records(records)
        new = [r for r in records if r not in earlier]
        batch = uuid.uuid4()
        uow.arrivals.add_arrivals(
            [
                Arrival(
                    id=uuid.uuid4(),
                    site=reception.code,
                    kind=ArrivalKind.LAND_BORDER,
                    arrived_at=now,
                    officer=officer,
                    batch=batch,
                    point=desk,
                    record_id=record,
                )
                for record in new
            ]
        )
        uow.audit.record(
            actor=officer,
            action="arrival.land_border",
            object_kind="site",
            object_id=reception.code,
            at=now,
            details={
                "point": desk,
                "intake_file": str(outcome.file.id),
                "batch": str(batch),
                "arrived": len(new),
                "already": len(earlier),
            },
        )
        warning = _status(uow, reception).warning
        _audit_warning(uow, warning, officer, now)
        uow.commit()
    registration = Registration(reception.code, batch, len(new), len(earlier), warning=warning)
    return LandBorderArrival(outcome, registration)


# -- departures and occupancy ------------------------------------------------------------------


def depart(
    uow: ArrivalUnitOfWork,
    site: str,
    *,
    officer: str,
    now: dt.datetime,
    case_number: str | None = None,
    flight_code: str | None = None,
    batch: uuid.UUID | None = None,
    to: str | None = None,
) -> Departure:
    """Record that people present at `site` moved on: a case's people, a flight's, or a batch
    registered together (a land-border list). `to` is where they went (a site or place code,
    not free text about anyone)."""
    if sum(x is not None for x in (case_number, flight_code, batch)) != 1:
        raise InvalidInput("departure: name exactly one of a case, a flight or a batch")
    if to is not None and not (
        0 < len(to) <= 64 and to.replace("-", "").replace("_", "").isalnum()
    ):
        raise InvalidInput("departure: destination is a code of letters, digits, - or _")
    with uow:
        reception = uow.arrivals.get_site(site)
        case_id = uow.cases.get(case_number).id if case_number is not None else None
        flight_id = uow.flights.get(flight_code).id if flight_code is not None else None
        leaving = uow.arrivals.present(
            reception.code, case_id=case_id, flight_id=flight_id, batch=batch
        )
        what = (
            f"case {case_number}"
            if case_number
            else f"flight {flight_code}"
            if flight_code
            else f"batch {batch}"
        )
        if not leaving:
            raise Conflict(f"site {reception.code}: nobody of {what} is present")
        departed = uow.arrivals.depart([a.id for a in leaving], at=now, to=to)
        uow.audit.record(
            actor=officer,
            action="arrival.depart",
            object_kind="site",
            object_id=reception.code,
            at=now,
            details={
                "departed": departed,
                "to": to or "",
                "case": case_number or "",
                "flight": flight_code or "",
                "batch": str(batch) if batch else "",
            },
        )
        present = uow.arrivals.count_present(reception.code)
        uow.commit()
    batches = tuple(dict.fromkeys(a.batch for a in leaving))
    return Departure(reception.code, departed, to, present, batches)


def occupancy(
    uow: ArrivalUnitOfWork,
    site: str,
    *,
    start: dt.datetime,
    end: dt.datetime,
    step: dt.timedelta,
) -> list[OccupancyPoint]:
    """The site's occupancy over [start, end) in intervals of `step`."""
    with uow:
        uow.arrivals.get_site(site)
        stays = uow.arrivals.stays(site, start=start, end=end)
    return occupancy_series(stays, start=start, end=end, step=step)


def occupancy_at_time(uow: ArrivalUnitOfWork, site: str, moment: dt.datetime) -> int:
    """How many people were at the site at `moment`."""
    with uow:
        uow.arrivals.get_site(site)
        stays = uow.arrivals.stays(site, start=moment, end=moment + dt.timedelta(microseconds=1))
    return occupancy_at(stays, moment)
