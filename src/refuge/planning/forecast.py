"""The deadline forecast: at the rate flights are being filled, who is expected out by the deadline
and who is not, per program and category, and how many extra seats would clear the backlog."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refuge.domain import Flight, InvalidInput
from refuge.planning.households import PlanningHousehold
from refuge.planning.seating import Seating

__all__ = ["Forecast", "ForecastLine", "forecast"]


@dataclass(frozen=True, slots=True)
class ForecastLine:
    program: str
    category: str
    rank: int
    households: int
    people: int
    households_leaving: int  # every member seated by the deadline
    people_leaving: int
    people_left_behind: int
    people_held_by_quota: int  # left behind because the category's quota is used up
    extra_seats: int | None  # seats at the fill rate that would carry the rest; None: rate 0


@dataclass(frozen=True, slots=True)
class Forecast:
    deadline: dt.datetime
    flights: int  # flights sure to leave by the deadline
    seats: int  # their seats
    fill_rate: float  # share of those seats expected to be filled
    expected_departures: int  # people expected out
    leaving: tuple[uuid.UUID, ...]  # households expected out whole
    left_behind: tuple[uuid.UUID, ...]  # households with a member expected to stay
    lines: tuple[ForecastLine, ...]

    @property
    def people_left_behind(self) -> int:
        return sum(line.people_left_behind for line in self.lines)

    @property
    def extra_seats(self) -> int | None:
        """Seats that would carry everyone left behind but for quotas, at the fill rate."""
        return _extra(
            sum(x.people_left_behind - x.people_held_by_quota for x in self.lines), self.fill_rate
        )


def forecast(
    households: Sequence[PlanningHousehold],
    flights: Sequence[Flight],
    deadline: dt.datetime,
    *,
    fill_rate: float | None = None,
    departures_per_day: float | None = None,
    now: dt.datetime | None = None,
    quotas: Mapping[str, int] | None = None,
) -> Forecast:
    """Flights count when their departure window closes by `deadline`. The rate is either
    `fill_rate` (share of seats filled, 0 to 1) or `departures_per_day` observed (people), which
    from `now` to the deadline gives the share of those seats expected to be filled. Each flight is
    then given that share of its seats, and the greedy plan (precedence, priority, eligibility,
    quotas; check-ins ignored) says who is on them."""
    if deadline.tzinfo is None or (now is not None and now.tzinfo is None):
        raise InvalidInput("deadline and now must carry a time zone")
    if (fill_rate is None) == (departures_per_day is None):
        raise InvalidInput("give either fill_rate or departures_per_day")
    scheduled = [f for f in flights if f.departs_latest <= deadline]
    seats = sum(f.seats for f in scheduled)
    if fill_rate is not None:
        if not 0 <= fill_rate <= 1:
            raise InvalidInput("fill_rate must be between 0 and 1")
        rate = fill_rate
    else:
        assert departures_per_day is not None  # noqa: S101 -- one of the two, checked above
        if departures_per_day < 0:
            raise InvalidInput("departures_per_day cannot be negative")
        if now is None:
            raise InvalidInput("departures_per_day needs now, to count the days left")
        days = max(0.0, (deadline - now).total_seconds() / 86400)
        rate = min(1.0, departures_per_day * days / seats) if seats else 0.0
    filled = [
        dataclasses.replace(f, seats=math.floor(f.seats * rate), surge_seats=0)
        for f in scheduled
        if math.floor(f.seats * rate) > 0
    ]
    unpinned = [dataclasses.replace(h, pinned=()) for h in households]
    seating = Seating(unpinned, filled, quotas, allow_surge=False)
    seating.fill()

    tally: dict[tuple[int, str, str], list[int]] = {}
    leaving: list[uuid.UUID] = []
    left_behind: list[uuid.UUID] = []
    for i in seating.order:
        h = seating.households[i]
        row = tally.setdefault((h.rank, h.category, h.program), [0] * 5)
        waiting = seating.waiting(i)
        row[0] += 1
        row[1] += h.size
        row[3] += h.size - waiting
        if waiting:
            left_behind.append(h.household_id)
            if seating.quota_room(i) < seating.need(i):
                row[4] += waiting
        else:
            row[2] += 1
            leaving.append(h.household_id)
    lines = tuple(
        ForecastLine(
            program=program,
            category=category,
            rank=rank,
            households=row[0],
            people=row[1],
            households_leaving=row[2],
            people_leaving=row[3],
            people_left_behind=row[1] - row[3],
            people_held_by_quota=row[4],
            extra_seats=_extra(row[1] - row[3] - row[4], rate),
        )
        for (rank, category, program), row in sorted(tally.items())
    )
    return Forecast(
        deadline=deadline,
        flights=len(scheduled),
        seats=seats,
        fill_rate=rate,
        expected_departures=sum(seating.load),
        leaving=tuple(leaving),
        left_behind=tuple(left_behind),
        lines=lines,
    )


def _extra(people: int, rate: float) -> int | None:
    if people <= 0:
        return 0
    if rate <= 0:
        return None
    # A tiny tolerance so that 80 people at 0.8 need 100 seats, not 101 from rounding.
    return math.ceil(people / rate - 1e-9)
