"""The organisations' lists: which members of which households each one writes down, under
which household reference and in what order, and every value as that organisation writes it,
with the true person and household beside each record.

What a record's `perturbations` (and the truth file's column of that name) can say:

    arabic_script            names written in Perso-Arabic
    variant:dataset|rule     a Latin name spelt another way (a spelling names-dataset holds,
                             or a transliteration rule: Mohammad/Muhammad, -ullah/-ulla...)
    variant:arabic           a Perso-Arabic spelling variant (Arabic-keyboard letters, spacing)
    typo                     a letter inserted, dropped, transposed or mistyped
    swapped                  given and family names in each other's columns
    family_first             a one-column name written family name first
    date:year_only           a full date written as its year
    date:filled_jan1         a year-only (or year-month) date written as 1 January
    date:year_off            the year one out
    date:day_month_swapped   day and month exchanged
    date:solar_hijri         written in the Solar Hijri calendar
    date:solar_year          a year written as its Solar Hijri year
    phone:<style>            e164, international, national, trunk_00, bare or persian digits
    missing:<field>          a value the organisation left empty
    split                    the household listed as two families in this list
    split_across             part of the household listed as its own family on another list
    merged                   listed under another household's reference
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import jdatetime  # type: ignore[import-untyped]  # the package ships no type information

from refuge.domain import DocumentKind, PartialDate, Relationship
from refuge.scenario.documents import (
    passport_as_written,
    persian_digits,
    phone_as_written,
    tazkira_as_written,
)
from refuge.scenario.households import OPERATION_DAY, HouseholdTruth, TruePerson
from refuge.scenario.organisations import ListProfile, relationship_key
from refuge.scenario.perturb import arabic_variant, latin_variant, typo
from refuge.scenario.randomness import seeded

__all__ = ["BLOCK", "Cell", "ListRecord", "list_records"]

# Households are handled in blocks: each list's order is shuffled within a block, and a merged
# household joins the one before it in the same block. Bounded memory at any size.
BLOCK = 256

Cell = str | int | dt.date | None

# Nationality as lists write it: English name, demonym, Dari, Russian, alpha-2.
NATIONALITY_WORDS: Mapping[str, tuple[str, str, str, str, str]] = {
    "AFG": ("Afghanistan", "Afghan", "افغان", "Афганистан", "AF"),
    "USA": ("United States", "American", "امریکایی", "США", "US"),
    "GBR": ("United Kingdom", "British", "انگلیسی", "Великобритания", "GB"),
    "CAN": ("Canada", "Canadian", "کانادایی", "Канада", "CA"),
    "DEU": ("Germany", "German", "آلمانی", "Германия", "DE"),
    "TUR": ("Turkey", "Turkish", "ترک", "Турция", "TR"),
    "RUS": ("Russia", "Russian", "روس", "Россия", "RU"),
    "BLR": ("Belarus", "Belarusian", "بلاروس", "Беларусь", "BY"),
    "UKR": ("Ukraine", "Ukrainian", "اوکراینی", "Украина", "UA"),
    "KAZ": ("Kazakhstan", "Kazakh", "قزاق", "Казахстан", "KZ"),
    "KGZ": ("Kyrgyzstan", "Kyrgyz", "قرغز", "Кыргызстан", "KG"),
    "TJK": ("Tajikistan", "Tajik", "تاجیکستانی", "Таджикистан", "TJ"),
    "UZB": ("Uzbekistan", "Uzbek", "ازبکستانی", "Узбекистан", "UZ"),
    "IND": ("India", "Indian", "هندی", "Индия", "IN"),
    "PHL": ("Philippines", "Filipino", "فیلیپینی", "Филиппины", "PH"),
    "GEO": ("Georgia", "Georgian", "گرجی", "Грузия", "GE"),
}
_NATIONALITY_STYLE = {"english": 0, "demonym": 1, "dari": 2, "russian": 3, "alpha2": 4}


@dataclass(frozen=True, slots=True)
class ListRecord:
    """One row of one organisation's list, and the truth about it."""

    organisation: str
    row: int  # 1-based, among the data rows of the organisation's file
    record_id: str
    household_ref: str
    values: tuple[Cell, ...]  # in the order of the profile's columns
    person: TruePerson
    household_id: uuid.UUID
    household_index: int
    program: str
    perturbations: tuple[str, ...]

    @property
    def person_id(self) -> uuid.UUID:
        return self.person.person.id


@dataclass(slots=True)
class _Group:
    """Members one list writes under one household reference."""

    truth: HouseholdTruth
    members: list[tuple[TruePerson, str]]  # person, relationship key as listed
    tags: tuple[str, ...]
    merge: bool = False


def list_records(
    profiles: Sequence[ListProfile],
    households: Iterator[HouseholdTruth],
    seed: int,
) -> Iterator[ListRecord]:
    rows = dict.fromkeys((p.code for p in profiles), 0)
    refs = dict.fromkeys((p.code for p in profiles), 0)
    block: list[HouseholdTruth] = []
    number = 0
    for truth in households:
        block.append(truth)
        if len(block) == BLOCK:
            yield from _block(profiles, block, seed, number, rows, refs)
            block, number = [], number + 1
    if block:
        yield from _block(profiles, block, seed, number, rows, refs)


def _block(
    profiles: Sequence[ListProfile],
    block: list[HouseholdTruth],
    seed: int,
    number: int,
    rows: dict[str, int],
    refs: dict[str, int],
) -> Iterator[ListRecord]:
    for profile in profiles:
        groups: list[_Group] = []
        for truth in block:
            if profile.code in truth.organisations:
                groups.extend(_groups(profile, truth, seed))
        if not groups:
            continue
        seeded(seed, "order", profile.code, number).shuffle(groups)
        ref = ""
        for position, group in enumerate(groups):
            merged = group.merge and position > 0
            if not merged:
                refs[profile.code] += 1
                ref = f"{profile.household_prefix}{refs[profile.code]:05d}"
            rng = seeded(seed, "values", profile.code, group.truth.index)
            arabic = rng.random() < profile.arabic_script
            for person, rel_key in group.members:
                rows[profile.code] += 1
                row = rows[profile.code]
                record_id = (
                    f"{profile.record_prefix}{row:06d}" if profile.record_prefix else str(row)
                )
                key = rel_key
                tags = list(group.tags)
                if merged:
                    tags.append("merged")
                    # Listed under another family's head: a brother's family, say.
                    key = (
                        relationship_key(Relationship.SIBLING, person.person.sex)
                        if rel_key == "principal"
                        else "other_relative"
                    )
                values = _values(
                    profile, rng, group.truth, person, key, record_id, ref, arabic, tags
                )
                yield ListRecord(
                    profile.code,
                    row,
                    record_id,
                    ref,
                    values,
                    person,
                    group.truth.household.id,
                    group.truth.index,
                    group.truth.program,
                    tuple(tags),
                )


def _groups(profile: ListProfile, truth: HouseholdTruth, seed: int) -> list[_Group]:
    rng = seeded(seed, "members", profile.code, truth.index)
    members = list(truth.members)
    tags: tuple[str, ...] = ()
    # Split across two lists: the household's second list carries part of it as its own family.
    across = seeded(seed, "across", truth.index)
    if len(truth.organisations) >= 2 and len(members) >= 3 and across.random() < 0.1:
        first, second = truth.organisations[0], truth.organisations[1]
        moved = [m for m in members[1:] if across.random() < 0.4]
        if moved and profile.code in (first, second):
            moved_ids = {m.person.id for m in moved}
            if profile.code == first:
                members = [m for m in members if m.person.id not in moved_ids]
            else:
                members = moved
            tags = ("split_across",)
    listed = [
        m
        for m in members
        if m.relationship is Relationship.PRINCIPAL or rng.random() < profile.member_coverage
    ]
    if not listed:
        return []
    merge = rng.random() < profile.merge
    if rng.random() < profile.split and len(listed) >= 3:
        elders = [
            m for m in listed if m.relationship in (Relationship.PARENT, Relationship.SIBLING)
        ]
        if not elders:
            elders = [m for m in listed[1:] if (m.age or 0) >= 16][:2]
        rest = [m for m in listed if m not in elders]
        if elders and rest:
            return [
                _Group(truth, _as_family(rest), (*tags, "split"), merge),
                _Group(truth, _as_family(elders), (*tags, "split")),
            ]
    return [_Group(truth, _as_family(listed), tags, merge)]


def _as_family(members: list[TruePerson]) -> list[tuple[TruePerson, str]]:
    """Relationships as a list writes them, to whoever heads this group of members."""
    principal = next((m for m in members if m.relationship is Relationship.PRINCIPAL), None)
    if principal is not None:
        return [(m, relationship_key(m.relationship, m.person.sex)) for m in members]
    parents = sorted(
        (m for m in members if m.relationship is Relationship.PARENT),
        key=lambda m: -(m.age or 0),
    )
    head = parents[0] if parents else max(members, key=lambda m: m.age or 0)
    out: list[tuple[TruePerson, str]] = [(head, "principal")]
    for m in members:
        if m is head:
            continue
        if head.relationship is Relationship.PARENT:
            if m.relationship is Relationship.PARENT:
                rel = Relationship.SPOUSE
            elif m.relationship is Relationship.SIBLING:
                rel = Relationship.CHILD
            else:
                rel = Relationship.OTHER_RELATIVE
        elif m.relationship is head.relationship and m.relationship in (
            Relationship.CHILD,
            Relationship.SIBLING,
        ):
            rel = Relationship.SIBLING
        else:
            rel = Relationship.OTHER_RELATIVE
        out.append((m, relationship_key(rel, m.person.sex)))
    return out


def _values(
    profile: ListProfile,
    rng: random.Random,
    truth: HouseholdTruth,
    member: TruePerson,
    rel_key: str,
    record_id: str,
    household_ref: str,
    arabic_household: bool,
    tags: list[str],
) -> tuple[Cell, ...]:
    person = member.person
    fields = profile.fields()
    # Lists kept in Perso-Arabic slip into Latin now and then, and the reverse; lists kept by
    # foreign officials do not.
    flip = profile.arabic_script > 0 and rng.random() < 0.05
    arabic = bool(member.given.arabic) and (arabic_household != flip)
    if arabic:
        tags.append("arabic_script")
    given, family = _name(profile, rng, member, arabic, tags)
    if "given_name" in fields and rng.random() < profile.swap and given and family:
        given, family = family, given
        tags.append("swapped")
    if family and not arabic and rng.random() < profile.upper_family:
        family = family.upper()
    persian = rng.random() < profile.persian_digits
    out: dict[str, Cell] = {
        "record_id": persian_digits(record_id) if persian else record_id,
        "household_ref": household_ref,
        "relationship": profile.vocabulary.relationships.get(rel_key, ""),
        "given_name": given,
        "family_name": family,
        "sex": profile.vocabulary.sexes[person.sex],
        "nationality": _nationality(profile, rng, person.nationalities),
        "program": profile.vocabulary.programs.get(truth.program, "")
        if rel_key == "principal"
        else "",
        "vulnerability": "; ".join(
            profile.vocabulary.vulnerabilities[v]
            for v in truth.vulnerabilities
            if v in profile.vocabulary.vulnerabilities
        )
        if member.relationship is Relationship.PRINCIPAL
        else "",
    }
    if profile.name_layout == "surname_first":
        out["full_name"] = f"{family.upper()} {given}".strip()
    elif rng.random() < 0.1:
        out["full_name"] = f"{family} {given}".strip()
        if "full_name" in fields and family and given:
            tags.append("family_first")
    else:
        out["full_name"] = f"{given} {family}".strip()
    if "father_name" in fields:
        father = member.father
        if father.latin:
            if arabic and father.arabic:
                out["father_name"] = father.arabic
            else:
                out["father_name"] = _spelling(rng, father.latin, father.latin_variants, profile)
        else:
            out["father_name"] = ""
    out["date_of_birth"] = write_date(profile, rng, person.date_of_birth, tags, persian)
    age = person.date_of_birth.age_on(OPERATION_DAY)
    out["age"] = age if age is not None and person.date_of_birth.year is not None else None
    passport = person.document(DocumentKind.PASSPORT)
    out["passport"] = (
        passport_as_written(rng, passport.number, passport.issuing_state) if passport else ""
    )
    out["passport_expiry"] = passport.expiry if passport and passport.expiry else None
    tazkira = person.document(DocumentKind.TAZKIRA)
    out["tazkira"] = tazkira_as_written(rng, tazkira.number, persian=persian) if tazkira else ""
    out["phone"] = ""
    if person.phones:
        styles = profile.phone_styles
        style = rng.choices(list(styles), weights=list(styles.values()))[0]
        if style == "persian" and not person.phones[0].startswith("+93"):
            style = "national"
        out["phone"] = phone_as_written(person.phones[0], style)
        tags.append(f"phone:{style}")
    for name, chance in profile.missing.items():
        if out.get(name) not in ("", None) and rng.random() < chance:
            out[name] = None if name in ("date_of_birth", "age", "passport_expiry") else ""
            tags.append(f"missing:{name}")
    return tuple(out.get(column.field, "") for column in profile.columns)


def _name(
    profile: ListProfile, rng: random.Random, member: TruePerson, arabic: bool, tags: list[str]
) -> tuple[str, str]:
    name = member.person.name
    if arabic:
        given = member.given.arabic
        family = member.family.arabic
        if rng.random() < profile.variant:
            given = arabic_variant(rng, given, member.given.arabic_variants)
            tags.append("variant:arabic")
        if family and rng.random() < profile.variant:
            family = arabic_variant(rng, family, member.family.arabic_variants)
            tags.append("variant:arabic")
    else:
        given = _spelling(rng, name.given_romanised, member.given.latin_variants, profile, tags)
        family = _spelling(rng, name.family_romanised, member.family.latin_variants, profile, tags)
    if rng.random() < profile.typo:
        if family and rng.random() < 0.5:
            family = typo(rng, family)
        else:
            given = typo(rng, given)
        tags.append("typo")
    return given, family


def _spelling(
    rng: random.Random,
    name: str,
    variants: Sequence[str],
    profile: ListProfile,
    tags: list[str] | None = None,
) -> str:
    if not name or rng.random() >= profile.variant:
        return name
    spelt, source = latin_variant(rng, name, variants)
    if source and tags is not None:
        tags.append(f"variant:{source}")
    return spelt


def _nationality(profile: ListProfile, rng: random.Random, nationalities: tuple[str, ...]) -> str:
    style = profile.vocabulary.nationality
    shown = nationalities if len(nationalities) == 1 or rng.random() < 0.5 else nationalities[:1]
    if style == "alpha3":
        return "/".join(shown)
    index = _NATIONALITY_STYLE[style]
    return "/".join(
        NATIONALITY_WORDS[code][index] if code in NATIONALITY_WORDS else code for code in shown
    )


def write_date(
    profile: ListProfile,
    rng: random.Random,
    date: PartialDate,
    tags: list[str],
    persian: bool,
) -> Cell:
    """A date of birth as `profile` writes it; what changed goes into `tags`."""
    style = profile.date_style
    year, month, day = date.year, date.month, date.day
    if year is None:
        return None if style == "excel" else ""
    if month is not None and day is not None:
        roll = rng.random()
        if roll < profile.coarsen_date:
            month = day = None
            tags.append("date:year_only")
        elif roll < profile.coarsen_date + profile.year_off:
            year += rng.choice((-1, 1))
            day = min(day, 28) if month == 2 else day  # 29 February has no twin a year off
            tags.append("date:year_off")
        elif (
            roll < profile.coarsen_date + profile.year_off + profile.day_month_swap
            and day <= 12
            and day != month
        ):
            month, day = day, month
            tags.append("date:day_month_swapped")
    elif month is not None:
        day = None
    if style == "year":
        return _digits(str(year), persian)
    if month is None or day is None:
        if style in ("iso", "solar_hijri") or rng.random() < 0.4:
            if style == "solar_hijri":
                tags.append("date:solar_year")
                return _digits(str(year - 621), persian)
            return year if style == "excel" else str(year)
        month, day = month or 1, 1  # the year-only date written as 1 January
        tags.append("date:filled_jan1")
    when = dt.date(year, month, day)
    if style == "excel":
        return when
    if style == "iso":
        return when.isoformat()
    if style == "dmy_slash":
        return f"{day:02d}/{month:02d}/{year}"
    if style == "mdy_slash":
        return f"{month:02d}/{day:02d}/{year}"
    if style == "dmy_dot":
        return f"{day:02d}.{month:02d}.{year}"
    if style == "solar_hijri":
        solar = jdatetime.date.fromgregorian(date=when)
        tags.append("date:solar_hijri")
        return _digits(f"{solar.year}/{solar.month:02d}/{solar.day:02d}", persian)
    return when.isoformat()


def _digits(text: str, persian: bool) -> str:
    return persian_digits(text) if persian else text
