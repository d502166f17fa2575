"""The coordinator's dashboard: the operation at a glance, in counts only (no personal data):
people and households by program, precedence category and nationality, the pipeline as a funnel,
departures per day against the deadline with the planning forecast, and what waits for people
(the review queue, the quarantine)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from refuge.accounts import Principal, Scope, report
from refuge.accounts.roles import FLIGHT_TIME_ROLES
from refuge.api.deps import Now, Svc
from refuge.domain import Flight, Stage
from refuge.eligibility import CaseStanding, case_standings, shipped_precedence
from refuge.intake import list_quarantine
from refuge.matching import review_queue
from refuge.planning import Forecast, PlanningHousehold, forecast
from refuge.web.charts import Bar, DayBar, bar_chart, days_chart, funnel_chart
from refuge.web.pages import PageRoute, Viewer
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

_S = Stage
# The main path, and for each stage off it the furthest main step a case there had reached.
FUNNEL = (
    _S.SUBMITTED, _S.REGISTERED, _S.ELIGIBLE, _S.VETTING_CLEARED, _S.APPROVED, _S.MANIFESTED,
    _S.CHECKED_IN, _S.BOARDED, _S.DEPARTED, _S.ARRIVED,
)  # fmt: skip
_OFF_PATH = {
    _S.INELIGIBLE: _S.REGISTERED,
    _S.DOCUMENTS_MISSING: _S.REGISTERED,
    _S.VETTING_REFUSED: _S.ELIGIBLE,
    _S.NO_SHOW: _S.MANIFESTED,
    _S.WITHDRAWN: _S.SUBMITTED,
    _S.CLOSED: _S.SUBMITTED,
}
# Cases approved and not yet gone: what the forecast seats.
_AWAITING = frozenset({_S.APPROVED, _S.MANIFESTED, _S.CHECKED_IN})
_TOP = 12  # bars per chart; the rest are summed as "others"
_RATE_DAYS = 3  # departures per day observed over the last days with any


@dataclass(frozen=True, slots=True)
class Departures:
    days: tuple[DayBar, ...]
    deadline: dt.date
    observed_rate: float | None  # people per day, over the last days with departures
    forecast: Forecast | None  # None: no flights declared yet


def funnel(by_stage: Mapping[Stage, int]) -> list[Bar]:
    """How many cases reached each step of the main path (wherever they are now)."""
    furthest = Counter[int]()
    for stage, count in by_stage.items():
        step = _OFF_PATH.get(stage, stage)
        furthest[FUNNEL.index(step)] += count
    return [
        Bar(str(step).replace("screened_", "").replace("_", " "), sum(
            n for index, n in furthest.items() if index >= i
        ))
        for i, step in enumerate(FUNNEL)
    ]  # fmt: skip


def top_bars(counts: Mapping[str, int]) -> list[Bar]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    bars = [Bar(label, value) for label, value in ordered[:_TOP]]
    rest = sum(value for _, value in ordered[_TOP:])
    if rest:
        bars.append(Bar(f"{len(ordered) - _TOP} others", rest))
    return bars


def departures(
    departed: Mapping[dt.date, int],
    standings: Sequence[CaseStanding],
    flights: Sequence[Flight],
    *,
    deadline: dt.datetime,
    now: dt.datetime,
) -> Departures:
    """People departed per day so far, and from today to the deadline the forecast's expected
    departures spread evenly over the days left."""
    recent = sorted(departed)[-_RATE_DAYS:]
    rate = sum(departed[d] for d in recent) / len(recent) if recent else None
    planned = None
    if flights:
        households = [
            PlanningHousehold(
                s.household_id, s.number, s.program, s.category, s.rank, s.score, s.people,
                s.nationalities,
            )
            for s in standings
            if s.stage in _AWAITING
        ]  # fmt: skip
        if rate:
            planned = forecast(households, flights, deadline, departures_per_day=rate, now=now)
        else:
            planned = forecast(households, flights, deadline, fill_rate=1.0)
    today, last = now.date(), deadline.date()
    first = min([*departed, today])
    days_left = max((last - today).days + 1, 0)
    expected = planned.expected_departures if planned else 0
    bars = []
    day = first
    while day <= max(last, today):
        if day < today:
            bars.append(DayBar(day, departed.get(day, 0), forecast=False))
        elif day == today and departed.get(day):
            bars.append(DayBar(day, departed[day], forecast=False))
        else:
            share = expected // days_left + (1 if (day - today).days < expected % days_left else 0)
            bars.append(DayBar(day, share if days_left else 0, forecast=True))
        day += dt.timedelta(days=1)
    return Departures(tuple(bars[-60:]), last, rate, planned)


def _departed_per_day(svc: Svc, people: Mapping[str, int]) -> dict[dt.date, int]:
    """People whose case moved to departed, by UTC day, from the audit log's transitions."""
    per_day: Counter[dt.date] = Counter()
    with svc.refuge.uow() as uow:
        for event in uow.audit.events():
            if event.action == "case.transition" and event.details.get("to") == "departed":
                per_day[event.at.date()] += people.get(event.object_id, 1)
    return dict(per_day)


def _flights(svc: Svc, principal: Principal) -> list[Flight]:
    # Departure times feed the forecast: only roles that see them before release get one.
    if principal.role not in FLIGHT_TIME_ROLES:
        return []
    with svc.refuge.uow() as uow:
        return list(uow.flights.list())


@router.get("/dashboard")
def dashboard(
    request: Request,
    principal: Viewer,
    svc: Svc,
    now: Now,
    deadline: Annotated[dt.date | None, Query()] = None,
) -> Response:
    summary = report(svc.uow(), principal)
    principal.require(Scope.CASES_READ)
    standings = case_standings(svc.refuge.uow(), shipped_precedence(), on=now.date())
    people_by_program: Counter[str] = Counter()
    people_by_category: Counter[str] = Counter()
    households_by_category: Counter[str] = Counter()
    for s in standings:
        people_by_program[s.program] += s.people
        people_by_category[s.category_name] += s.people
        households_by_category[s.category_name] += 1
    flights = _flights(svc, principal)
    default_deadline = max((f.departs_latest for f in flights), default=now + dt.timedelta(14))
    until = (
        dt.datetime.combine(deadline, dt.time(23, 59), tzinfo=dt.UTC)
        if deadline is not None
        else default_deadline
    )
    gone = _departed_per_day(svc, {s.number: s.people for s in standings})
    outlook = departures(gone, standings, flights, deadline=until, now=now)
    by_stage = summary.cases_by_stage
    context = {
        "summary": summary,
        "review": len(review_queue(svc.refuge.uow())),
        "quarantine": len(list_quarantine(svc.refuge.uow())),
        "outlook": outlook,
        "sees_forecast": principal.role in FLIGHT_TIME_ROLES,
        "off_path": [(str(s).replace("_", " "), by_stage.get(s, 0)) for s in _OFF_PATH],
        "charts": {
            "program": bar_chart(
                "by-program", "People by program", top_bars(people_by_program), unit="people"
            ),
            "category": bar_chart(
                "by-category",
                "People by precedence category",
                top_bars(people_by_category),
                unit="people",
            ),
            "nationality": bar_chart(
                "by-nationality",
                "People by nationality",
                top_bars(dict(summary.people_by_nationality)),
                unit="people",
            ),
            "funnel": funnel_chart("funnel", "Cases through the pipeline", funnel(by_stage)),
            "days": days_chart(
                "days",
                "People departed per day, and the forecast to the deadline",
                outlook.days,
                deadline=outlook.deadline,
                unit="People",
            ),
        },
        "households_by_category": sorted(households_by_category.items(), key=lambda kv: -kv[1]),
        "people_by_category": people_by_category,
    }
    return render(request, "dashboard.html", context, principal=principal)
