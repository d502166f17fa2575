"""Reception sites for principals: who may read sites, their occupancy and warnings (reception
officers, coordinators, auditors), add sites and expect flights at them (coordinators), and
register arrivals and departures (reception officers and coordinators). The arrival services do
the work; the principal is the actor of every audit event."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from refuge.accounts.principal import Principal
from refuge.accounts.roles import Scope
from refuge.arrival import (
    ArrivalScan,
    ArrivalUnitOfWork,
    Departure,
    OccupancyPoint,
    Registration,
    Site,
    SiteStatus,
    add_site,
    arrive_case,
    arrive_flight,
    arrive_scans,
    depart,
    expect_flight,
    occupancy,
    occupancy_at_time,
    site_status,
    sites_status,
)
from refuge.domain import InvalidInput

__all__ = [
    "create_site",
    "expect_flight_at_site",
    "list_sites",
    "read_occupancy",
    "read_occupancy_at",
    "read_site",
    "receive_arrivals",
    "receive_scan",
    "record_departure",
]


def list_sites(uow: ArrivalUnitOfWork, principal: Principal) -> list[SiteStatus]:
    principal.require(Scope.SITES_READ)
    return sites_status(uow)


def read_site(uow: ArrivalUnitOfWork, principal: Principal, code: str) -> SiteStatus:
    principal.require(Scope.SITES_READ)
    return site_status(uow, code)


def read_occupancy(
    uow: ArrivalUnitOfWork,
    principal: Principal,
    code: str,
    *,
    start: dt.datetime,
    end: dt.datetime,
    step: dt.timedelta,
) -> list[OccupancyPoint]:
    principal.require(Scope.SITES_READ)
    return occupancy(uow, code, start=start, end=end, step=step)


def read_occupancy_at(
    uow: ArrivalUnitOfWork, principal: Principal, code: str, moment: dt.datetime
) -> int:
    principal.require(Scope.SITES_READ)
    return occupancy_at_time(uow, code, moment)


def create_site(
    uow: ArrivalUnitOfWork, principal: Principal, site: Site, *, now: dt.datetime
) -> Site:
    principal.require(Scope.SITES_WRITE)
    return add_site(uow, site, actor=principal.actor, now=now)


def expect_flight_at_site(
    uow: ArrivalUnitOfWork, principal: Principal, code: str, flight: str, *, now: dt.datetime
) -> SiteStatus:
    principal.require(Scope.SITES_WRITE)
    return expect_flight(uow, flight, code, actor=principal.actor, now=now)


def receive_arrivals(
    uow: ArrivalUnitOfWork,
    principal: Principal,
    code: str,
    *,
    flight: str | None,
    case: str | None,
    now: dt.datetime,
) -> Registration:
    """A whole flight's manifest (flight alone), or one case's people (case, flight optional)."""
    principal.require(Scope.ARRIVALS_WRITE)
    if case is not None:
        return arrive_case(
            uow, case, site=code, officer=principal.actor, now=now, flight_code=flight
        )
    if flight is None:
        raise InvalidInput("arrivals: name a flight, a case, or both")
    return arrive_flight(uow, flight, site=code, officer=principal.actor, now=now)


def receive_scan(
    uow: ArrivalUnitOfWork,
    principal: Principal,
    code: str,
    *,
    flight: str,
    scanned: str,
    now: dt.datetime,
    public_keys: Sequence[Ed25519PublicKey],
) -> ArrivalScan:
    """One person by boarding pass or passport zone."""
    principal.require(Scope.ARRIVALS_WRITE)
    if not scanned.strip():
        raise InvalidInput("scan: empty")
    (result,) = arrive_scans(
        lambda: uow,
        [scanned],
        flight_code=flight,
        site=code,
        officer=principal.actor,
        clock=lambda: now,
        public_keys=public_keys,
    )
    return result


def record_departure(
    uow: ArrivalUnitOfWork,
    principal: Principal,
    code: str,
    *,
    now: dt.datetime,
    case: str | None = None,
    flight: str | None = None,
    batch: uuid.UUID | None = None,
    to: str | None = None,
) -> Departure:
    principal.require(Scope.ARRIVALS_WRITE)
    return depart(
        uow,
        code,
        officer=principal.actor,
        now=now,
        case_number=case,
        flight_code=flight,
        batch=batch,
        to=to,
    )
