"""Quotas per precedence category and per program: a ledger of what is used and left, and the
allocation of eligible cases to it in precedence-and-score order, saying who a quota held back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refuge.domain import InvalidInput
from refuge.eligibility.facts import CaseFacts
from refuge.eligibility.precedence import PrecedenceOrder, Priority, prioritise
from refuge.eligibility.programs import ProgramDefinition, Quota, QuotaUnit
from refuge.eligibility.screening import Decision, Outcome

__all__ = ["Allocation", "Placement", "QuotaLedger", "QuotaUsage", "allocate"]


@dataclass(frozen=True, slots=True)
class QuotaUsage:
    key: str  # "category:<code>" or "program:<code>"
    limit: int
    unit: QuotaUnit
    used: int

    @property
    def left(self) -> int:
        return self.limit - self.used

    def read_out(self) -> str:
        return f"{self.key}: {self.used} of {self.limit} {self.unit} used, {self.left} left"


class QuotaLedger:
    """How much of each quota is used. Takes all the quotas a case falls under, or none of them:
    a take that would pass any limit is refused whole, so no quota is ever exceeded.

    The ledger is one screening run's arithmetic; concurrent runs must be serialised by the store
    that seeds `used` (for example by locking the quota rows while allocating)."""

    def __init__(self, quotas: Mapping[str, Quota], used: Mapping[str, int] | None = None) -> None:
        self._quotas = dict(quotas)
        self._used = dict.fromkeys(self._quotas, 0)
        for key, count in (used or {}).items():
            if key not in self._quotas:
                raise InvalidInput(f"quota {key} is not defined")
            if count < 0:
                raise InvalidInput(f"quota {key}: used cannot be negative")
            self._used[key] = count

    @classmethod
    def for_operation(
        cls,
        order: PrecedenceOrder,
        programs: Mapping[str, ProgramDefinition],
        used: Mapping[str, int] | None = None,
    ) -> QuotaLedger:
        """Every quota the order of precedence and the programs define."""
        quotas = {f"category:{c.code}": c.quota for c in order.categories if c.quota is not None}
        quotas |= {f"program:{p.code}": p.quota for p in programs.values() if p.quota is not None}
        return cls(quotas, used)

    def governs(self, key: str) -> bool:
        return key in self._quotas

    def full(self, keys: Iterable[str], household_size: int) -> str | None:
        """The first of `keys` with no room for this household, or None if all have room."""
        for key in keys:
            quota = self._quotas[key]
            if self._used[key] + quota.amount(household_size) > quota.limit:
                return key
        return None

    def take(self, keys: Iterable[str], household_size: int) -> str | None:
        """Count the household against every quota in `keys`; if one is full, count nothing and
        return that quota's key."""
        wanted = [k for k in keys if k in self._quotas]
        blocked = self.full(wanted, household_size)
        if blocked is None:
            for key in wanted:
                self._used[key] += self._quotas[key].amount(household_size)
        return blocked

    def usage(self, key: str) -> QuotaUsage:
        quota = self._quotas[key]
        return QuotaUsage(key, quota.limit, quota.unit, self._used[key])

    def usages(self) -> tuple[QuotaUsage, ...]:
        return tuple(self.usage(key) for key in sorted(self._quotas))


@dataclass(frozen=True, slots=True)
class Placement:
    """One eligible case in the allocation order: admitted, or held back by a full quota."""

    position: int  # 1 is first in precedence-and-score order
    case_number: str
    program: str
    household_size: int
    priority: Priority
    held_back_by: str | None

    @property
    def admitted(self) -> bool:
        return self.held_back_by is None

    def read_out(self) -> str:
        head = (
            f"{self.position}. case {self.case_number} ({self.priority.category}, "
            f"score {self.priority.score:g})"
        )
        if self.admitted:
            return f"{head}: admitted"
        return f"{head}: held back, quota {self.held_back_by} is full"


@dataclass(frozen=True, slots=True)
class Allocation:
    placements: tuple[Placement, ...]
    usage: tuple[QuotaUsage, ...]

    @property
    def admitted(self) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if p.admitted)

    @property
    def held_back(self) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if not p.admitted)


def allocate(
    screened: Iterable[tuple[CaseFacts, Decision]],
    order: PrecedenceOrder,
    ledger: QuotaLedger,
) -> Allocation:
    """Place every eligible case in precedence order (category rank, then higher score, then
    longer wait, then case number) and count each against its category's and program's quotas.

    Households are never split. A household that does not fit a quota is held back and the next
    one that fits is admitted, so a large family does not leave seats of a quota unused; the
    held-back case keeps its place for the next allocation. Cases not eligible are not placed."""
    ranked = []
    for facts, decision in screened:
        if decision.case_number != facts.case.number:
            raise InvalidInput(f"case {facts.case.number}: decision is for another case")
        if decision.outcome is not Outcome.ELIGIBLE:
            continue
        priority = prioritise(facts, order)
        ranked.append((facts, decision, priority))
    ranked.sort(key=_order_key)
    placements = []
    for position, (facts, decision, priority) in enumerate(ranked, start=1):
        keys = [f"category:{priority.category}", f"program:{decision.program}"]
        blocked = ledger.take(keys, facts.household.size)
        placements.append(
            Placement(
                position, decision.case_number, decision.program, facts.household.size,
                priority, blocked,
            )
        )  # fmt: skip
    return Allocation(tuple(placements), ledger.usages())


def _order_key(item: tuple[CaseFacts, Decision, Priority]) -> tuple[int, float, dt.date, str]:
    facts, _decision, priority = item
    waited_since = facts.registered_on if facts.registered_on is not None else dt.date.max
    return (priority.rank, -priority.score, waited_since, facts.case.number)
