"""Properties over many generated inputs: any person the domain accepts comes back from the
store as it went in, and no single mistyped character slips past a case number's check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.domain import (
    Document,
    DocumentKind,
    Household,
    PartialDate,
    Person,
    PersonName,
    Relationship,
    Sex,
)
from refuge.store import SqlUnitOfWork, is_case_number, new_case_number

UowFactory = Callable[[], SqlUnitOfWork]

_ARABIC_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Any text a list might carry, NUL and control characters aside (intake refuses those).
free_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40)
name_part = st.one_of(
    st.text(st.sampled_from(_ARABIC_LETTERS + " "), min_size=1, max_size=20),
    st.text(st.characters(whitelist_categories=("L",)), min_size=1, max_size=20),
).filter(str.strip)
dates = st.one_of(
    st.builds(PartialDate.of, st.dates(dt.date(1900, 1, 1), dt.date(2021, 8, 31))),
    st.builds(PartialDate, st.integers(1900, 2021), st.integers(1, 12)),
    st.builds(PartialDate, st.integers(1900, 2021)),
    st.just(PartialDate.unknown()),
)
documents = st.builds(
    Document,
    st.sampled_from(DocumentKind),
    st.text(st.sampled_from(_CROCKFORD), min_size=1, max_size=20),
    st.sampled_from(["AFG", "USA", "GBR", "UZB"]),
    st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))),
)
phones = st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True)
people = st.builds(
    Person,
    st.builds(
        PersonName.written,
        name_part,
        name_part,
        romanised=st.one_of(st.none(), st.tuples(name_part, name_part)),
    ),
    dates,
    st.sampled_from(Sex),
    st.lists(st.sampled_from(["AFG", "TJK", "UKR", "BLR"]), max_size=3, unique=True).map(tuple),
    st.lists(documents, max_size=3).map(tuple),
    st.lists(phones, max_size=2).map(tuple),
    free_text,
)


@settings(
    max_examples=25,
    deadline=None,
    # The database is shared by the examples on purpose: each adds a new household.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(principal=people, others=st.lists(people, max_size=3))
def test_any_household_comes_back_as_it_went_in(
    uow_factory: UowFactory, principal: Person, others: list[Person]
) -> None:
    household = Household.of(principal, *((p, Relationship.CHILD) for p in others))
    with uow_factory() as uow:
        uow.households.add(household)
        uow.commit()
    with uow_factory() as uow:
        assert uow.households.get(household.id) == household
        for person in (principal, *others):
            for document in person.documents:
                assert household.id in uow.households.find_by_document(document.number)


@settings(max_examples=200)
@given(position=st.integers(0, 8), replacement=st.sampled_from(_CROCKFORD))
def test_one_mistyped_character_fails_the_check(position: int, replacement: str) -> None:
    number = new_case_number()
    assert is_case_number(number)
    index = len("RF-") + position
    typo = number[:index] + replacement + number[index + 1 :]
    assert is_case_number(typo) == (typo == number)
