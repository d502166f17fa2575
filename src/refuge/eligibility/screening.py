"""Screening: a program's rules applied to one case's facts, the decision with the rules that
made it, screening many cases at once, and what changed since the previous screening."""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refuge.domain import InvalidInput, NotFound, Stage
from refuge.eligibility.facts import FACTS, CaseFacts, FactScope
from refuge.eligibility.programs import ProgramDefinition, Rule, RuleEffect

__all__ = [
    "Decision",
    "DecisionChange",
    "Outcome",
    "RuleChange",
    "RuleResult",
    "Screening",
    "diff_decisions",
    "screen",
    "screen_cases",
]


class Outcome(enum.StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    MISSING_DOCUMENTS = "missing-documents"

    @property
    def stage(self) -> Stage:
        """The pipeline stage a case moves to on this outcome."""
        return _STAGES[self]


_STAGES = {
    Outcome.ELIGIBLE: Stage.ELIGIBLE,
    Outcome.INELIGIBLE: Stage.INELIGIBLE,
    Outcome.MISSING_DOCUMENTS: Stage.DOCUMENTS_MISSING,
}


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule applied to one case. `unknown` names the facts that were not recorded when the
    rule could not be decided (an undecided rule fails)."""

    rule: str
    effect: RuleEffect
    passed: bool
    text: str
    unknown: tuple[str, ...] = ()

    def read_out(self) -> str:
        if not self.unknown:
            return self.text
        return f"{self.text} (not recorded: {', '.join(self.unknown)})"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of screening one case under one version of a program.

    `reasons` are the rules that decided it: every failed requirement when ineligible, every
    failed document rule when documents are missing, every rule when eligible. `results` holds
    every rule's result, in the order of the program file."""

    case_number: str
    program: str
    program_version: str
    program_digest: str
    on: dt.date
    outcome: Outcome
    reasons: tuple[RuleResult, ...]
    results: tuple[RuleResult, ...]

    @property
    def stage(self) -> Stage:
        return self.outcome.stage

    def read_out(self) -> str:
        """The decision in words a case officer can read out to the person it concerns."""
        lines = "; ".join(reason.read_out() for reason in self.reasons)
        return f"{_SAID[self.outcome]}: {lines}"

    def decided_by(self, program: ProgramDefinition) -> bool:
        """Whether this decision was made under `program` exactly as it now reads."""
        return self.program == program.code and self.program_digest == program.digest

    def as_record(self) -> dict[str, object]:
        """Plain data for storing the decision (JSON-ready)."""
        return {
            "case_number": self.case_number,
            "program": self.program,
            "program_version": self.program_version,
            "program_digest": self.program_digest,
            "on": self.on.isoformat(),
            "outcome": self.outcome.value,
            "reasons": [r.rule for r in self.reasons],
            "results": [
                {
                    "rule": r.rule,
                    "effect": r.effect.value,
                    "passed": r.passed,
                    "text": r.text,
                    "unknown": list(r.unknown),
                }
                for r in self.results
            ],
        }

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Decision:
        """Read back what `as_record` wrote; InvalidInput if the record is malformed."""
        try:
            results = tuple(_result_from(item) for item in _items(record["results"]))
            by_rule = {r.rule: r for r in results}
            reasons = tuple(by_rule[str(rule)] for rule in _items(record["reasons"]))
            return cls(
                str(record["case_number"]),
                str(record["program"]),
                str(record["program_version"]),
                str(record["program_digest"]),
                dt.date.fromisoformat(str(record["on"])),
                Outcome(str(record["outcome"])),
                reasons,
                results,
            )
        except (KeyError, TypeError, ValueError) as exc:
            number = record.get("case_number", "?")
            raise InvalidInput(f"case {number}: stored decision is malformed") from exc


def _items(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


def _result_from(item: object) -> RuleResult:
    if not isinstance(item, Mapping):
        raise TypeError("expected a mapping")
    return RuleResult(
        str(item["rule"]),
        RuleEffect(str(item["effect"])),
        item["passed"] is True,
        str(item["text"]),
        tuple(str(name) for name in _items(item["unknown"])),
    )


_SAID = {
    Outcome.ELIGIBLE: "Eligible",
    Outcome.INELIGIBLE: "Not eligible",
    Outcome.MISSING_DOCUMENTS: "Documents missing",
}


def screen(facts: CaseFacts, program: ProgramDefinition) -> Decision:
    """Apply every rule of `program` to one case. Pure: the same facts give the same decision."""
    results = tuple(_apply(rule, facts) for rule in program.rules)
    failed_requirements = tuple(
        r for r in results if not r.passed and r.effect is RuleEffect.REQUIRE
    )
    failed_documents = tuple(r for r in results if not r.passed and r.effect is RuleEffect.DOCUMENT)
    if failed_requirements:
        outcome, reasons = Outcome.INELIGIBLE, failed_requirements
    elif failed_documents:
        outcome, reasons = Outcome.MISSING_DOCUMENTS, failed_documents
    else:
        outcome, reasons = Outcome.ELIGIBLE, results
    return Decision(
        facts.case.number, program.code, program.version, program.digest, facts.on, outcome,
        reasons, results,
    )  # fmt: skip


def _apply(rule: Rule, facts: CaseFacts) -> RuleResult:
    result = rule.check(facts, None)
    if result is True:
        return RuleResult(rule.id, rule.effect, True, rule.pass_text)
    unknown = _unknown_facts(rule, facts) if result is None else ()
    return RuleResult(rule.id, rule.effect, False, rule.fail_text, unknown)


def _unknown_facts(rule: Rule, facts: CaseFacts) -> tuple[str, ...]:
    unknown = []
    for name in sorted(rule.condition.facts_used()):
        fact = FACTS[name]
        if fact.scope is FactScope.CASE:
            missing = fact.get(facts, None) is None
        else:
            missing = any(fact.get(facts, m) is None for m in facts.household.members)
        if missing:
            unknown.append(name)
    return tuple(unknown)


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule whose result differs between two decisions. None: the rule was not in that version
    of the program."""

    rule: str
    before: bool | None
    after: bool | None
    text: str  # what the rule says now (or said last, if it was removed)

    def read_out(self) -> str:
        if self.before is None:
            return f"new rule {self.rule} {'passes' if self.after else 'fails'}: {self.text}"
        if self.after is None:
            return f"rule {self.rule} was removed (it {'passed' if self.before else 'failed'})"
        return f"rule {self.rule} now {'passes' if self.after else 'fails'}: {self.text}"


@dataclass(frozen=True, slots=True)
class DecisionChange:
    """A case whose outcome changed on re-screening, and the rules that made the difference."""

    case_number: str
    program: str
    before: Outcome
    after: Outcome
    before_version: str
    after_version: str
    rules: tuple[RuleChange, ...]

    def read_out(self) -> str:
        version = (
            f"program {self.program} {self.before_version}"
            if self.before_version == self.after_version
            else f"program {self.program} {self.before_version} -> {self.after_version}"
        )
        why = "; ".join(change.read_out() for change in self.rules) or "facts of the case changed"
        return f"case {self.case_number}: {self.before} -> {self.after} ({version}): {why}"


def diff_decisions(
    previous: Iterable[Decision], current: Iterable[Decision]
) -> tuple[DecisionChange, ...]:
    """Cases whose outcome differs between `previous` and `current`, in case-number order.

    Cases screened only once are not changes. A case moved to another program is compared too:
    its rule changes are then every rule of either program whose result differs."""
    before = {d.case_number: d for d in previous}
    changes = []
    for now in sorted(current, key=lambda d: d.case_number):
        then = before.get(now.case_number)
        if then is None or then.outcome is now.outcome:
            continue
        changes.append(
            DecisionChange(
                now.case_number,
                now.program,
                then.outcome,
                now.outcome,
                _label(then),
                _label(now),
                _rule_changes(then, now),
            )
        )
    return tuple(changes)


def _label(decision: Decision) -> str:
    return f"{decision.program_version}@{decision.program_digest[:12]}"


def _rule_changes(then: Decision, now: Decision) -> tuple[RuleChange, ...]:
    old = {r.rule: r for r in then.results}
    new = {r.rule: r for r in now.results}
    changes = []
    for rule in [*new, *(name for name in old if name not in new)]:
        was, is_ = old.get(rule), new.get(rule)
        if was is not None and is_ is not None:
            if was.passed != is_.passed:
                changes.append(RuleChange(rule, was.passed, is_.passed, is_.read_out()))
        elif is_ is not None:
            changes.append(RuleChange(rule, None, is_.passed, is_.read_out()))
        elif was is not None:
            changes.append(RuleChange(rule, was.passed, None, was.read_out()))
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class Screening:
    """The result of screening many cases: every decision, and the outcome changes against the
    previous decisions given."""

    decisions: tuple[Decision, ...]
    changes: tuple[DecisionChange, ...]
    first_screened: tuple[str, ...]  # case numbers with no previous decision

    def counts(self) -> Mapping[Outcome, int]:
        return Counter(d.outcome for d in self.decisions)


def screen_cases(
    cases: Iterable[CaseFacts],
    programs: Mapping[str, ProgramDefinition],
    *,
    previous: Mapping[str, Decision] | None = None,
) -> Screening:
    """Screen each case under its own program (`case.program`) and compare with `previous`
    decisions by case number. NotFound if a case names a program that is not loaded."""
    previous = previous or {}
    decisions = []
    for facts in cases:
        program = programs.get(facts.case.program)
        if program is None:
            raise NotFound(f"case {facts.case.number}: program {facts.case.program} is not defined")
        decisions.append(screen(facts, program))
    first = tuple(d.case_number for d in decisions if d.case_number not in previous)
    changes = diff_decisions(previous.values(), decisions)
    return Screening(tuple(decisions), changes, first)
