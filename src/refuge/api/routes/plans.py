"""Plans and the deadline forecast: coordinators run a plan; flight operations, coordinators and
auditors read versions, what changed for whom, and the forecast. Case numbers, flight codes and
counts only; departure times as the flight board shows them to the role."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from refuge.accounts import (
    PlanRunView,
    PlanView,
    list_plans,
    plan_changes,
    plan_forecast,
    read_plan_version,
    run_plan_as,
)
from refuge.api.deps import Acting, Now, Svc
from refuge.eligibility import shipped_precedence
from refuge.planning import Forecast, PlanDiff, PlanRecord

__all__ = ["router"]

router = APIRouter(tags=["plans"])


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class PlanVersionOut(_Out):
    version: int
    kind: str
    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    note: str
    actor: str
    created_at: dt.datetime
    allow_surge: bool
    households: int
    people: int
    seated: int
    seats: int
    flights: int


class PlanSeatOut(_Out):
    case_number: str
    people: int
    checked_in: int


class PlanFlightOut(_Out):
    code: str
    aircraft: str
    capacity: int
    seated: int
    departs_earliest: dt.datetime | None
    departs_latest: dt.datetime | None
    times_released: bool
    seats: list[PlanSeatOut]
    standby: list[str]


class PlanOut(_Out):
    plan: PlanVersionOut
    waiting: int
    flights: list[PlanFlightOut]


class SeatsOut(_Out):
    flight_code: str
    people: int


class ChangeOut(_Out):
    case_number: str
    kind: str
    before: list[SeatsOut]
    after: list[SeatsOut]


class PlanDiffOut(_Out):
    old_version: int
    new_version: int
    changes: list[ChangeOut]


class PlanRunOut(_Out):
    plan: PlanVersionOut
    changes: PlanDiffOut
    notices: int


class PlanRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_s: float = Field(default=10.0, gt=0, le=60)
    allow_surge: bool = False


class ForecastLineOut(_Out):
    program: str
    category: str
    rank: int
    households: int
    people: int
    households_leaving: int
    people_leaving: int
    people_left_behind: int
    people_held_by_quota: int
    extra_seats: int | None


class ForecastOut(_Out):
    deadline: dt.datetime
    flights: int
    seats: int
    fill_rate: float
    expected_departures: int
    people_left_behind: int
    extra_seats: int | None
    lines: list[ForecastLineOut]


def _version(record: PlanRecord) -> PlanVersionOut:
    return PlanVersionOut(
        version=record.version,
        kind=record.kind,
        status=record.status,
        objective=record.objective,
        bound=record.bound,
        gap=record.gap,
        seconds=record.seconds,
        note=record.note,
        actor=record.actor,
        created_at=record.created_at,
        allow_surge=record.allow_surge,
        households=record.households,
        people=record.people,
        seated=record.seated,
        seats=record.seats,
        flights=len(record.flight_ids),
    )


def _diff(changes: PlanDiff) -> PlanDiffOut:
    return PlanDiffOut(
        old_version=changes.old_version,
        new_version=changes.new_version,
        changes=[
            ChangeOut(
                case_number=c.case_number,
                kind=c.kind.value,
                before=[SeatsOut(flight_code=s.flight_code, people=s.people) for s in c.before],
                after=[SeatsOut(flight_code=s.flight_code, people=s.people) for s in c.after],
            )
            for c in changes.changes
        ],
    )


def _plan(view: PlanView) -> PlanOut:
    return PlanOut(
        plan=_version(view.record),
        waiting=view.waiting,
        flights=[PlanFlightOut.model_validate(f) for f in view.flights],
    )


def _run(view: PlanRunView) -> PlanRunOut:
    return PlanRunOut(plan=_version(view.record), changes=_diff(view.changes), notices=view.notices)


def _forecast(result: Forecast) -> ForecastOut:
    return ForecastOut(
        deadline=result.deadline,
        flights=result.flights,
        seats=result.seats,
        fill_rate=result.fill_rate,
        expected_departures=result.expected_departures,
        people_left_behind=result.people_left_behind,
        extra_seats=result.extra_seats,
        lines=[ForecastLineOut.model_validate(line) for line in result.lines],
    )


Version = Annotated[int, Path(ge=1, le=2_000_000_000)]


@router.get("/plans", response_model=list[PlanVersionOut])
def plans(principal: Acting, svc: Svc) -> list[PlanVersionOut]:
    return [_version(r) for r in list_plans(svc.refuge.uow(), principal)]


@router.post("/plans", response_model=PlanRunOut, status_code=201)
def run(body: PlanRunIn, principal: Acting, svc: Svc, now: Now) -> PlanRunOut:
    view = run_plan_as(
        svc.refuge.uow(),
        principal,
        now=now,
        order=shipped_precedence(),
        time_limit_s=body.time_limit_s,
        allow_surge=body.allow_surge,
    )
    return _run(view)


@router.get("/plans/{version}", response_model=PlanOut)
def plan(version: Version, principal: Acting, svc: Svc, now: Now) -> PlanOut:
    return _plan(read_plan_version(svc.refuge.uow(), svc.guards, principal, version, now=now))


@router.get("/plans/{version}/diff", response_model=PlanDiffOut)
def plan_diff(
    version: Version,
    principal: Acting,
    svc: Svc,
    against: Annotated[int | None, Query(ge=1, le=2_000_000_000)] = None,
) -> PlanDiffOut:
    return _diff(plan_changes(svc.refuge.uow(), principal, version, against))


@router.get("/forecast", response_model=ForecastOut)
def deadline_forecast(
    deadline: Annotated[dt.datetime, Query(description="ISO 8601 with a time zone.")],
    principal: Acting,
    svc: Svc,
    now: Now,
    fill_rate: Annotated[float | None, Query(ge=0, le=1)] = None,
    per_day: Annotated[float | None, Query(ge=0, le=1_000_000)] = None,
) -> ForecastOut:
    result = plan_forecast(
        svc.refuge.uow(),
        principal,
        deadline,
        now=now,
        fill_rate=fill_rate,
        departures_per_day=per_day,
    )
    return _forecast(result)
