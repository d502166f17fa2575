"""Eligibility: programs as data files, rule evaluation with reasons, order of precedence,
priority score and quotas. Pure functions over `CaseFacts`; storage and the `refuge screen`
command build on them."""

from refuge.eligibility.conditions import OPERATORS, Condition
from refuge.eligibility.facts import FACTS, CaseFacts, Fact, FactKind, FactScope, SivStep
from refuge.eligibility.precedence import (
    Category,
    PrecedenceOrder,
    Priority,
    ScoreTerm,
    ScoreWeight,
    load_precedence,
    prioritise,
    shipped_precedence,
)
from refuge.eligibility.programs import (
    ProgramDefinition,
    Quota,
    QuotaUnit,
    Rule,
    RuleEffect,
    load_program,
    load_programs,
    shipped_programs,
)
from refuge.eligibility.quotas import Allocation, Placement, QuotaLedger, QuotaUsage, allocate
from refuge.eligibility.screening import (
    Decision,
    DecisionChange,
    Outcome,
    RuleChange,
    RuleResult,
    Screening,
    diff_decisions,
    screen,
    screen_cases,
)

__all__ = [
    "FACTS",
    "OPERATORS",
    "Allocation",
    "CaseFacts",
    "Category",
    "Condition",
    "Decision",
    "DecisionChange",
    "Fact",
    "FactKind",
    "FactScope",
    "Outcome",
    "Placement",
    "PrecedenceOrder",
    "Priority",
    "ProgramDefinition",
    "Quota",
    "QuotaLedger",
    "QuotaUnit",
    "QuotaUsage",
    "Rule",
    "RuleChange",
    "RuleEffect",
    "RuleResult",
    "ScoreTerm",
    "ScoreWeight",
    "Screening",
    "SivStep",
    "allocate",
    "diff_decisions",
    "load_precedence",
    "load_program",
    "load_programs",
    "prioritise",
    "screen",
    "screen_cases",
    "shipped_precedence",
    "shipped_programs",
]
