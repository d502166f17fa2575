"""What planning needs to know of an approved household: its place in the order of precedence,
its priority, its program and nationalities (for flight eligibility), its size, and whether the
coordinator allows it to be split or some members are checked in already."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from refuge.domain import Flight, InvalidInput

__all__ = ["PlanningHousehold", "departure_order", "precedence_order"]


@dataclass(frozen=True, slots=True)
class PlanningHousehold:
    """One approved household, as planning sees it. No names, no documents: a plan never needs
    them, so it can be logged and compared freely.

    A household with `split_allowed` may fly on several flights, and part of it may wait while
    the rest flies; any other household flies whole on one flight or waits whole.

    `pinned` lists (flight id, members) already checked in on a flight: those members are on that
    flight whatever the plan says. A household that may not be split is pinned whole."""

    household_id: uuid.UUID
    case_number: str
    program: str
    category: str
    rank: int  # the category's place in the order of precedence; lower goes first
    score: float  # priority inside the category; higher goes first
    size: int
    nationalities: tuple[str, ...]
    split_allowed: bool = False
    pinned: tuple[tuple[uuid.UUID, int], ...] = ()

    def __post_init__(self) -> None:
        if self.size <= 0:
            raise InvalidInput(f"case {self.case_number}: a household has at least one member")
        if not math.isfinite(self.score):
            raise InvalidInput(f"case {self.case_number}: priority score must be a finite number")
        flights = [flight_id for flight_id, _ in self.pinned]
        if len(set(flights)) != len(flights):
            raise InvalidInput(f"case {self.case_number}: a flight is pinned twice")
        if any(people <= 0 for _, people in self.pinned):
            raise InvalidInput(f"case {self.case_number}: pinned members must be a positive count")
        if sum(people for _, people in self.pinned) > self.size:
            raise InvalidInput(
                f"case {self.case_number}: more members pinned than the household has"
            )
        if not self.split_allowed and len(flights) > 1:
            raise InvalidInput(
                f"case {self.case_number}: checked in on several flights but may not be split"
            )

    def may_take(self, flight: Flight) -> bool:
        return flight.may_carry(self.program, self.nationalities)

    def own_national_on(self, flight: Flight) -> bool:
        """A partner nation's aircraft carries its own nationals before anyone else."""
        return flight.operator_state is not None and flight.operator_state in self.nationalities


def precedence_order(household: PlanningHousehold) -> tuple[int, float, str]:
    """Sort key: precedence first, then priority (higher first), then case number so that equal
    households always come out in the same order."""
    return (household.rank, -household.score, household.case_number)


def departure_order(flight: Flight) -> tuple[object, ...]:
    return (flight.departs_earliest, flight.departs_latest, flight.code)
