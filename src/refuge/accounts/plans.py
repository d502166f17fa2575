"""Plans and the deadline forecast as a principal may see and run them: coordinators run plans;
flight operations, coordinators and auditors read versions, differences and the forecast;
partners and applicants get nothing. Departure times in a plan follow the flight board's rule
(only roles that need them, or everyone once the release window opens).

Authorisation here, as in `services.py`: each function takes the acting `Principal` and checks
its scope before anything is read. What is shown is case numbers, flight codes and counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from refuge.accounts.access import sees_flight_times
from refuge.accounts.policy import Guards
from refuge.accounts.ports import AccountsUnitOfWork
from refuge.accounts.principal import Principal
from refuge.accounts.roles import Scope
from refuge.domain import InvalidInput
from refuge.eligibility import PrecedenceOrder
from refuge.planning import (
    Forecast,
    PlanDiff,
    PlanningUnitOfWork,
    PlanRecord,
    compare_plans,
    deadline_forecast,
    plan_versions,
    read_plan,
    run_plan,
)

__all__ = [
    "PlanFlightView",
    "PlanRunView",
    "PlanView",
    "PlansUnitOfWork",
    "list_plans",
    "plan_changes",
    "plan_forecast",
    "read_plan_version",
    "run_plan_as",
]

# A plan run from a request holds a worker: keep it within what a client waits for.
MAX_TIME_LIMIT_S = 60.0


class PlansUnitOfWork(AccountsUnitOfWork, PlanningUnitOfWork, Protocol):
    """The storage these functions use: accounts' and planning's."""


@dataclass(frozen=True, slots=True)
class PlanSeat:
    case_number: str
    people: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class PlanFlightView:
    code: str
    aircraft: str
    capacity: int
    seated: int
    departs_earliest: dt.datetime | None  # None: withheld from this role until the window
    departs_latest: dt.datetime | None
    times_released: bool
    seats: tuple[PlanSeat, ...]
    standby: tuple[str, ...]  # case numbers in order


@dataclass(frozen=True, slots=True)
class PlanView:
    record: PlanRecord
    flights: tuple[PlanFlightView, ...]
    waiting: int  # households with a member not seated


@dataclass(frozen=True, slots=True)
class PlanRunView:
    record: PlanRecord
    changes: PlanDiff
    notices: int


def list_plans(uow: PlansUnitOfWork, principal: Principal) -> list[PlanRecord]:
    principal.require(Scope.PLANS_READ)
    return plan_versions(uow)


def read_plan_version(
    uow: PlansUnitOfWork,
    guards: Guards,
    principal: Principal,
    version: int | None,
    *,
    now: dt.datetime,
) -> PlanView:
    principal.require(Scope.PLANS_READ)
    stored = read_plan(uow, version)
    plan = stored.plan
    numbers = {h.household_id: h.case_number for h in plan.households}
    flights = []
    for f in plan.flights:
        released = sees_flight_times(principal, f, now=now, policy=guards.policy)
        manifest = plan.manifest(f.id)
        flights.append(
            PlanFlightView(
                code=f.code,
                aircraft=f.aircraft,
                capacity=f.seats + (f.surge_seats if plan.allow_surge else 0),
                seated=sum(a.people for a in manifest),
                departs_earliest=f.departs_earliest if released else None,
                departs_latest=f.departs_latest if released else None,
                times_released=released,
                seats=tuple(PlanSeat(a.case_number, a.people, a.checked_in) for a in manifest),
                standby=tuple(numbers[h] for h in plan.standby.get(f.id, ())),
            )
        )
    placed: dict[object, int] = {}
    for a in plan.assignments:
        placed[a.household_id] = placed.get(a.household_id, 0) + a.people
    waiting = sum(1 for h in plan.households if placed.get(h.household_id, 0) < h.size)
    return PlanView(stored.record, tuple(flights), waiting)


def plan_changes(
    uow: PlansUnitOfWork, principal: Principal, version: int, against: int | None = None
) -> PlanDiff:
    """What changed for whom in `version` since `against` (default: the version before)."""
    principal.require(Scope.PLANS_READ)
    old = version - 1 if against is None else against
    if old < 1 or old == version:
        raise InvalidInput("compare with an earlier stored version (1 or more, not itself)")
    return compare_plans(uow, old, version)


def run_plan_as(
    uow: PlansUnitOfWork,
    principal: Principal,
    *,
    now: dt.datetime,
    order: PrecedenceOrder,
    time_limit_s: float,
    allow_surge: bool,
) -> PlanRunView:
    principal.require(Scope.PLANS_WRITE)
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise InvalidInput(f"time_limit_s must be above 0 and at most {MAX_TIME_LIMIT_S:g}")
    run = run_plan(
        uow,
        actor=principal.actor,
        now=now,
        order=order,
        time_limit_s=time_limit_s,
        allow_surge=allow_surge,
    )
    return PlanRunView(run.record, run.changes, run.notices)


def plan_forecast(
    uow: PlansUnitOfWork,
    principal: Principal,
    deadline: dt.datetime,
    *,
    now: dt.datetime,
    fill_rate: float | None = None,
    departures_per_day: float | None = None,
) -> Forecast:
    principal.require(Scope.PLANS_READ)
    return deadline_forecast(
        uow, deadline, now=now, fill_rate=fill_rate, departures_per_day=departures_per_day
    )
