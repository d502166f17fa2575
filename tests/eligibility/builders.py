"""Synthetic people, households and case facts for the eligibility tests (no real data)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from refuge.domain import (
    Case,
    Document,
    DocumentKind,
    Household,
    PartialDate,
    Person,
    PersonName,
    Relationship,
    Sex,
)
from refuge.eligibility import CaseFacts

ON = dt.date(2021, 8, 20)
VALID = dt.date(2026, 1, 31)
EXPIRED = dt.date(2021, 3, 1)

_serial = iter(range(1, 1_000_000))


def passport(state: str = "AFG", expiry: dt.date | None = VALID) -> Document:
    return Document(DocumentKind.PASSPORT, f"P{next(_serial):07d}", state, expiry)


def tazkira(expiry: dt.date | None = None) -> Document:
    return Document(DocumentKind.TAZKIRA, f"T{next(_serial):08d}", "AFG", expiry)


def person(
    born: str = "1985-03-14",
    *,
    nationalities: tuple[str, ...] = ("AFG",),
    documents: tuple[Document, ...] | None = None,
    sex: Sex = Sex.MALE,
) -> Person:
    docs = (passport(),) if documents is None else documents
    name = PersonName(f"Given{next(_serial)}", "Family")
    return Person(name, PartialDate.parse_iso(born), sex, nationalities, docs)


def household(principal: Person | None = None, *others: tuple[Person, Relationship]) -> Household:
    return Household.of(principal or person(), *others)


def family(
    *, child_born: str = "2012-06-01", docs: tuple[Document, ...] | None = None
) -> Household:
    """A principal applicant, a spouse and a child, all with valid passports unless told."""
    return household(
        person(documents=docs),
        (person("1988-09-02", sex=Sex.FEMALE, documents=docs), Relationship.SPOUSE),
        (person(child_born, documents=docs), Relationship.CHILD),
    )


def facts(
    program: str,
    home: Household | None = None,
    *,
    number: str = "C-0001",
    on: dt.date = ON,
    residence: Mapping[uuid.UUID, frozenset[str]] | None = None,
    **known: Any,
) -> CaseFacts:
    home = home or family()
    case = Case(number, home.id, program, "ngo-test")
    extra: dict[str, Any] = {"permanent_residence": residence} if residence is not None else {}
    return CaseFacts(case, home, on, **extra, **known)
