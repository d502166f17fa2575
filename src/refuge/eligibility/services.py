"""Use cases of stored screening: record a case's facts, screen every case and record the
decisions with their reasons, define quotas and approve cases against them.

Services take primitives plus a unit of work, write audit events (codes and counts only: the
reasons read out to a person are sealed on the case's transition), commit, and return plain
results, so the CLI, the API and tests call the same code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from refuge.cases.services import transition_case
from refuge.domain import Case, Conflict, Household, InvalidInput, Stage
from refuge.eligibility.facts import CaseFacts, SivStep
from refuge.eligibility.ports import EligibilityUnitOfWork, ScreenableCase, StoredDecision
from refuge.eligibility.precedence import PrecedenceOrder, prioritise
from refuge.eligibility.programs import ProgramDefinition, Quota, QuotaUnit
from refuge.eligibility.quotas import QuotaUsage
from refuge.eligibility.screening import Decision, DecisionChange, Outcome, diff_decisions, screen

__all__ = [
    "SCREENABLE",
    "RecordedFacts",
    "ScreeningReport",
    "approve_case",
    "define_quotas",
    "quota_usage",
    "record_case_facts",
    "record_facts_many",
    "screen_and_record",
]

# Stages from which screening may move a case: once vetting has begun, a new decision is
# recorded by the officers handling it, not by a screening run.
SCREENABLE: frozenset[Stage] = frozenset(
    {Stage.REGISTERED, Stage.ELIGIBLE, Stage.INELIGIBLE, Stage.DOCUMENTS_MISSING}
)
# Cases screened per batch: bounds memory on large operations within one transaction.
_BATCH = 500


@dataclass(frozen=True, slots=True)
class RecordedFacts:
    """What screening knows of a case beyond its household: recorded by case officers or sent by
    partner organisations. Stored sealed under the household's data key."""

    registered_on: dt.date | None = None
    siv_step: SivStep | None = None
    employer: str | None = None
    role: str | None = None
    employment_months: int | None = None
    vulnerabilities: frozenset[str] = frozenset()
    threat_level: int | None = None
    medical_need: int | None = None
    referral: str | None = None
    accepted_by: frozenset[str] = frozenset()
    permanent_residence: Mapping[uuid.UUID, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def for_case(
        self, case: Case, household: Household, on: dt.date, *, registered_on: dt.date | None
    ) -> CaseFacts:
        """The facts screening reads, on `on`; `registered_on` stands in if none was recorded.
        InvalidInput (naming the case) if a value is out of range."""
        return CaseFacts(
            case=case,
            household=household,
            on=on,
            registered_on=self.registered_on or registered_on,
            siv_step=self.siv_step,
            employer=self.employer,
            role=self.role,
            employment_months=self.employment_months,
            vulnerabilities=self.vulnerabilities,
            threat_level=self.threat_level,
            medical_need=self.medical_need,
            referral=self.referral,
            accepted_by=self.accepted_by,
            permanent_residence=self.permanent_residence,
        )

    def as_record(self) -> dict[str, object]:
        return {
            "registered_on": None if self.registered_on is None else self.registered_on.isoformat(),
            "siv_step": None if self.siv_step is None else self.siv_step.value,
            "employer": self.employer,
            "role": self.role,
            "employment_months": self.employment_months,
            "vulnerabilities": sorted(self.vulnerabilities),
            "threat_level": self.threat_level,
            "medical_need": self.medical_need,
            "referral": self.referral,
            "accepted_by": sorted(self.accepted_by),
            "permanent_residence": {
                str(person): sorted(states)
                for person, states in sorted(self.permanent_residence.items(), key=str)
            },
        }

    @classmethod
    def from_record(cls, record: Mapping[str, object], *, case: str) -> RecordedFacts:
        """Read back what `as_record` wrote; InvalidInput naming the case if it is malformed."""
        try:
            registered = record.get("registered_on")
            step = record.get("siv_step")
            residence = record.get("permanent_residence") or {}
            if not isinstance(residence, Mapping):
                raise TypeError("permanent residence must be a mapping")
            return cls(
                registered_on=None
                if registered is None
                else dt.date.fromisoformat(str(registered)),
                siv_step=None if step is None else SivStep(str(step)),
                employer=_text(record.get("employer")),
                role=_text(record.get("role")),
                employment_months=_number(record.get("employment_months")),
                vulnerabilities=_words(record.get("vulnerabilities")),
                threat_level=_number(record.get("threat_level")),
                medical_need=_number(record.get("medical_need")),
                referral=_text(record.get("referral")),
                accepted_by=_words(record.get("accepted_by")),
                permanent_residence=MappingProxyType(
                    {uuid.UUID(str(k)): _words(v) for k, v in residence.items()}
                ),
            )
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"case {case}: stored facts are malformed") from exc


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected a whole number")
    return value


def _words(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return frozenset(str(item) for item in value)


@dataclass(frozen=True, slots=True)
class ScreeningReport:
    """What one screening run did. Case numbers, outcomes and rule ids and texts only."""

    screened: int
    unchanged: int  # skipped with `only_changed`: facts and program as at their last decision
    counts: Mapping[Outcome, int]
    moved: int  # cases moved to another stage
    first_screened: int
    changes: tuple[DecisionChange, ...]
    without_program: tuple[str, ...]  # case numbers whose program is not among those loaded
    unreadable: tuple[str, ...]  # case numbers whose household was shredded


def record_case_facts(
    uow: EligibilityUnitOfWork,
    number: str,
    facts: RecordedFacts,
    *,
    actor: str,
    now: dt.datetime,
) -> int:
    """Record (or replace) the facts of case `number`; the new revision of its facts.

    The facts are checked as screening would read them before anything is written."""
    with uow:
        case = uow.cases.get(number)
        household = uow.households.get(case.household_id)
        facts.for_case(case, household, now.date(), registered_on=None)  # InvalidInput if wrong
        revision = uow.eligibility.record_facts(case.id, case.household_id, facts.as_record(), now)
        uow.audit.record(
            actor=actor,
            action="case.facts",
            object_kind="case",
            object_id=number,
            at=now,
            details={"revision": revision},
        )
        uow.commit()
    return revision


def record_facts_many(
    uow: EligibilityUnitOfWork,
    items: Iterable[tuple[str, RecordedFacts]],
    *,
    actor: str,
    now: dt.datetime,
) -> int:
    """Record the facts of many cases (case number, facts) in one transaction, as a partner's
    list or a loaded operation brings them; how many were recorded. All or nothing."""
    count = 0
    with uow:
        for number, facts in items:
            case = uow.cases.get(number)
            household = uow.households.get(case.household_id)
            facts.for_case(case, household, now.date(), registered_on=None)
            revision = uow.eligibility.record_facts(
                case.id, case.household_id, facts.as_record(), now
            )
            uow.audit.record(
                actor=actor,
                action="case.facts",
                object_kind="case",
                object_id=number,
                at=now,
                details={"revision": revision},
            )
            count += 1
        uow.commit()
    return count


def screen_and_record(
    uow: EligibilityUnitOfWork,
    *,
    actor: str,
    now: dt.datetime,
    programs: Mapping[str, ProgramDefinition],
    only_changed: bool = False,
) -> ScreeningReport:
    """Screen every case in a screenable stage under its program, record each decision that
    differs from its last one (which is kept as the previous decision), move cases through the
    pipeline with the decision read out as the reason, and report who changed outcome and why.

    With `only_changed`, cases whose facts and program are as at their last decision are left
    alone. One transaction: all of it is recorded, or none."""
    on = now.date()
    with uow:
        candidates = uow.eligibility.screenable(SCREENABLE)
        stored = uow.eligibility.decisions([c.case_id for c in candidates])
        without_program = tuple(c.number for c in candidates if c.program not in programs)
        candidates = [c for c in candidates if c.program in programs]
        revisions = uow.eligibility.facts([(c.case_id, c.household_id) for c in candidates])
        todo = [
            c
            for c in candidates
            if not only_changed or _changed(c, stored.get(c.case_id), revisions, programs)
        ]
        decisions: list[Decision] = []
        previous: list[Decision] = []
        unreadable: list[str] = []
        moved = 0
        for start in range(0, len(todo), _BATCH):
            batch = todo[start : start + _BATCH]
            households = uow.eligibility.households_of([c.household_id for c in batch])
            to_record: list[tuple[uuid.UUID, Mapping[str, object], int]] = []
            to_move: list[Decision] = []
            for item in batch:
                household = households.get(item.household_id)
                if household is None:
                    unreadable.append(item.number)
                    continue
                recorded, revision = revisions.get(item.case_id, ({}, 0))
                registered = None if item.registered_at is None else item.registered_at.date()
                facts = RecordedFacts.from_record(recorded, case=item.number).for_case(
                    item.case(), household, on, registered_on=registered
                )
                decision = screen(facts, programs[item.program])
                decisions.append(decision)
                last = stored.get(item.case_id)
                before = None if last is None else Decision.from_record(last.record)
                if before is not None:
                    previous.append(before)
                if (
                    last is None
                    or before is None
                    or _differs(before, decision)
                    or last.facts_revision != revision
                ):
                    to_record.append((item.case_id, decision.as_record(), revision))
                if item.stage is not decision.stage:
                    to_move.append(decision)
            uow.eligibility.record_decisions(to_record, now)
            for decision in to_move:
                _move(uow, uow.cases.get(decision.case_number), decision, actor=actor, now=now)
            moved += len(to_move)
        counts = Counter(d.outcome for d in decisions)
        changes = diff_decisions(previous, decisions)
        first = sum(1 for c in todo if c.case_id not in stored and c.number not in unreadable)
        uow.audit.record(
            actor=actor,
            action="eligibility.screen",
            object_kind="operation",
            object_id="screening",
            at=now,
            details={
                "only_changed": only_changed,
                "screened": len(decisions),
                "unchanged": len(candidates) - len(todo),
                "eligible": counts[Outcome.ELIGIBLE],
                "ineligible": counts[Outcome.INELIGIBLE],
                "missing_documents": counts[Outcome.MISSING_DOCUMENTS],
                "moved": moved,
                "outcome_changes": len(changes),
                "without_program": len(without_program),
                "programs": " ".join(f"{p.code}@{p.version}" for p in programs.values()),
            },
        )
        uow.commit()
    return ScreeningReport(
        screened=len(decisions),
        unchanged=len(candidates) - len(todo),
        counts=MappingProxyType(dict(counts)),
        moved=moved,
        first_screened=first,
        changes=changes,
        without_program=without_program,
        unreadable=tuple(unreadable),
    )


def _changed(
    case: ScreenableCase,
    last: StoredDecision | None,
    revisions: Mapping[uuid.UUID, tuple[Mapping[str, object], int]],
    programs: Mapping[str, ProgramDefinition],
) -> bool:
    if last is None:
        return True
    program = programs[case.program]
    _, revision = revisions.get(case.case_id, ({}, 0))
    return (
        last.facts_revision != revision
        or last.record.get("program") != program.code
        or last.record.get("program_digest") != program.digest
    )


def _differs(before: Decision, now: Decision) -> bool:
    """Whether two decisions say anything different (the day they were made aside)."""
    return (before.program_digest, before.outcome, before.results) != (
        now.program_digest,
        now.outcome,
        now.results,
    )


def _registered_on(case: Case) -> dt.date | None:
    return next(
        (move.at.date() for move in case.history if move.to_stage is Stage.REGISTERED), None
    )


def _move(
    uow: EligibilityUnitOfWork, case: Case, decision: Decision, *, actor: str, now: dt.datetime
) -> None:
    # The read-out is what the person is told; the store seals it under the household's key.
    transition_case(
        uow,
        case,
        decision.stage,
        actor=actor,
        now=now,
        reason=decision.read_out(),
        details={
            "program": decision.program,
            "program_version": decision.program_version,
            "rules": " ".join(r.rule for r in decision.reasons if not r.passed),
        },
    )


def _quotas(order: PrecedenceOrder, programs: Mapping[str, ProgramDefinition]) -> dict[str, Quota]:
    quotas = {f"category:{c.code}": c.quota for c in order.categories if c.quota is not None}
    quotas |= {f"program:{p.code}": p.quota for p in programs.values() if p.quota is not None}
    return quotas


def define_quotas(
    uow: EligibilityUnitOfWork,
    *,
    actor: str,
    now: dt.datetime,
    order: PrecedenceOrder,
    programs: Mapping[str, ProgramDefinition],
) -> tuple[QuotaUsage, ...]:
    """Store every quota the order of precedence and the programs define (a changed limit is
    taken up; what is used stays), and return each quota's use."""
    with uow:
        for key, quota in sorted(_quotas(order, programs).items()):
            uow.eligibility.define_quota(key, quota.limit, quota.unit.value)
            uow.audit.record(
                actor=actor,
                action="quota.define",
                object_kind="quota",
                object_id=key,
                at=now,
                details={"limit": quota.limit, "unit": quota.unit.value},
            )
        usage = _usage(uow)
        uow.commit()
    return usage


def quota_usage(uow: EligibilityUnitOfWork) -> tuple[QuotaUsage, ...]:
    """How much of each stored quota is used and left."""
    with uow:
        return _usage(uow)


def _usage(uow: EligibilityUnitOfWork) -> tuple[QuotaUsage, ...]:
    return tuple(
        QuotaUsage(key, limit, QuotaUnit(unit), used)
        for key, limit, unit, used in uow.eligibility.usages()
    )


def approve_case(
    uow: EligibilityUnitOfWork,
    number: str,
    *,
    actor: str,
    now: dt.datetime,
    order: PrecedenceOrder,
) -> tuple[str, ...]:
    """Approve a vetted case for relocation, counting its household against the quotas of its
    precedence category and its program; the quota keys it was counted against.

    Conflict naming the quota if one is full (nothing is counted or moved), or if the case's
    last decision is not eligible; IllegalTransition if the case is not at vetting_cleared.
    Concurrent approvals never take a quota past its limit: the store takes each quota with one
    conditional UPDATE that the database serialises."""
    with uow:
        case = uow.cases.get(number)
        case_id = uow.eligibility.case_id(number)
        last = uow.eligibility.decisions([case_id]).get(case_id)
        if last is None or last.record.get("outcome") != Outcome.ELIGIBLE.value:
            raise Conflict(f"case {number}: its last screening decision is not eligible")
        household = uow.households.get(case.household_id)
        recorded, _ = uow.eligibility.facts([(case_id, case.household_id)]).get(case_id, ({}, 0))
        facts = RecordedFacts.from_record(recorded, case=number).for_case(
            case, household, now.date(), registered_on=_registered_on(case)
        )
        priority = prioritise(facts, order)
        units = {key: unit for key, _limit, unit, _used in uow.eligibility.usages()}
        keys = [f"category:{priority.category}", f"program:{case.program}"]
        amounts = {
            key: household.size if units[key] == QuotaUnit.PEOPLE.value else 1
            for key in keys
            if key in units
        }
        full = uow.eligibility.take(amounts)
        if full is not None:
            raise Conflict(f"case {number}: quota {full} is full")
        from_stage = case.stage
        case.move_to(Stage.APPROVED, actor=actor, at=now)
        uow.cases.save(case)
        uow.audit.record(
            actor=actor,
            action="case.approve",
            object_kind="case",
            object_id=number,
            at=now,
            details={
                "from": str(from_stage),
                "category": priority.category,
                "quotas": " ".join(sorted(amounts)),
                "counted": sum(amounts.values()),
            },
        )
        uow.commit()
    return tuple(sorted(amounts))
