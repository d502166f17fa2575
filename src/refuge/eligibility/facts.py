"""What eligibility rules may look at: the facts of one case, and the catalogue of named facts
that program files refer to, each with its kind, its wording and how to read it from a case."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from refuge.domain import Case, Household, HouseholdMember, InvalidInput, Relationship, Sex

__all__ = [
    "FACTS",
    "CaseFacts",
    "Fact",
    "FactKind",
    "FactScope",
    "FactValue",
    "SivStep",
]

FactValue = int | str | bool | frozenset[str] | None


class SivStep(enum.StrEnum):
    """Steps of the Special Immigrant Visa process, in the order an applicant reaches them."""

    COM_APPLIED = "com-applied"  # Chief of Mission application submitted
    COM_APPROVED = "com-approved"  # Chief of Mission approval granted
    I360_FILED = "i360-filed"  # I-360 petition filed
    I360_APPROVED = "i360-approved"  # I-360 petition approved
    INTERVIEWED = "interviewed"  # visa interview held
    VISA_ISSUED = "visa-issued"


THREAT_LEVELS = range(0, 6)  # 0 none known … 5 named on a list, credible threat to life
MEDICAL_NEEDS = range(0, 4)  # 0 none … 3 urgent care needed within days


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything screening may know about one case, on the day it is screened.

    The case and household come from the store; the rest are program-specific facts recorded by
    case officers or submitted by partner organisations. Unknown facts stay None: rules treat them
    as unknown rather than guessing, and a rule that cannot be decided fails.
    """

    case: Case
    household: Household
    on: dt.date  # the day of screening: document validity, ages and waiting time are taken on it
    registered_on: dt.date | None = None
    siv_step: SivStep | None = None
    employer: str | None = None
    role: str | None = None
    employment_months: int | None = None
    vulnerabilities: frozenset[str] = frozenset()
    threat_level: int | None = None
    medical_need: int | None = None
    referral: str | None = None
    accepted_by: frozenset[str] = frozenset()  # partner states that agreed to carry the household
    # person id -> states in which that person is a lawful permanent resident
    permanent_residence: Mapping[uuid.UUID, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        number = self.case.number
        if isinstance(self.on, dt.datetime):
            raise InvalidInput(f"case {number}: the screening day must be a date, not a time")
        if self.case.household_id != self.household.id:
            raise InvalidInput(f"case {number}: facts joined to another case's household")
        if self.threat_level is not None and self.threat_level not in THREAT_LEVELS:
            raise InvalidInput(f"case {number}: threat level must be 0 to 5")
        if self.medical_need is not None and self.medical_need not in MEDICAL_NEEDS:
            raise InvalidInput(f"case {number}: medical need must be 0 to 3")
        if self.employment_months is not None and self.employment_months < 0:
            raise InvalidInput(f"case {number}: months of employment cannot be negative")
        if self.registered_on is not None and self.registered_on > self.on:
            raise InvalidInput(f"case {number}: registered after the screening day")

    @property
    def principal(self) -> HouseholdMember:
        return next(m for m in self.household.members if m.relationship is Relationship.PRINCIPAL)

    def residence_of(self, member: HouseholdMember) -> frozenset[str]:
        return self.permanent_residence.get(member.person.id, frozenset())


class FactKind(enum.StrEnum):
    NUMBER = "number"  # whole numbers: compared with eq, ne, lt, le, gt, ge, in, not_in
    TEXT = "text"  # a word: eq, ne, in, not_in
    ORDINAL = "ordinal"  # a word from an ordered list: as text, plus lt, le, gt, ge by position
    FLAG = "flag"  # yes or no: eq, ne
    SET = "set"  # a set of words: contains, any_of, all_in


class FactScope(enum.StrEnum):
    CASE = "case"  # one value per case
    MEMBER = "member"  # one value per household member: only inside member conditions


Getter = Callable[[CaseFacts, HouseholdMember | None], FactValue]


@dataclass(frozen=True, slots=True)
class Fact:
    """A named fact program files may use. `choices` lists the allowed words (in order, for an
    ordinal); empty means any word."""

    name: str
    kind: FactKind
    scope: FactScope
    label: str
    get: Getter
    choices: tuple[str, ...] = ()


def _member(member: HouseholdMember | None) -> HouseholdMember:
    if member is None:  # load-time scope checks make this unreachable from a program file
        raise InvalidInput("a member fact was read outside a member condition")
    return member


def _age(facts: CaseFacts, member: HouseholdMember) -> int | None:
    return member.person.date_of_birth.age_on(facts.on)


def _days_waiting(facts: CaseFacts) -> int | None:
    return None if facts.registered_on is None else (facts.on - facts.registered_on).days


_SEXES = tuple(s.value for s in Sex)
_RELATIONSHIPS = tuple(r.value for r in Relationship)

_ALL: tuple[Fact, ...] = (
    Fact("case.program", FactKind.TEXT, FactScope.CASE, "the case's program",
         lambda f, _m: f.case.program),
    Fact("case.organisation", FactKind.TEXT, FactScope.CASE,
         "the organisation that submitted the case", lambda f, _m: f.case.organisation),
    Fact("household.size", FactKind.NUMBER, FactScope.CASE, "the number of people in the household",
         lambda f, _m: f.household.size),
    Fact("principal.age", FactKind.NUMBER, FactScope.CASE, "the principal applicant's age",
         lambda f, _m: _age(f, f.principal)),
    Fact("principal.sex", FactKind.TEXT, FactScope.CASE, "the principal applicant's sex",
         lambda f, _m: f.principal.person.sex.value, _SEXES),
    Fact("principal.nationalities", FactKind.SET, FactScope.CASE,
         "the principal applicant's nationalities",
         lambda f, _m: frozenset(f.principal.person.nationalities)),
    Fact("principal.permanent_residence", FactKind.SET, FactScope.CASE,
         "the states where the principal applicant is a lawful permanent resident",
         lambda f, _m: f.residence_of(f.principal)),
    Fact("siv.step", FactKind.ORDINAL, FactScope.CASE, "the Special Immigrant Visa step reached",
         lambda f, _m: None if f.siv_step is None else f.siv_step.value,
         tuple(s.value for s in SivStep)),
    Fact("employment.employer", FactKind.TEXT, FactScope.CASE, "the principal applicant's employer",
         lambda f, _m: f.employer),
    Fact("employment.role", FactKind.TEXT, FactScope.CASE, "the principal applicant's role",
         lambda f, _m: f.role),
    Fact("employment.months", FactKind.NUMBER, FactScope.CASE, "months of qualifying employment",
         lambda f, _m: f.employment_months),
    Fact("vulnerabilities", FactKind.SET, FactScope.CASE, "the risk categories the case falls in",
         lambda f, _m: f.vulnerabilities),
    Fact("threat_level", FactKind.NUMBER, FactScope.CASE, "the assessed threat level (0 to 5)",
         lambda f, _m: f.threat_level),
    Fact("medical_need", FactKind.NUMBER, FactScope.CASE, "the medical need (0 to 3)",
         lambda f, _m: f.medical_need),
    Fact("days_waiting", FactKind.NUMBER, FactScope.CASE, "the days since the case was registered",
         lambda f, _m: _days_waiting(f)),
    Fact("referral", FactKind.TEXT, FactScope.CASE, "who referred the case",
         lambda f, _m: f.referral),
    Fact("partner.accepted_by", FactKind.SET, FactScope.CASE,
         "the partner states that agreed to carry the household",
         lambda f, _m: f.accepted_by),
    Fact("member.relationship", FactKind.TEXT, FactScope.MEMBER,
         "the member's relationship to the principal applicant",
         lambda _f, m: _member(m).relationship.value, _RELATIONSHIPS),
    Fact("member.age", FactKind.NUMBER, FactScope.MEMBER, "the member's age",
         lambda f, m: _age(f, _member(m))),
    Fact("member.sex", FactKind.TEXT, FactScope.MEMBER, "the member's sex",
         lambda _f, m: _member(m).person.sex.value, _SEXES),
    Fact("member.nationalities", FactKind.SET, FactScope.MEMBER, "the member's nationalities",
         lambda _f, m: frozenset(_member(m).person.nationalities)),
    Fact("member.permanent_residence", FactKind.SET, FactScope.MEMBER,
         "the states where the member is a lawful permanent resident",
         lambda f, m: f.residence_of(_member(m))),
)  # fmt: skip

FACTS: Mapping[str, Fact] = MappingProxyType({fact.name: fact for fact in _ALL})
