"""Reception sites and what fills them, as plain values: a site's capacity and warning threshold,
people's stays at it, occupancy at a moment and over time, and the warning raised before a site
fills, projected from the flights inbound to it. No I/O.

Occupancy counts people present: arrived at or before the moment and not yet departed after it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from refuge.domain.errors import InvalidInput

__all__ = [
    "DEFAULT_WARN_PERCENT",
    "CapacityWarning",
    "InboundFlight",
    "OccupancyPoint",
    "Site",
    "SiteKind",
    "Stay",
    "capacity_warning",
    "occupancy_at",
    "occupancy_series",
]

DEFAULT_WARN_PERCENT = 90
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class SiteKind(enum.StrEnum):
    TRANSIT = "transit"  # a transit site people reach by air, against flight manifests
    LAND_BORDER = "land_border"  # a crossing where people arrive unannounced, as new records


@dataclass(frozen=True, slots=True)
class Site:
    """A place that receives people. A land-border site names its reception points (the desks
    or gates where arrivals are registered) and the organisation whose lists its arrivals join."""

    code: str
    name: str
    kind: SiteKind
    capacity: int
    warn_percent: int = DEFAULT_WARN_PERCENT
    organisation: str | None = None
    points: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidInput("site code must be lower-case letters, digits, - or _")
        if not self.name.strip():
            raise InvalidInput(f"site {self.code}: name is empty")
        if self.capacity <= 0:
            raise InvalidInput(f"site {self.code}: capacity must be positive")
        if not 1 <= self.warn_percent <= 100:
            raise InvalidInput(f"site {self.code}: warning threshold must be 1 to 100 percent")
        for point in self.points:
            if not _CODE.fullmatch(point):
                raise InvalidInput(
                    f"site {self.code}: reception point codes are lower-case letters, digits, "
                    "- or _"
                )
        if len(set(self.points)) != len(self.points):
            raise InvalidInput(f"site {self.code}: a reception point is named twice")
        if self.kind is SiteKind.LAND_BORDER:
            if self.organisation is None:
                raise InvalidInput(
                    f"site {self.code}: a land-border site needs the organisation whose lists "
                    "its arrivals join"
                )
            if not self.points:
                raise InvalidInput(f"site {self.code}: a land-border site needs a reception point")

    @property
    def warn_at(self) -> int:
        """How many people present raise the warning."""
        return math.ceil(self.capacity * self.warn_percent / 100)

    def point(self, name: str | None) -> str:
        """The reception point `name`, or the site's only one when none is named."""
        if name is None:
            if len(self.points) == 1:
                return self.points[0]
            raise InvalidInput(
                f"site {self.code} has several reception points; name one of: "
                + ", ".join(self.points)
            )
        if name not in self.points:
            raise InvalidInput(
                f"site {self.code} has no reception point {name} (it has: "
                + ", ".join(self.points)
                + ")"
            )
        return name


@dataclass(frozen=True, slots=True)
class Stay:
    """One person at one site: from arrival until departure (None: still there)."""

    arrived_at: dt.datetime
    departed_at: dt.datetime | None = None


def occupancy_at(stays: Iterable[Stay], moment: dt.datetime) -> int:
    return sum(
        1
        for s in stays
        if s.arrived_at <= moment and (s.departed_at is None or s.departed_at > moment)
    )


@dataclass(frozen=True, slots=True)
class OccupancyPoint:
    """One interval [start, end): arrivals and departures in it, the most present at once, and
    how many were present at its end."""

    start: dt.datetime
    end: dt.datetime
    arrived: int
    departed: int
    peak: int
    present: int


def occupancy_series(
    stays: Sequence[Stay], *, start: dt.datetime, end: dt.datetime, step: dt.timedelta
) -> list[OccupancyPoint]:
    """Occupancy over [start, end) in intervals of `step` (the last may be shorter)."""
    if step <= dt.timedelta(0):
        raise InvalidInput("occupancy: the interval must be positive")
    if end <= start:
        raise InvalidInput("occupancy: the period ends before it starts")
    if (end - start) / step > 10_000:
        raise InvalidInput("occupancy: more than 10000 intervals; choose a longer one")
    # Events at one instant: departures first, so a moment counts who is there after it.
    events = sorted(
        [(s.arrived_at, 1) for s in stays]
        + [(s.departed_at, -1) for s in stays if s.departed_at is not None]
    )
    present = 0
    index = 0
    while index < len(events) and events[index][0] < start:
        present += events[index][1]
        index += 1
    points: list[OccupancyPoint] = []
    at = start
    while at < end:
        until = min(at + step, end)
        arrived = departed = 0
        peak = present
        while index < len(events) and events[index][0] < until:
            moment = events[index][0]
            # Apply every event of one instant before reading the peak.
            while index < len(events) and events[index][0] == moment:
                change = events[index][1]
                present += change
                arrived += change > 0
                departed += change < 0
                index += 1
            peak = max(peak, present)
        points.append(OccupancyPoint(at, until, arrived, departed, peak, present))
        at = until
    return points


@dataclass(frozen=True, slots=True)
class InboundFlight:
    """A flight expected at a site that has not landed there yet, and how many it carries."""

    code: str
    departs_earliest: dt.datetime
    people: int


@dataclass(frozen=True, slots=True)
class CapacityWarning:
    """A site at or past its threshold now, or once its inbound flights land."""

    site: str
    capacity: int
    warn_percent: int
    present: int
    inbound: int
    flights: tuple[str, ...]  # inbound flights counted, earliest first
    first_over: str | None  # the inbound flight that takes the site past its threshold

    @property
    def projected(self) -> int:
        return self.present + self.inbound

    @property
    def now(self) -> bool:
        """Whether the site is at its threshold already, before any inbound flight."""
        return self.present * 100 >= self.capacity * self.warn_percent

    @property
    def percent(self) -> int:
        return round(self.projected * 100 / self.capacity)

    def line(self) -> str:
        """One line for a terminal or a log: counts and flight codes, never anyone's data."""
        head = f"WARNING site {self.site}: {self.present} present"
        if self.inbound:
            head += f" + {self.inbound} inbound on {', '.join(self.flights)}"
        tail = (
            f" = {self.projected} of capacity {self.capacity} ({self.percent}%); "
            f"warning at {self.warn_percent}%"
        )
        if self.projected > self.capacity:
            tail += f"; {self.projected - self.capacity} over capacity"
        if not self.now and self.first_over:
            tail += f"; reached when {self.first_over} lands"
        return head + tail


def capacity_warning(
    site: Site, present: int, inbound: Sequence[InboundFlight] = ()
) -> CapacityWarning | None:
    """The warning for `site` with `present` people and `inbound` flights still to land, or
    None if even after all of them land it stays below its threshold."""
    ordered = sorted(inbound, key=lambda f: (f.departs_earliest, f.code))
    running = present
    first_over: str | None = None
    for flight in ordered:
        running += flight.people
        if first_over is None and running >= site.warn_at and present < site.warn_at:
            first_over = flight.code
    if running < site.warn_at:
        return None
    return CapacityWarning(
        site=site.code,
        capacity=site.capacity,
        warn_percent=site.warn_percent,
        present=present,
        inbound=running - present,
        flights=tuple(f.code for f in ordered if f.people),
        first_over=first_over,
    )
