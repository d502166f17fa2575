"""Synthetic people and households for the store tests (made up; no real person)."""

from __future__ import annotations

import datetime as dt
import itertools

from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Household,
    Organisation,
    OrganisationKind,
    PartialDate,
    Person,
    PersonName,
    Program,
    Relationship,
    Sex,
    Stage,
)

NOW = dt.datetime(2021, 8, 20, 9, 30, tzinfo=dt.UTC)
ORGANISATION = Organisation("aid-kabul", "Aid Kabul", OrganisationKind.NGO)
PROGRAM = Program("siv", "Special Immigrant Visa", precedence=1, quota=500)

_serial = itertools.count(1)


def _number(prefix: str) -> str:
    return f"{prefix}{next(_serial):07d}"


def latin_family() -> Household:
    """Three people with Latin names, a full, a year-and-month and a year-only date of birth."""
    principal = Person(
        PersonName("Wahidullah", "Qaderyar"),
        PartialDate(1984, 3, 21),
        Sex.MALE,
        ("AFG",),
        (
            Document(DocumentKind.PASSPORT, _number("PQ"), "AFG", dt.date(2026, 5, 1)),
            Document(DocumentKind.TAZKIRA, _number("1400"), "AFG"),
        ),
        (f"+9370{next(_serial):07d}",),
        notes="interpreter at the embassy annex",
    )
    spouse = Person(
        PersonName("Farkhunda", "Qaderyar"),
        PartialDate(1988, 11),
        Sex.FEMALE,
        ("AFG", "TJK"),
        phones=(f"+99290{next(_serial):07d}", f"+9379{next(_serial):07d}"),
    )
    child = Person(PersonName("Zarlasht", "Qaderyar"), PartialDate(2015), Sex.FEMALE, ("AFG",))
    return Household.of(principal, (spouse, Relationship.SPOUSE), (child, Relationship.CHILD))


def arabic_script_family() -> Household:
    """Names written in Perso-Arabic script with their romanised forms; one unknown date."""
    principal = Person(
        PersonName.written("گلالی", "نورزی", romanised=("Ghalalai", "Noorzai")),
        PartialDate(1979, 1, 1),
        Sex.FEMALE,
        ("AFG",),
        (Document(DocumentKind.PASSPORT, _number("PX"), "AFG"),),
        (f"+9378{next(_serial):07d}",),
        notes="يادداشت: بدون مدرک",
    )
    parent = Person(
        PersonName.written("عبدالرحیم", "نورزی", romanised=("Abdul Rahim", "Noorzai")),
        PartialDate.unknown(),
        Sex.MALE,
    )
    return Household.of(principal, (parent, Relationship.PARENT))


def case_for(household: Household, number: str) -> Case:
    case = Case(number, household.id, PROGRAM.code, ORGANISATION.code, priority=3.5)
    case.move_to(Stage.REGISTERED, actor="officer-1", at=NOW)
    return case
