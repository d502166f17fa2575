"""A plan as plain, immutable results: who sits on which flight, the standby list of every
flight, how the plan was made (solver status, objective, proven bound) and its measures."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from refuge.domain import Flight
from refuge.planning.households import PlanningHousehold
from refuge.planning.seating import Seating, level_name

__all__ = [
    "Assignment",
    "Evaluation",
    "Plan",
    "PlanStatus",
    "SolveReport",
    "StageReport",
    "Violation",
    "evaluate",
    "precedence_violations",
]


@dataclass(frozen=True, slots=True)
class Assignment:
    """`people` members of a household on one flight; `checked_in` of them are pinned there."""

    household_id: uuid.UUID
    case_number: str
    flight_id: uuid.UUID
    flight_code: str
    people: int
    checked_in: int = 0


class PlanStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # the solver proved every stage optimal
    FEASIBLE = "feasible"  # the solver's best within the time limit, with a gap to its bound
    GREEDY = "greedy"  # the greedy plan: the solver was not asked, unavailable or did no better
    BOUNDED = "bounded"  # the greedy plan, too large for the exact model, with a proven bound
    REOFFERED = "reoffered"  # freed seats re-offered to standby, nothing else moved


@dataclass(frozen=True, slots=True)
class StageReport:
    """One stage of the lexicographic objective: people seated at one level, or priority."""

    name: str
    status: str
    value: float
    bound: float


@dataclass(frozen=True, slots=True)
class SolveReport:
    """How a plan was made. `objective` is the priority-weighted people seated (sum of score x
    members seated); `bound` the best bound the solver proved for it, given what the precedence
    stages before it reached (with scores counted in hundredths), or None when no solver proved
    one (greedy plan, re-offer, a repair after the solve, or the solver out of time before its
    priority stage); `gap` their relative difference. A `BOUNDED` plan's bound and stages come
    from the pooled-flights relaxation, each stage given that the levels before keep what the
    plan seated there."""

    status: PlanStatus
    objective: float
    bound: float | None
    seconds: float
    stages: tuple[StageReport, ...] = ()
    note: str = ""

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        if self.bound == self.objective:
            return 0.0
        return abs(self.bound - self.objective) / max(abs(self.bound), 1e-9)

    @property
    def precedence_gap(self) -> float:
        """The largest relative gap of a precedence stage (0 when each was proven optimal)."""
        gaps = [
            abs(s.bound - s.value) / max(abs(s.bound), 1e-9)
            for s in self.stages
            if s.name != "priority" and s.bound != s.value
        ]
        return max(gaps, default=0.0)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A plan's measures, comparable between plans of the same inputs."""

    people_by_level: tuple[tuple[str, int], ...]
    priority: float  # sum over seated members of their household's score
    seats_filled: int
    seats: int  # capacity offered (with surge seats if allowed)
    households_seated: int
    households_waiting: int  # with at least one member not seated

    @property
    def key(self) -> tuple[tuple[int, ...], float]:
        return tuple(people for _, people in self.people_by_level), self.priority


@dataclass(frozen=True, slots=True)
class Violation:
    """A household left (partly) behind that could take the place of lower-level people."""

    case_number: str
    flight_code: str


@dataclass(frozen=True)
class Plan:
    """One version of the plan. Keeps its inputs so it can be re-offered, compared and checked
    without going back to storage."""

    version: int
    assignments: tuple[Assignment, ...]
    standby: Mapping[uuid.UUID, tuple[uuid.UUID, ...]]  # flight id -> household ids, in order
    households: tuple[PlanningHousehold, ...]
    flights: tuple[Flight, ...]  # in departure order
    quotas: Mapping[str, int]
    allow_surge: bool
    report: SolveReport
    missed: frozenset[tuple[uuid.UUID, uuid.UUID]] = field(default=frozenset())

    def seats_of(self, household_id: uuid.UUID) -> dict[uuid.UUID, int]:
        """Flight id -> members of this household on it (empty: on standby)."""
        return {a.flight_id: a.people for a in self.assignments if a.household_id == household_id}

    def manifest(self, flight_id: uuid.UUID) -> tuple[Assignment, ...]:
        return tuple(a for a in self.assignments if a.flight_id == flight_id)

    def seating(self, blocked: frozenset[tuple[uuid.UUID, uuid.UUID]] | None = None) -> Seating:
        """This plan as a mutable seating, pins and all. `blocked` (household, flight) pairs, by
        default the missed flights, are taken out of eligibility."""
        seating = Seating(
            self.households,
            self.flights,
            self.quotas,
            allow_surge=self.allow_surge,
            blocked=self.missed if blocked is None else blocked,
        )
        for a in self.assignments:
            seating.put(
                seating.household_index[a.household_id],
                seating.flight_index[a.flight_id],
                a.people,
                pinned=a.checked_in,
            )
        return seating


class _Standby(Mapping[uuid.UUID, tuple[uuid.UUID, ...]]):
    """Flight id -> households waiting that may take it: its operator's own nationals first, then
    precedence and priority (`seating.order`). Worked out per flight when asked: listed for every
    flight at once they are waiting households x flights, millions at the largest scale."""

    def __init__(self, seating: Seating) -> None:
        self._flights = {f.id: j for j, f in enumerate(seating.flights)}
        sets: dict[int, frozenset[int]] = {}
        self._waiting: list[tuple[uuid.UUID, frozenset[int], frozenset[int]]] = []
        for i in seating.order:
            if seating.waiting(i) > 0:
                eligible = seating.eligible[i]
                if id(eligible) not in sets:
                    sets[id(eligible)] = frozenset(eligible)
                household_id = seating.households[i].household_id
                self._waiting.append((household_id, sets[id(eligible)], seating.own[i]))
        self._lists: dict[uuid.UUID, tuple[uuid.UUID, ...]] = {}

    def __getitem__(self, flight_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
        found = self._lists.get(flight_id)
        if found is None:
            j = self._flights[flight_id]  # KeyError for a flight not in the plan, as a dict
            own = [h for h, eligible, mine in self._waiting if j in mine and j in eligible]
            others = [h for h, eligible, mine in self._waiting if j in eligible and j not in mine]
            found = self._lists[flight_id] = (*own, *others)
        return found

    def __iter__(self) -> Iterator[uuid.UUID]:
        return iter(self._flights)

    def __len__(self) -> int:
        return len(self._flights)


def build_plan(
    seating: Seating,
    *,
    version: int,
    report: SolveReport,
    missed: frozenset[tuple[uuid.UUID, uuid.UUID]] = frozenset(),
) -> Plan:
    assignments = []
    for i in seating.order:
        household = seating.households[i]
        for j in sorted(seating.places[i]):
            flight = seating.flights[j]
            assignments.append(
                Assignment(
                    household.household_id,
                    household.case_number,
                    flight.id,
                    flight.code,
                    seating.places[i][j],
                    seating.pins[i].get(j, 0),
                )
            )
    standby = _Standby(seating)
    return Plan(
        version=version,
        assignments=tuple(assignments),
        standby=standby,
        households=seating.households,
        flights=seating.flights,
        quotas=MappingProxyType(dict(seating.quotas)),
        allow_surge=seating.allow_surge,
        report=report,
        missed=missed,
    )


def evaluate_seating(seating: Seating) -> Evaluation:
    by_level = seating.people_by_level()
    return Evaluation(
        people_by_level=tuple((level_name(lv), by_level.get(lv, 0)) for lv in seating.levels()),
        priority=seating.priority(),
        seats_filled=sum(seating.load),
        seats=sum(seating.capacity),
        households_seated=sum(1 for p in seating.places if p),
        households_waiting=sum(1 for i in range(len(seating.households)) if seating.waiting(i)),
    )


def evaluate(plan: Plan) -> Evaluation:
    return evaluate_seating(plan.seating())


def precedence_violations(plan: Plan) -> tuple[Violation, ...]:
    """Every place where a household waits while lower-level people it could replace fly."""
    seating = plan.seating()
    return tuple(
        Violation(seating.households[i].case_number, seating.flights[j].code)
        for i, j in seating.violations()
    )
