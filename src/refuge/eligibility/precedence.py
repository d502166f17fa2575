"""Order of evacuation precedence and the priority score inside each category, both read from a
data file: which category a case falls in (first that applies), and its score term by term."""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from refuge.eligibility.conditions import Check, Condition
from refuge.eligibility.datafile import read_data_file, validation_problems
from refuge.eligibility.facts import FACTS, CaseFacts, FactKind, FactScope
from refuge.eligibility.programs import Quota

__all__ = [
    "Category",
    "PrecedenceOrder",
    "Priority",
    "ScoreTerm",
    "ScoreWeight",
    "load_precedence",
    "prioritise",
    "shipped_precedence",
]

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Words = Annotated[str, Field(min_length=1, max_length=1000)]


class _CategorySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    name: Words
    when: Condition | None = None  # left out: every case not taken by an earlier category
    quota: Quota | None = None


class ScoreWeight(BaseModel):
    """One term of the priority score.

    Numbers score value × weight (the value capped at `cap` if given); an ordered fact scores its
    position in the order × weight; a yes/no fact scores weight when yes; a set of words scores
    the sum of `points` of the words present, or weight per word; a word scores its `points`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Code
    label: Words
    fact: str
    weight: float | None = None
    cap: Annotated[int, Field(ge=0, strict=True)] | None = None
    points: dict[str, float] | None = None

    @model_validator(mode="after")
    def _fits_fact(self) -> ScoreWeight:
        fact = FACTS.get(self.fact)
        if fact is None:
            raise ValueError(f"unknown fact {self.fact!r}; known facts: {', '.join(FACTS)}")
        if fact.scope is not FactScope.CASE:
            raise ValueError(f"{self.fact} is about one member; a score uses facts of the case")
        if (self.weight is None) == (self.points is None):
            raise ValueError("give either weight or points, not both")
        if any(not math.isfinite(v) for v in [*(self.points or {}).values(), self.weight or 0.0]):
            raise ValueError("weights and points must be finite numbers")
        if self.points is not None:
            if fact.kind not in (FactKind.TEXT, FactKind.ORDINAL, FactKind.SET):
                raise ValueError(f"points apply to words; {self.fact} is a {fact.kind} fact")
            unknown = [w for w in self.points if fact.choices and w not in fact.choices]
            if unknown:
                raise ValueError(f"{', '.join(unknown)} not values of {self.fact}")
        elif fact.kind is FactKind.TEXT:
            raise ValueError(f"{self.fact} holds a word: score it with points per word")
        if self.cap is not None and fact.kind is not FactKind.NUMBER:
            raise ValueError("cap applies to number facts only")
        return self


class _PrecedenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._+-]+$")]
    description: str = ""
    categories: list[_CategorySpec] = Field(min_length=1)
    score: list[ScoreWeight] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Category:
    """A category of evacuation precedence; `rank` 1 goes first."""

    code: str
    name: str
    rank: int
    condition: Condition | None
    check: Check | None
    quota: Quota | None

    def describe(self) -> str:
        return self.condition.describe() if self.condition is not None else "every other case"


@dataclass(frozen=True, slots=True)
class PrecedenceOrder:
    version: str
    digest: str
    categories: tuple[Category, ...]
    score: tuple[ScoreWeight, ...]
    source: str

    def category(self, code: str) -> Category:
        return next(c for c in self.categories if c.code == code)


@dataclass(frozen=True, slots=True)
class ScoreTerm:
    """One term of a priority score: what was seen and the points it gave."""

    id: str
    label: str
    seen: str  # e.g. "4 × 10", "journalist 6 + activist 4", "not recorded"
    points: float

    def read_out(self) -> str:
        return f"{self.label}: {self.seen} = {self.points:g}"


@dataclass(frozen=True, slots=True)
class Priority:
    """Where a case stands: its precedence category (and why) and its score inside it."""

    case_number: str
    category: str
    rank: int  # the category's rank: 1 first; one past the last when no category applies
    category_name: str
    terms: tuple[ScoreTerm, ...]

    @property
    def score(self) -> float:
        # The total is the sum of the terms shown, so the explanation always adds up.
        return math.fsum(term.points for term in self.terms)

    def read_out(self) -> list[str]:
        lines = [f"Category {self.rank}: {self.category_name}"]
        lines += [term.read_out() for term in self.terms]
        lines.append(f"Score: {self.score:g}")
        return lines


UNCATEGORISED = "uncategorised"


def prioritise(facts: CaseFacts, order: PrecedenceOrder) -> Priority:
    """The case's precedence category (the first whose condition holds; an unknown fact does not
    qualify) and its priority score, term by term."""
    category = next(
        (c for c in order.categories if c.check is None or c.check(facts, None) is True), None
    )
    terms = tuple(_term(weight, facts) for weight in order.score)
    if category is None:
        rank = len(order.categories) + 1
        return Priority(facts.case.number, UNCATEGORISED, rank, "no category applies", terms)
    return Priority(facts.case.number, category.code, category.rank, category.name, terms)


def _term(weight: ScoreWeight, facts: CaseFacts) -> ScoreTerm:
    fact = FACTS[weight.fact]
    value = fact.get(facts, None)
    if value is None:
        return ScoreTerm(weight.id, weight.label, "not recorded", 0.0)
    if weight.points is not None:
        words = sorted(value) if isinstance(value, frozenset) else [str(value)]
        scored = [(w, weight.points[w]) for w in words if w in weight.points]
        if not scored:
            return ScoreTerm(weight.id, weight.label, "none that scores", 0.0)
        seen = " + ".join(f"{w} {p:g}" for w, p in scored)
        return ScoreTerm(weight.id, weight.label, seen, math.fsum(p for _, p in scored))
    factor = weight.weight if weight.weight is not None else 0.0
    if isinstance(value, bool):
        return ScoreTerm(weight.id, weight.label, "yes" if value else "no", factor * value)
    if isinstance(value, frozenset):
        count = len(value)
        return ScoreTerm(weight.id, weight.label, f"{count} × {factor:g}", count * factor)
    if isinstance(value, str):  # an ordinal: its position in the order
        position = fact.choices.index(value)
        seen = f"{value} (step {position}) × {factor:g}"
        return ScoreTerm(weight.id, weight.label, seen, position * factor)
    capped = min(value, weight.cap) if weight.cap is not None else value
    shown = f"{capped} (capped from {value})" if capped != value else str(value)
    return ScoreTerm(weight.id, weight.label, f"{shown} × {factor:g}", capped * factor)


def load_precedence(path: Path, text: str | None = None) -> PrecedenceOrder:
    """Load the order of precedence and score weights; InvalidConfiguration names the file, line
    and path of each problem."""
    source = read_data_file(path, text)
    try:
        spec = _PrecedenceFile.model_validate(source.data)
    except ValidationError as exc:
        raise source.fail(validation_problems(source, exc)) from exc
    problems = []
    seen: set[str] = set()
    for i, category in enumerate(spec.categories):
        if category.code in seen or category.code == UNCATEGORISED:
            problems.append(
                source.problem(("categories", i, "code"), f"category {category.code!r} repeated")
            )
        seen.add(category.code)
        if category.when is not None:
            for loc, message in category.when.scope_problems(("categories", i, "when"), False):
                problems.append(source.problem(loc, message))
        if category.when is None and i != len(spec.categories) - 1:
            problems.append(
                source.problem(("categories", i), "only the last category may leave out `when`")
            )
    ids = [w.id for w in spec.score]
    for i, term in enumerate(spec.score):
        if ids.count(term.id) > 1:
            problems.append(source.problem(("score", i, "id"), f"score term {term.id!r} repeated"))
    if problems:
        raise source.fail(problems)
    categories = tuple(
        Category(
            c.code,
            c.name,
            rank,
            c.when,
            c.when.compile() if c.when is not None else None,
            c.quota,
        )
        for rank, c in enumerate(spec.categories, start=1)
    )
    return PrecedenceOrder(spec.version, source.digest, categories, tuple(spec.score), source.name)


def shipped_precedence() -> PrecedenceOrder:
    """The order of precedence that ships with Refuge (`precedence.yaml` in this package)."""
    with resources.as_file(resources.files("refuge.eligibility") / "precedence.yaml") as path:
        return load_precedence(path)
