"""The condition language of program files: all/any/not, comparisons of named facts with values,
document checks and household member quantifiers, validated as data and compiled to plain
functions. Nothing in a program file is ever executed as code."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)

from refuge.domain import DocumentKind, HouseholdMember, Person
from refuge.eligibility.facts import FACTS, CaseFacts, Fact, FactKind, FactScope, FactValue

__all__ = [
    "OPERATORS",
    "AllOf",
    "AnyMember",
    "AnyOf",
    "Check",
    "Compare",
    "Condition",
    "CountMembers",
    "EveryMember",
    "HasDocument",
    "Not",
]

# A compiled condition: True, False, or None when a fact it needs is not known.
Check = Callable[[CaseFacts, HouseholdMember | None], bool | None]
Scalar = int | str | bool

_LIST_OPS = frozenset({"in", "not_in", "any_of", "all_in"})
_ORDER_OPS = frozenset({"lt", "le", "gt", "ge"})

OPERATORS: Mapping[FactKind, tuple[str, ...]] = MappingProxyType(
    {
        FactKind.NUMBER: ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"),
        FactKind.TEXT: ("eq", "ne", "in", "not_in"),
        FactKind.ORDINAL: ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"),
        FactKind.FLAG: ("eq", "ne"),
        FactKind.SET: ("contains", "any_of", "all_in"),
    }
)

_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is less than",
    "le": "is at most",
    "gt": "is more than",
    "ge": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "includes",
    "any_of": "includes any of",
    "all_in": "includes nothing but",
}

_COUNT_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
_NUMERIC: dict[str, Callable[[int, int], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @abstractmethod
    def compile(self) -> Check:
        """The condition as a plain function of a case (and a member, inside member conditions)."""

    @abstractmethod
    def describe(self) -> str:
        """The condition in words, naming facts and values from the file, never case data."""

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        """Sub-conditions with their path below this node."""
        return iter(())

    def facts_used(self) -> set[str]:
        used: set[str] = set()
        for _, child in self.children():
            used |= child.facts_used()
        return used

    def scope_problems(
        self, path: tuple[str | int, ...], in_member: bool
    ) -> list[tuple[tuple[str | int, ...], str]]:
        """Facts used where they mean nothing: a member's fact outside a member condition, or a
        member condition nested in another."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for sub, child in self.children():
            problems += child.scope_problems(path + sub, in_member)
        return problems


def _fact(name: str) -> Fact:
    return FACTS[name]


class Compare(_Node):
    """`{fact: threat_level, op: ge, value: 3}`: a named fact against a value from the file."""

    fact: str
    op: str
    value: Any

    @field_validator("fact")
    @classmethod
    def _known_fact(cls, name: str) -> str:
        if name not in FACTS:
            raise ValueError(f"unknown fact {name!r}; known facts: {', '.join(FACTS)}")
        return name

    @field_validator("op")
    @classmethod
    def _known_operator(cls, op: str, info: ValidationInfo) -> str:
        name = info.data.get("fact")
        if name is None:  # the fact was wrong; that error is reported already
            return op
        allowed = OPERATORS[_fact(name).kind]
        if op not in _WORDS:
            raise ValueError(f"unknown operator {op!r}; {name} takes one of: {', '.join(allowed)}")
        if op not in allowed:
            raise ValueError(
                f"operator {op!r} does not apply to {name} ({_fact(name).kind} fact); "
                f"use one of: {', '.join(allowed)}"
            )
        return op

    @field_validator("value")
    @classmethod
    def _value_fits(cls, value: Any, info: ValidationInfo) -> Any:
        name, op = info.data.get("fact"), info.data.get("op")
        if name is None or op is None:
            return value
        fact = _fact(name)
        if op in _LIST_OPS:
            if not isinstance(value, list) or not value:
                raise ValueError(f"operator {op} needs a non-empty list of values")
            return tuple(_scalar(fact, item, op) for item in value)
        return _scalar(fact, value, op)

    def compile(self) -> Check:
        fact = _fact(self.fact)
        get = fact.get
        compare = _comparison(fact, self.op, self.value)

        def check(facts: CaseFacts, member: HouseholdMember | None) -> bool | None:
            found = get(facts, member)
            return None if found is None else compare(found)

        return check

    def describe(self) -> str:
        fact = _fact(self.fact)
        value = (
            ", ".join(str(v) for v in self.value)
            if isinstance(self.value, tuple)
            else str(self.value)
        )
        return f"{fact.label} {_WORDS[self.op]} {value}"

    def facts_used(self) -> set[str]:
        return {self.fact}

    def scope_problems(
        self, path: tuple[str | int, ...], in_member: bool
    ) -> list[tuple[tuple[str | int, ...], str]]:
        if _fact(self.fact).scope is FactScope.MEMBER and not in_member:
            return [
                (
                    (*path, "fact"),
                    f"{self.fact} is about one household member: use it inside any_member, "
                    "every_member or count_members",
                )
            ]
        return []


def _scalar(fact: Fact, value: Any, op: str) -> Scalar:
    # bool is an int in Python; a YAML `yes` must not pass for the number 1.
    if fact.kind is FactKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{fact.name} is a number; the value must be a whole number")
        return value
    if fact.kind is FactKind.FLAG:
        if not isinstance(value, bool):
            raise ValueError(f"{fact.name} is yes or no; the value must be true or false")
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"{fact.name} holds words; the value must be text (quote words YAML would read as "
            "true, false, numbers or dates)"
        )
    if fact.choices and value not in fact.choices:
        raise ValueError(f"{value!r} is not a value of {fact.name}; use one of: "
                         f"{', '.join(fact.choices)}")  # fmt: skip
    if op in _ORDER_OPS and fact.kind is not FactKind.ORDINAL:
        raise ValueError(f"operator {op} needs an ordered fact")
    return value


def _comparison(fact: Fact, op: str, value: Any) -> Callable[[FactValue], bool]:
    if fact.kind is FactKind.SET:
        wanted = frozenset(value) if isinstance(value, tuple) else frozenset({value})
        if op == "contains":
            return lambda found: isinstance(found, frozenset) and wanted <= found
        if op == "any_of":
            return lambda found: isinstance(found, frozenset) and not wanted.isdisjoint(found)
        return lambda found: isinstance(found, frozenset) and found <= wanted
    if op == "in":
        members = frozenset(value)
        return lambda found: found in members
    if op == "not_in":
        excluded = frozenset(value)
        return lambda found: found not in excluded
    if op == "eq":
        return lambda found: found == value
    if op == "ne":
        return lambda found: found != value
    order = _NUMERIC[op]
    if fact.kind is FactKind.ORDINAL:
        rank = {choice: i for i, choice in enumerate(fact.choices)}
        bound = rank[value]
        return lambda found: isinstance(found, str) and order(rank[found], bound)
    return lambda found: isinstance(found, int) and order(found, value)


class AllOf(_Node):
    """`{all: [...]}`: every condition holds."""

    all: list[Condition] = Field(min_length=1)

    def compile(self) -> Check:
        checks = [c.compile() for c in self.all]

        def check(facts: CaseFacts, member: HouseholdMember | None) -> bool | None:
            unknown = False
            for part in checks:
                result = part(facts, member)
                if result is False:
                    return False
                unknown = unknown or result is None
            return None if unknown else True

        return check

    def describe(self) -> str:
        return "all of (" + "; ".join(c.describe() for c in self.all) + ")"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        return ((("all", i), c) for i, c in enumerate(self.all))


class AnyOf(_Node):
    """`{any: [...]}`: at least one condition holds."""

    any: list[Condition] = Field(min_length=1)

    def compile(self) -> Check:
        checks = [c.compile() for c in self.any]

        def check(facts: CaseFacts, member: HouseholdMember | None) -> bool | None:
            unknown = False
            for part in checks:
                result = part(facts, member)
                if result is True:
                    return True
                unknown = unknown or result is None
            return None if unknown else False

        return check

    def describe(self) -> str:
        return "any of (" + "; ".join(c.describe() for c in self.any) + ")"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        return ((("any", i), c) for i, c in enumerate(self.any))


class Not(_Node):
    """`{not: ...}`: the condition does not hold (and stays unknown if it is unknown)."""

    not_: Condition = Field(alias="not")

    def compile(self) -> Check:
        inner = self.not_.compile()

        def check(facts: CaseFacts, member: HouseholdMember | None) -> bool | None:
            result = inner(facts, member)
            return None if result is None else not result

        return check

    def describe(self) -> str:
        return f"not ({self.not_.describe()})"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        return iter(((("not",), self.not_),))


class DocumentNeed(BaseModel):
    """Which document: its kind (or kinds), optionally who issued it, valid on which day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind | list[DocumentKind]
    issued_by: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = Field(default_factory=list)
    valid_on: Literal["screening"] | dt.date = "screening"

    @field_validator("valid_on", mode="before")
    @classmethod
    def _no_times(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise ValueError("valid_on is a day (YYYY-MM-DD) or 'screening'")
        return value

    @property
    def kinds(self) -> frozenset[DocumentKind]:
        return frozenset(self.kind) if isinstance(self.kind, list) else frozenset({self.kind})


class HasDocument(_Node):
    """`{has_document: {kind: passport}}`: the principal applicant (or, inside a member condition,
    the member) holds such a document, not expired on the screening day or the day given."""

    has_document: DocumentNeed

    def compile(self) -> Check:
        need = self.has_document
        kinds, issuers, fixed = need.kinds, frozenset(need.issued_by), need.valid_on

        def holds(person: Person, day: dt.date) -> bool:
            return any(
                doc.kind in kinds
                and (not issuers or doc.issuing_state in issuers)
                and not doc.expired_on(day)
                for doc in person.documents
            )

        def check(facts: CaseFacts, member: HouseholdMember | None) -> bool:
            holder = member if member is not None else facts.principal
            return holds(holder.person, facts.on if isinstance(fixed, str) else fixed)

        return check

    def describe(self) -> str:
        need = self.has_document
        kinds = " or ".join(sorted(k.value for k in need.kinds))
        issuers = f" issued by {', '.join(need.issued_by)}" if need.issued_by else ""
        day = "the screening day" if need.valid_on == "screening" else str(need.valid_on)
        return f"holds a {kinds}{issuers} valid on {day}"


class _MemberQuantifier(_Node):
    def scope_problems(
        self, path: tuple[str | int, ...], in_member: bool
    ) -> list[tuple[tuple[str | int, ...], str]]:
        if in_member:
            return [(path, "member conditions cannot be nested inside each other")]
        return super().scope_problems(path, True)


def _members(inner: Check, facts: CaseFacts) -> Iterator[bool | None]:
    return (inner(facts, m) for m in facts.household.members)


class AnyMember(_MemberQuantifier):
    """`{any_member: ...}`: the condition holds for at least one household member."""

    any_member: Condition

    def compile(self) -> Check:
        inner = self.any_member.compile()

        def check(facts: CaseFacts, _member: HouseholdMember | None) -> bool | None:
            results = list(_members(inner, facts))
            if True in results:
                return True
            return None if None in results else False

        return check

    def describe(self) -> str:
        return f"some household member: {self.any_member.describe()}"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        return iter(((("any_member",), self.any_member),))


class EveryMember(_MemberQuantifier):
    """`{every_member: ...}`: the condition holds for every household member."""

    every_member: Condition

    def compile(self) -> Check:
        inner = self.every_member.compile()

        def check(facts: CaseFacts, _member: HouseholdMember | None) -> bool | None:
            results = list(_members(inner, facts))
            if False in results:
                return False
            return None if None in results else True

        return check

    def describe(self) -> str:
        return f"every household member: {self.every_member.describe()}"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        return iter(((("every_member",), self.every_member),))


class MemberCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    where: Condition | None = None
    op: Literal["eq", "ne", "lt", "le", "gt", "ge"]
    value: Annotated[int, Field(ge=0, strict=True)]


class CountMembers(_MemberQuantifier):
    """`{count_members: {where: ..., op: le, value: 8}}`: how many members meet `where` (all of
    them if it is left out), compared with a number."""

    count_members: MemberCount

    def compile(self) -> Check:
        spec = self.count_members
        inner = spec.where.compile() if spec.where is not None else None
        test, bound = _NUMERIC[spec.op], spec.value

        def check(facts: CaseFacts, _member: HouseholdMember | None) -> bool | None:
            if inner is None:
                return test(facts.household.size, bound)
            results = list(_members(inner, facts))
            low = results.count(True)
            high = low + results.count(None)
            # Unknown members could go either way: decided only if every possible count agrees.
            outcomes = {test(n, bound) for n in range(low, high + 1)}
            return outcomes.pop() if len(outcomes) == 1 else None

        return check

    def describe(self) -> str:
        spec = self.count_members
        which = f" where {spec.where.describe()}" if spec.where is not None else ""
        return f"the number of household members{which} {_WORDS[spec.op]} {spec.value}"

    def children(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        where = self.count_members.where
        return iter(((("count_members", "where"), where),)) if where is not None else iter(())


_KEYS = {
    "fact": "compare",
    "all": "all-of",
    "any": "any-of",
    "not": "negation",
    "has_document": "document",
    "any_member": "some-member",
    "every_member": "each-member",
    "count_members": "member-count",
}


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, _Node):
        return _TAGS[type(value)]
    if isinstance(value, dict):
        return next((tag for key, tag in _KEYS.items() if key in value), None)
    return None


_TAGS: dict[type[_Node], str] = {
    Compare: "compare",
    AllOf: "all-of",
    AnyOf: "any-of",
    Not: "negation",
    HasDocument: "document",
    AnyMember: "some-member",
    EveryMember: "each-member",
    CountMembers: "member-count",
}

Condition = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[AllOf, Tag("all-of")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[Not, Tag("negation")]
    | Annotated[HasDocument, Tag("document")]
    | Annotated[AnyMember, Tag("some-member")]
    | Annotated[EveryMember, Tag("each-member")]
    | Annotated[CountMembers, Tag("member-count")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with one of: fact (with op and value), all, any, not, "
            "has_document, any_member, every_member, count_members"
        ),
    ),
]

for _model in (AllOf, AnyOf, Not, AnyMember, EveryMember, MemberCount, CountMembers):
    _model.model_rebuild()
