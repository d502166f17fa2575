"""Reception sites: reception officers register arrivals (a flight's manifest, a case, one
person by pass or passport zone) and departures; coordinators add sites, expect flights at them
and read occupancy and warnings; partners and the other roles are refused. Counts, codes and
case numbers only: no person's data, and no flight times."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from refuge.accounts.sites import (
    create_site,
    expect_flight_at_site,
    list_sites,
    read_occupancy,
    read_occupancy_at,
    read_site,
    receive_arrivals,
    receive_scan,
    record_departure,
)
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import LINE
from refuge.arrival import (
    DEFAULT_WARN_PERCENT,
    CapacityWarning,
    Registration,
    Site,
    SiteKind,
    SiteStatus,
)
from refuge.domain import InvalidInput
from refuge.gate import load_or_create_signing_key, signing_key_path

__all__ = ["router"]

router = APIRouter(prefix="/sites", tags=["sites"])

_CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
SiteCode = Annotated[str, Path(min_length=1, max_length=64, pattern=_CODE)]
_FLIGHT = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_./-]+$")
_CASE = Field(default=None, min_length=1, max_length=32, pattern=LINE)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SiteIn(_In):
    code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200, pattern=LINE)
    kind: SiteKind = SiteKind.TRANSIT
    capacity: int = Field(ge=1, le=10_000_000)
    warn_percent: int = Field(default=DEFAULT_WARN_PERCENT, ge=1, le=100)
    organisation: str | None = Field(default=None, pattern=_CODE)
    points: list[str] = Field(default_factory=list, max_length=100)


class WarningOut(_Out):
    present: int
    inbound: int
    projected: int
    capacity: int
    warn_percent: int
    now: bool = Field(description="at the threshold already, before any inbound flight lands")
    flights: list[str]
    first_over: str | None
    message: str


class InboundOut(_Out):
    flight: str
    people: int


class SiteOut(_Out):
    code: str
    name: str
    kind: SiteKind
    capacity: int
    warn_percent: int
    organisation: str | None
    points: list[str]
    present: int
    inbound: list[InboundOut]
    warning: WarningOut | None


class ExpectIn(_In):
    flight: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_./-]+$")


class ArrivalIn(_In):
    flight: str | None = _FLIGHT
    case: str | None = _CASE
    scan: str | None = Field(
        default=None,
        min_length=1,
        max_length=400,
        description="a boarding pass token or a passport's machine-readable zone; needs flight",
    )


class RegistrationOut(_Out):
    outcome: str = "arrived"
    reason: str | None = None
    case: str | None = None
    batch: uuid.UUID | None = None
    arrived: int = 0
    already: int = 0
    not_boarded: int = 0
    cases_arrived: list[str] = Field(default_factory=list)
    warning: WarningOut | None = None


class DepartureIn(_In):
    flight: str | None = _FLIGHT
    case: str | None = _CASE
    batch: uuid.UUID | None = None
    to: str | None = Field(default=None, pattern=_CODE)


class DepartureOut(_Out):
    departed: int
    present: int
    to: str | None


class Every(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


class OccupancyPointOut(_Out):
    start: dt.datetime
    end: dt.datetime
    arrived: int
    departed: int
    peak: int
    present: int


class OccupancyOut(_Out):
    site: str
    at: dt.datetime | None = None
    present: int | None = None
    series: list[OccupancyPointOut] = Field(default_factory=list)


def _warning(warning: CapacityWarning | None) -> WarningOut | None:
    if warning is None:
        return None
    return WarningOut(
        present=warning.present,
        inbound=warning.inbound,
        projected=warning.projected,
        capacity=warning.capacity,
        warn_percent=warning.warn_percent,
        now=warning.now,
        flights=list(warning.flights),
        first_over=warning.first_over,
        message=warning.line(),
    )


def _site(status: SiteStatus) -> SiteOut:
    site = status.site
    return SiteOut(
        code=site.code,
        name=site.name,
        kind=site.kind,
        capacity=site.capacity,
        warn_percent=site.warn_percent,
        organisation=site.organisation,
        points=list(site.points),
        present=status.present,
        # Flight codes and head counts; departure times stay with those allowed to see them.
        inbound=[InboundOut(flight=f.code, people=f.people) for f in status.inbound],
        warning=_warning(status.warning),
    )


def _registration(registration: Registration) -> RegistrationOut:
    return RegistrationOut(
        batch=registration.batch,
        arrived=registration.arrived,
        already=registration.already,
        not_boarded=registration.not_boarded,
        cases_arrived=list(registration.cases_arrived),
        warning=_warning(registration.warning),
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@router.get("", response_model=list[SiteOut])
def sites(principal: Acting, svc: Svc) -> list[SiteOut]:
    return [_site(s) for s in list_sites(svc.refuge.uow(), principal)]


@router.get("/warnings", response_model=list[WarningOut])
def warnings(principal: Acting, svc: Svc) -> list[WarningOut]:
    """Sites at or past their threshold now, or once their inbound flights land."""
    statuses = list_sites(svc.refuge.uow(), principal)
    return [w for s in statuses if (w := _warning(s.warning)) is not None]


@router.post("", response_model=SiteOut, status_code=status.HTTP_201_CREATED)
def add(body: SiteIn, principal: Acting, svc: Svc, now: Now) -> SiteOut:
    site = Site(
        body.code,
        body.name,
        body.kind,
        body.capacity,
        body.warn_percent,
        body.organisation,
        tuple(body.points),
    )
    create_site(svc.refuge.uow(), principal, site, now=now)
    return _site(read_site(svc.refuge.uow(), principal, site.code))


@router.get("/{code}", response_model=SiteOut)
def site(code: SiteCode, principal: Acting, svc: Svc) -> SiteOut:
    return _site(read_site(svc.refuge.uow(), principal, code))


@router.post("/{code}/expected-flights", response_model=SiteOut)
def expect(code: SiteCode, body: ExpectIn, principal: Acting, svc: Svc, now: Now) -> SiteOut:
    """Say a flight lands its people here: its manifest counts toward the warning until then."""
    return _site(expect_flight_at_site(svc.refuge.uow(), principal, code, body.flight, now=now))


@router.post("/{code}/arrivals", response_model=RegistrationOut)
def arrive(
    code: SiteCode, body: ArrivalIn, principal: Acting, svc: Svc, now: Now
) -> RegistrationOut:
    """Receive a flight's manifest (`flight`), a case (`case`, with `flight` if it boarded
    several), or one person (`scan` of a boarding pass or passport zone, with `flight`)."""
    refuge = svc.refuge
    if body.scan is None:
        registration = receive_arrivals(
            refuge.uow(), principal, code, flight=body.flight, case=body.case, now=now
        )
        return _registration(registration)
    if body.flight is None or body.case is not None:
        raise InvalidInput("a scan names its flight, and no case")
    key = load_or_create_signing_key(
        signing_key_path(refuge.settings.resolved_key_file), refuge.kek
    )
    result = receive_scan(
        refuge.uow(),
        principal,
        code,
        flight=body.flight,
        scanned=body.scan,
        now=now,
        public_keys=[key.public_key()],
    )
    done = result.registration
    out = _registration(done) if done is not None else RegistrationOut()
    return out.model_copy(
        update={"outcome": result.outcome, "reason": result.reason, "case": result.case_number}
    )


@router.post("/{code}/departures", response_model=DepartureOut)
def leave(code: SiteCode, body: DepartureIn, principal: Acting, svc: Svc, now: Now) -> DepartureOut:
    """People moving on from the site: a case's, a flight's, or a batch registered together."""
    gone = record_departure(
        svc.refuge.uow(),
        principal,
        code,
        now=now,
        case=body.case,
        flight=body.flight,
        batch=body.batch,
        to=body.to,
    )
    return DepartureOut(departed=gone.departed, present=gone.present, to=gone.to)


@router.get("/{code}/occupancy", response_model=OccupancyOut)
def site_occupancy(
    code: SiteCode,
    principal: Acting,
    svc: Svc,
    now: Now,
    start: Annotated[dt.datetime | None, Query(alias="from")] = None,
    end: Annotated[dt.datetime | None, Query(alias="to")] = None,
    every: Every = Every.HOUR,
    at: dt.datetime | None = None,
) -> OccupancyOut:
    """Occupancy per hour or day over a period (default: the last 24 hours), or the count
    present at one moment (`at`). Times without a zone are UTC."""
    uow = svc.refuge.uow()
    if at is not None:
        moment = _utc(at)
        return OccupancyOut(
            site=code, at=moment, present=read_occupancy_at(uow, principal, code, moment)
        )
    until = _utc(end) if end else now
    since = _utc(start) if start else until - dt.timedelta(days=1)
    step = dt.timedelta(hours=1) if every is Every.HOUR else dt.timedelta(days=1)
    points = read_occupancy(uow, principal, code, start=since, end=until, step=step)
    return OccupancyOut(
        site=code,
        series=[
            OccupancyPointOut(
                start=p.start,
                end=p.end,
                arrived=p.arrived,
                departed=p.departed,
                peak=p.peak,
                present=p.present,
            )
            for p in points
        ],
    )
