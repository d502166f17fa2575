"""The true households of a synthetic operation: programs, sizes and make-up, ages consistent
with relationships, names, partial dates of birth, documents and phones. Each household is
made from its own seeded generator, so any one can be rebuilt alone, in any order."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.domain import (
    Document,
    Household,
    HouseholdMember,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Script,
    Sex,
)
from refuge.scenario.documents import make_passport, make_phone, make_tazkira, make_visa
from refuge.scenario.names import FEMININE_FAMILY_ENDINGS, AfghanName, NameBook
from refuge.scenario.randomness import seeded

__all__ = [
    "OPERATION_DAY",
    "PROGRAMS",
    "VULNERABILITIES",
    "HouseholdPlan",
    "HouseholdTruth",
    "OrganisationChooser",
    "TruePerson",
    "make_household",
    "plan_households",
]

# The day ages and document validity are reckoned from (the fall of Kabul).
OPERATION_DAY = dt.date(2021, 8, 15)

PROGRAMS: tuple[Program, ...] = (
    Program("citizens", "Citizens and permanent residents of partner nations, with family", 1),
    Program("partner-tcn", "Partner-nation and third-country nationals", 2),
    Program("siv", "Special Immigrant Visa applicants in the pipeline, with family", 3),
    Program("humanitarian-p", "People at risk: women leaders, journalists, activists", 4),
    Program("resettlement-partner", "Partner nations' resettlement of former local staff", 5),
)
# Share of households per program.
PROGRAM_SHARES: Mapping[str, float] = {
    "citizens": 0.07,
    "partner-tcn": 0.10,
    "siv": 0.40,
    "humanitarian-p": 0.24,
    "resettlement-partner": 0.19,
}
# Household size weights, sizes 1, 2, 3, ... Afghan households average about 7; third-country
# nationals mostly travel alone.
AFGHAN_SIZES: Sequence[float] = (3, 4, 6, 8, 10, 11, 12, 11, 10, 8, 6, 4, 3, 2, 1, 1)
TCN_SIZES: Sequence[float] = (55, 15, 10, 9, 6, 3, 2)

VULNERABILITIES: tuple[str, ...] = (
    "woman_leader",
    "journalist",
    "human_rights_defender",
    "minority_high_risk",
    "judge_or_prosecutor",
    "female_headed_household",
    "medical_need",
    "disability",
    "elderly_dependant",
)
# The one reason a humanitarian-p household is at risk, with its weight.
AT_RISK_REASONS: Mapping[str, float] = {
    "woman_leader": 0.25,
    "journalist": 0.2,
    "human_rights_defender": 0.2,
    "minority_high_risk": 0.15,
    "judge_or_prosecutor": 0.08,
    "female_headed_household": 0.12,
}
# Third-country nationals by weight (partner-tcn), and citizenships of the citizens program.
TCN_NATIONALITIES: Mapping[str, float] = {
    "UKR": 14, "RUS": 8, "BLR": 4, "KAZ": 5, "KGZ": 10, "TJK": 12, "UZB": 12, "TUR": 8,
    "IND": 8, "PHL": 7, "GEO": 4, "GBR": 4, "USA": 2, "CAN": 2,
}  # fmt: skip
CITIZENSHIPS: Mapping[str, float] = {"USA": 60, "GBR": 15, "CAN": 15, "DEU": 10}

# Precision of the true date of birth: full, 1 January (what registries write for a year),
# year only, year and month, unknown. Afghan adults' dates are the least known.
DOB_PRECISION_ADULT: Mapping[str, float] = {
    "full": 0.25, "jan1": 0.32, "year": 0.28, "year_month": 0.03, "unknown": 0.12,
}  # fmt: skip
DOB_PRECISION_CHILD: Mapping[str, float] = {
    "full": 0.45, "jan1": 0.2, "year": 0.25, "year_month": 0.03, "unknown": 0.07,
}  # fmt: skip
DOB_PRECISION_FOREIGN: Mapping[str, float] = {"full": 0.97, "jan1": 0.03}


@dataclass(frozen=True, slots=True)
class TruePerson:
    """A member of a true household, with what lists need beyond the domain person."""

    person: Person
    relationship: Relationship
    given: AfghanName  # Latin and Perso-Arabic (empty for non-Afghan names)
    family: AfghanName
    father: AfghanName  # father's given name, which Afghan lists often carry
    nationality: str  # the one lists usually give first

    @property
    def age(self) -> int | None:
        return self.person.date_of_birth.age_on(OPERATION_DAY)


@dataclass(frozen=True, slots=True)
class HouseholdTruth:
    """One true household, its program, why it is at risk, and the organisations listing it
    (the sponsor first)."""

    index: int
    household: Household
    program: str
    vulnerabilities: tuple[str, ...]
    organisations: tuple[str, ...]
    members: tuple[TruePerson, ...]

    @property
    def sponsor(self) -> str:
        return self.organisations[0]


@dataclass(frozen=True, slots=True)
class HouseholdPlan:
    """Sizes and programs of all households, drawn up front (a few bytes each)."""

    sizes: array[int]
    programs: array[int]  # index into PROGRAMS

    def __len__(self) -> int:
        return len(self.sizes)


def plan_households(people: int, seed: int) -> HouseholdPlan:
    rng = seeded(seed, "plan")
    codes = [program.code for program in PROGRAMS]
    shares = [PROGRAM_SHARES[code] for code in codes]
    afghan = list(range(1, len(AFGHAN_SIZES) + 1))
    tcn = list(range(1, len(TCN_SIZES) + 1))
    sizes: array[int] = array("H")
    programs: array[int] = array("B")
    left = people
    while left > 0:
        program = rng.choices(range(len(codes)), weights=shares)[0]
        if codes[program] == "partner-tcn":
            size = rng.choices(tcn, weights=TCN_SIZES)[0]
        else:
            size = rng.choices(afghan, weights=AFGHAN_SIZES)[0]
        size = min(size, left)
        sizes.append(size)
        programs.append(program)
        left -= size
    return HouseholdPlan(sizes, programs)


def household_rng(seed: int, index: int, what: str = "household") -> random.Random:
    return seeded(seed, what, index)


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(slots=True)
class _Draft:
    relationship: Relationship
    sex: Sex
    age: float  # years on the operation day


def _make_up(rng: random.Random, size: int, principal: _Draft, program: str) -> list[_Draft]:
    """Who is in a household of `size`, with sexes and ages consistent with relationships."""
    members = [principal]
    p_age = principal.age
    married = (
        size >= 2 and p_age >= 19 and rng.random() < (0.9 if principal.sex is Sex.MALE else 0.6)
    )
    if program == "partner-tcn":
        married = size >= 2 and rng.random() < 0.85
    mother_age: float | None = None
    if married:
        if principal.sex is Sex.MALE:
            spouse = _Draft(Relationship.SPOUSE, Sex.FEMALE, max(17.0, p_age - rng.uniform(0, 12)))
            mother_age = spouse.age
        else:
            spouse = _Draft(Relationship.SPOUSE, Sex.MALE, p_age + rng.uniform(-2, 10))
            mother_age = p_age
        members.append(spouse)
    elif principal.sex is Sex.FEMALE:
        mother_age = p_age  # widowed or divorced women lead many at-risk households
    elif p_age >= 26:
        mother_age = p_age - rng.uniform(0, 10)  # widower: his late wife's children
    slots = size - len(members)
    if slots >= 1 and p_age < 55 and rng.random() < 0.22:
        father_age = p_age + rng.uniform(22, 35)
        mother = _Draft(Relationship.PARENT, Sex.FEMALE, min(father_age - rng.uniform(0, 8), 92))
        members.append(mother)
        slots -= 1
        if slots >= 1 and father_age < 90 and rng.random() < 0.6:
            members.append(_Draft(Relationship.PARENT, Sex.MALE, father_age))
            slots -= 1
    if slots >= 1 and rng.random() < 0.18:
        for _ in range(min(slots, rng.randint(1, 3))):
            age = max(1.0, p_age - rng.uniform(-6, 15))
            members.append(_Draft(Relationship.SIBLING, rng.choice((Sex.MALE, Sex.FEMALE)), age))
            slots -= 1
    if slots and mother_age is not None and mother_age >= 18:
        birth = rng.uniform(17, 24)  # the mother's age at her first child
        while slots and birth < min(46.0, mother_age):
            sex = Sex.MALE if rng.random() < 0.51 else Sex.FEMALE
            members.append(_Draft(Relationship.CHILD, sex, mother_age - birth))
            slots -= 1
            birth += rng.uniform(1.2, 3.5)
    while slots:
        # Whoever is left: grandchildren of an older principal, or nephews and nieces.
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        if p_age >= 45 and rng.random() < 0.6:
            members.append(_Draft(Relationship.GRANDCHILD, sex, rng.uniform(0, 8)))
        else:
            members.append(_Draft(Relationship.OTHER_RELATIVE, sex, rng.uniform(0, 22)))
        slots -= 1
    return members


def _birth(rng: random.Random, age: float, precision: str) -> PartialDate:
    born = OPERATION_DAY - dt.timedelta(days=int(age * 365.25) + rng.randrange(0, 365))
    if precision == "full":
        return PartialDate.of(born)
    if precision == "jan1":
        return PartialDate(born.year, 1, 1)
    if precision == "year":
        return PartialDate(born.year)
    if precision == "year_month":
        return PartialDate(born.year, born.month)
    return PartialDate()


def _person_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


_NO_NAME = AfghanName("", "")


def make_household(
    index: int,
    size: int,
    program: str,
    seed: int,
    book: NameBook,
    choose_organisations: OrganisationChooser,
) -> HouseholdTruth:
    rng = household_rng(seed, index)
    vulnerabilities: list[str] = []
    reason = _pick(rng, AT_RISK_REASONS) if program == "humanitarian-p" else ""
    if reason:
        vulnerabilities.append(reason)
    elif program in ("siv", "resettlement-partner") and rng.random() < 0.05:
        vulnerabilities.append("minority_high_risk")

    if reason in ("woman_leader", "female_headed_household"):
        female = True
    elif reason in ("journalist", "human_rights_defender", "judge_or_prosecutor"):
        female = rng.random() < 0.35
    else:
        female = rng.random() < (0.05 if program == "siv" else 0.12)
    sex = Sex.FEMALE if female else Sex.MALE
    low, high, mode = {
        "siv": (22, 58, 33),
        "citizens": (24, 72, 40),
        "partner-tcn": (23, 62, 38),
    }.get(program, (19, 68, 34))
    principal = _Draft(Relationship.PRINCIPAL, sex, rng.triangular(low, high, mode))
    drafts = _make_up(rng, size, principal, program)

    if program == "partner-tcn":
        nationality = _pick(rng, TCN_NATIONALITIES)
        citizenship = ""
    elif program == "citizens":
        citizenship = _pick(rng, CITIZENSHIPS)
        afghan_origin = rng.random() < 0.85
        nationality = "AFG" if afghan_origin else citizenship
    else:
        nationality, citizenship = "AFG", ""
    afghan_names = nationality == "AFG"

    # Family names: children and the principal's parents and siblings share the father's line;
    # a wife often keeps her own.
    line = _family(rng, book, nationality)
    spouse_line = (
        line if rng.random() < 0.5 or not afghan_names else _family(rng, book, nationality)
    )
    # A woman heading the household passes on her husband's line, not her own.
    husband = principal.sex is Sex.FEMALE and any(
        d.relationship is Relationship.SPOUSE for d in drafts
    )
    children_line = spouse_line if husband else line
    grandfather = _given(rng, book, nationality, Sex.MALE)
    spouse_father = _given(rng, book, nationality, Sex.MALE)
    single_name = afghan_names and rng.random() < 0.03  # some Afghans use no family name

    people: list[TruePerson] = []
    principal_given: AfghanName | None = None
    spouse_given: AfghanName | None = None
    # Sayyid lineages carry "Sayed" before their men's names; many more men carry "Mohammad".
    sayed_line = afghan_names and rng.random() < 0.05
    for draft in drafts:
        given = _given(rng, book, nationality, draft.sex)
        if afghan_names and draft.sex is Sex.MALE and " " not in given.latin:
            if sayed_line and rng.random() < 0.8:
                given = _prefixed(given, *NAME_PREFIXES["sayed"])
            elif rng.random() < 0.12:
                given = _prefixed(given, *NAME_PREFIXES["mohammad"])
        rel = draft.relationship
        if rel is Relationship.PRINCIPAL:
            principal_given = given
        elif rel is Relationship.SPOUSE:
            spouse_given = given
        if rel is Relationship.SPOUSE:
            family = spouse_line
        elif rel in (Relationship.CHILD, Relationship.GRANDCHILD):
            family = children_line
        else:
            family = line
        if rel is Relationship.PARENT and draft.sex is Sex.FEMALE:
            family = _family(rng, book, nationality) if afghan_names else line
        father = _father_of(
            rel, principal.sex, principal_given, spouse_given, grandfather, spouse_father
        )
        if single_name and rel is not Relationship.SPOUSE:
            family = _NO_NAME
        adult = draft.age >= 18
        precision = _pick(
            rng,
            DOB_PRECISION_FOREIGN
            if not afghan_names
            else (DOB_PRECISION_ADULT if adult else DOB_PRECISION_CHILD),
        )
        if rel is Relationship.PRINCIPAL and precision == "unknown":
            precision = "year"  # a principal applicant's file always has at least a year
        dob = _birth(rng, draft.age, precision)
        nationalities = _nationalities(rng, nationality, citizenship, rel)
        person = Person(
            name=_person_name(given, family, draft.sex, nationality),
            date_of_birth=dob,
            sex=draft.sex,
            nationalities=nationalities,
            documents=_documents(rng, draft, dob, nationalities, program),
            phones=_phones(rng, draft, nationalities, program),
            id=_person_id(rng),
        )
        people.append(TruePerson(person, rel, given, family, father, nationalities[0]))

    for member in people:
        age = member.age
        if member.relationship is Relationship.PARENT and age is not None and age >= 65:
            vulnerabilities.append("elderly_dependant")
            break
    if rng.random() < 0.08:
        vulnerabilities.append("medical_need")
    if rng.random() < 0.03:
        vulnerabilities.append("disability")

    household = Household(
        [HouseholdMember(p.person, p.relationship) for p in people], id=_person_id(rng)
    )
    organisations = choose_organisations(
        rng, program, tuple(vulnerabilities), citizenship or nationality
    )
    return HouseholdTruth(
        index, household, program, tuple(vulnerabilities), organisations, tuple(people)
    )


class OrganisationChooser(Protocol):
    """Picks the organisations listing a household, its sponsor first (see `organisations`)."""

    def __call__(
        self, rng: random.Random, program: str, vulnerabilities: tuple[str, ...], nationality: str
    ) -> tuple[str, ...]: ...


def _father_of(
    rel: Relationship,
    principal_sex: Sex,
    principal_given: AfghanName | None,
    spouse_given: AfghanName | None,
    grandfather: AfghanName,
    spouse_father: AfghanName,
) -> AfghanName:
    if rel in (Relationship.CHILD,):
        male_parent = principal_given if principal_sex is Sex.MALE else spouse_given
        return male_parent or _NO_NAME
    if rel is Relationship.SPOUSE:
        return spouse_father
    if rel in (Relationship.PRINCIPAL, Relationship.SIBLING):
        return grandfather
    return _NO_NAME


# Latin and Perso-Arabic forms of the first parts of compound men's names.
NAME_PREFIXES: Mapping[str, tuple[str, str]] = {
    "mohammad": ("Mohammad", "محمد"),
    "sayed": ("Sayed", "سید"),
}


def _prefixed(name: AfghanName, latin: str, arabic: str) -> AfghanName:
    if name.latin.startswith(latin):
        return name
    return AfghanName(
        f"{latin} {name.latin}",
        f"{arabic} {name.arabic}",
        tuple(f"{latin} {variant}" for variant in name.latin_variants),
        tuple(f"{arabic} {variant}" for variant in name.arabic_variants),
    )


def _given(rng: random.Random, book: NameBook, nationality: str, sex: Sex) -> AfghanName:
    if nationality == "AFG":
        return book.afghan_given[sex].draw(rng)
    names = book.foreign_for(nationality)
    pool = names.given_female if sex is Sex.FEMALE else names.given_male
    return AfghanName(pool.draw(rng), "")


def _family(rng: random.Random, book: NameBook, nationality: str) -> AfghanName:
    if nationality == "AFG":
        return book.afghan_family.draw(rng)
    return AfghanName(book.foreign_for(nationality).family.draw(rng), "")


def _person_name(given: AfghanName, family: AfghanName, sex: Sex, nationality: str) -> PersonName:
    if given.arabic:
        return PersonName(given.arabic, family.arabic, Script.ARABIC, given.latin, family.latin)
    family_latin = family.latin
    if sex is Sex.FEMALE and nationality in FEMININE_FAMILY_ENDINGS:
        family_latin = feminine_family(family_latin)
    return PersonName(given.latin, family_latin)


def feminine_family(name: str) -> str:
    for masculine, feminine in (("skiy", "skaya"), ("sky", "skaya"), ("iy", "aya")):
        if name.endswith(masculine):
            return name[: -len(masculine)] + feminine
    if name.endswith(("ov", "ev", "in", "yn", "ow", "ew")):
        return name + "a"
    return name


def _nationalities(
    rng: random.Random, nationality: str, citizenship: str, rel: Relationship
) -> tuple[str, ...]:
    if not citizenship:
        return (nationality,)
    if nationality != "AFG":
        return (citizenship,)
    # Afghan-born citizens of partner nations: the principal holds both; family often Afghan only.
    if rel is Relationship.PRINCIPAL or rng.random() < 0.45:
        return (citizenship, "AFG") if rng.random() < 0.7 else (citizenship,)
    return ("AFG",)


def _documents(
    rng: random.Random,
    draft: _Draft,
    dob: PartialDate,
    nationalities: tuple[str, ...],
    program: str,
) -> tuple[Document, ...]:
    documents: list[Document] = []
    child = draft.age < 18
    born = OPERATION_DAY - dt.timedelta(days=int(draft.age * 365.25))
    foreign = [n for n in nationalities if n != "AFG"]
    if foreign:
        if rng.random() < 0.95:
            documents.append(make_passport(rng, foreign[0], born, OPERATION_DAY, child=child))
    elif rng.random() < (0.65 if program == "siv" and not child else 0.2 if child else 0.32):
        documents.append(make_passport(rng, "AFG", born, OPERATION_DAY, child=child))
    if "AFG" in nationalities and rng.random() < (0.55 if child else 0.88):
        documents.append(make_tazkira(rng, electronic=rng.random() < 0.4))
    if program == "siv" and rng.random() < 0.12:
        documents.append(make_visa(rng, "USA", OPERATION_DAY))
    return tuple(documents)


def _phones(
    rng: random.Random, draft: _Draft, nationalities: tuple[str, ...], program: str
) -> tuple[str, ...]:
    if draft.relationship is Relationship.PRINCIPAL:
        chance = 0.92
    elif draft.age >= 18:
        chance = 0.5 if draft.sex is Sex.MALE else 0.35
    elif draft.age >= 15:
        chance = 0.1
    else:
        return ()
    if rng.random() >= chance:
        return ()
    home = nationalities[0]
    if home == "AFG" or program == "citizens" and rng.random() < 0.5:
        country = "AFG"
        if rng.random() < 0.03:
            country = rng.choice(("PAK", "IRN"))  # some had already crossed a border
    else:
        country = home
    phones = [make_phone(rng, country)]
    if draft.relationship is Relationship.PRINCIPAL and rng.random() < 0.15:
        phones.append(make_phone(rng, "AFG"))
    return tuple(dict.fromkeys(phones))
