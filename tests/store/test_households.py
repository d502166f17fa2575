"""Households stored and read back whole, found by document or phone number, changed, counted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from refuge.domain import (
    AlreadyExists,
    DatePrecision,
    Household,
    NotFound,
    Person,
    PersonName,
    Relationship,
    Script,
)
from refuge.store import SqlUnitOfWork

from .builders import arabic_script_family, latin_family

UowFactory = Callable[[], SqlUnitOfWork]


def _store(uow_factory: UowFactory, *households: Household) -> None:
    with uow_factory() as uow:
        uow.households.add_many(households)
        uow.commit()


def test_a_household_comes_back_exactly_as_it_was_stored(uow_factory: UowFactory) -> None:
    latin, arabic = latin_family(), arabic_script_family()
    _store(uow_factory, latin, arabic)

    with uow_factory() as uow:
        assert uow.households.get(latin.id) == latin
        assert uow.households.get(arabic.id) == arabic


def test_names_in_perso_arabic_script_keep_script_and_romanised_forms(
    uow_factory: UowFactory,
) -> None:
    household = arabic_script_family()
    _store(uow_factory, household)

    with uow_factory() as uow:
        name = uow.households.get(household.id).principal.name
    assert (name.given, name.family) == ("گلالی", "نورزی")
    assert name.script is Script.ARABIC
    assert (name.given_romanised, name.family_romanised) == ("Ghalalai", "Noorzai")


def test_dates_of_birth_keep_their_precision(uow_factory: UowFactory) -> None:
    latin, arabic = latin_family(), arabic_script_family()
    _store(uow_factory, latin, arabic)

    with uow_factory() as uow:
        people = [
            m.person for h in uow.households.get_many([latin.id, arabic.id]) for m in h.members
        ]
    precisions = {p.date_of_birth.precision for p in people}
    assert precisions == set(DatePrecision)
    assert [str(p.date_of_birth) for p in people] == [
        "1984-03-21",
        "1988-11",
        "2015",
        "1979-01-01",
        "unknown",
    ]


def test_members_keep_their_order_relationships_documents_and_phones(
    uow_factory: UowFactory,
) -> None:
    household = latin_family()
    _store(uow_factory, household)

    with uow_factory() as uow:
        stored = uow.households.get(household.id)
    assert [m.relationship for m in stored.members] == [
        Relationship.PRINCIPAL,
        Relationship.SPOUSE,
        Relationship.CHILD,
    ]
    assert stored.principal.documents == household.principal.documents
    assert stored.members[1].person.phones == household.members[1].person.phones
    assert stored.members[1].person.nationalities == ("AFG", "TJK")


def test_find_by_document_ignores_spaces_dashes_and_case(uow_factory: UowFactory) -> None:
    household, other = latin_family(), latin_family()
    _store(uow_factory, household, other)
    number = household.principal.documents[0].number  # e.g. PQ0000001
    typed = f" {number[:2].lower()}-{number[2:5]} {number[5:]}"

    with uow_factory() as uow:
        assert uow.households.find_by_document(number) == [household.id]
        assert uow.households.find_by_document(typed) == [household.id]
        assert uow.households.find_by_document("ZZ9999999") == []


def test_find_by_phone_finds_every_household_sharing_the_number(uow_factory: UowFactory) -> None:
    first = latin_family()
    shared = first.members[1].person.phones[0]
    second = Household.of(Person(PersonName("Najib", "Sultani"), phones=(shared,)))
    _store(uow_factory, first, second)

    with uow_factory() as uow:
        assert set(uow.households.find_by_phone(shared)) == {first.id, second.id}
        assert uow.households.find_by_phone(first.principal.phones[0]) == [first.id]
        assert uow.households.find_by_phone("+447700900123") == []


def test_saving_a_household_adds_removes_and_corrects_members(uow_factory: UowFactory) -> None:
    household = latin_family()
    _store(uow_factory, household)
    child = household.members[2].person
    newborn = Person(PersonName("Hila", "Qaderyar"))

    with uow_factory() as uow:
        changed = uow.households.get(household.id)
        changed.members = [m for m in changed.members if m.person.id != child.id]
        changed.add(newborn, Relationship.CHILD)
        spouse = changed.members[1].person
        spouse.name = PersonName("Farkhunda", "Qaderyar-Sadat")
        spouse.phones = spouse.phones[:1]
        uow.households.save(changed)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.households.get(household.id)
        assert stored == changed
        assert uow.households.count_people() == 3
        assert uow.households.find_by_phone(household.members[1].person.phones[1]) == []


def test_the_same_household_cannot_be_added_twice(uow_factory: UowFactory) -> None:
    household = latin_family()
    _store(uow_factory, household)

    with uow_factory() as uow:
        uow.households.add(household)
        with pytest.raises(AlreadyExists, match=str(household.id)):
            uow.commit()

    with uow_factory() as uow:
        uow.households.add(arabic_script_family())
        again = arabic_script_family()
        uow.households.add(again)
        with pytest.raises(AlreadyExists, match=str(again.id)):
            uow.households.add(again)


def test_an_unknown_household_is_not_found(uow_factory: UowFactory) -> None:
    household = latin_family()
    with uow_factory() as uow, pytest.raises(NotFound, match=str(household.id)):
        uow.households.get(household.id)
    with uow_factory() as uow, pytest.raises(NotFound):
        uow.households.save(household)


def test_counts_cover_households_people_and_first_nationalities(uow_factory: UowFactory) -> None:
    _store(uow_factory, latin_family(), arabic_script_family(), latin_family())

    with uow_factory() as uow:
        assert uow.households.count() == 3
        assert uow.households.count_people() == 8
        assert dict(uow.households.people_by_nationality()) == {"AFG": 7, "unknown": 1}


def test_a_load_larger_than_one_batch_is_stored_whole(uow_factory: UowFactory) -> None:
    households = [latin_family() for _ in range(2500)]  # 7,500 people, over 20,000 rows
    _store(uow_factory, *households)

    with uow_factory() as uow:
        assert uow.households.count_people() == 7500
        assert uow.households.get(households[-1].id) == households[-1]
