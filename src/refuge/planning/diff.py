"""What changed for whom between two versions of a plan: the input of notifications."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from refuge.planning.plans import Plan

__all__ = ["Change", "ChangeKind", "PlanDiff", "Seats", "diff"]


class ChangeKind(enum.StrEnum):
    ASSIGNED = "assigned"  # had no seat, has one now
    MOVED = "moved"  # seated before and now, on other flights (or other numbers of seats)
    DROPPED = "dropped"  # had a seat, now on standby
    WITHDRAWN = "withdrawn"  # had a seat, no longer in the plan at all


@dataclass(frozen=True, slots=True)
class Seats:
    flight_id: uuid.UUID
    flight_code: str
    people: int


@dataclass(frozen=True, slots=True)
class Change:
    household_id: uuid.UUID
    case_number: str
    kind: ChangeKind
    before: tuple[Seats, ...]
    after: tuple[Seats, ...]

    def read_out(self) -> str:
        def seats(side: tuple[Seats, ...]) -> str:
            return ", ".join(f"{s.flight_code} ({s.people})" for s in side) or "standby"

        return f"case {self.case_number}: {self.kind} {seats(self.before)} -> {seats(self.after)}"


@dataclass(frozen=True, slots=True)
class PlanDiff:
    old_version: int
    new_version: int
    changes: tuple[Change, ...]

    def of_kind(self, kind: ChangeKind) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind is kind)


def diff(old: Plan, new: Plan) -> PlanDiff:
    """Every household whose seats differ between `old` and `new`, in the new plan's order of
    precedence (then the withdrawn ones). Households whose seats did not change are left out."""
    before = _seats(old)
    after = _seats(new)
    in_new = {h.household_id for h in new.households}
    changes = []
    case_numbers = {h.household_id: h.case_number for h in (*old.households, *new.households)}
    ordered = [a.household_id for a in new.assignments]
    ordered += [h.household_id for h in new.households]
    ordered += [h.household_id for h in old.households]
    seen: set[uuid.UUID] = set()
    for household_id in ordered:
        if household_id in seen:
            continue
        seen.add(household_id)
        was = before.get(household_id, ())
        now = after.get(household_id, ())
        if _key(was) == _key(now):
            continue
        if household_id not in in_new:
            kind = ChangeKind.WITHDRAWN
        elif not was:
            kind = ChangeKind.ASSIGNED
        elif not now:
            kind = ChangeKind.DROPPED
        else:
            kind = ChangeKind.MOVED
        changes.append(Change(household_id, case_numbers[household_id], kind, was, now))
    return PlanDiff(old.version, new.version, tuple(changes))


def _seats(plan: Plan) -> dict[uuid.UUID, tuple[Seats, ...]]:
    out: dict[uuid.UUID, list[Seats]] = {}
    for a in plan.assignments:
        out.setdefault(a.household_id, []).append(Seats(a.flight_id, a.flight_code, a.people))
    return {k: tuple(v) for k, v in out.items()}


def _key(seats: tuple[Seats, ...]) -> frozenset[tuple[uuid.UUID, int]]:
    return frozenset((s.flight_id, s.people) for s in seats)
