"""People and households: names in their script, documents, phone numbers, household rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import (
    Document,
    DocumentKind,
    Household,
    HouseholdMember,
    InvalidInput,
    Person,
    PersonName,
    Relationship,
    Script,
    country_code,
    e164,
    script_of,
)


def person(given: str = "Farida", family: str = "Rahimi", **fields: object) -> Person:
    return Person(PersonName(given, family), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Mohammad", Script.LATIN),
        ("Mohammad Karim Noori", Script.LATIN),
        ("Muḥammad ʿAlī", Script.LATIN),  # scholarly transliteration with diacritics
        ("O'Brien-Smith", Script.LATIN),
        ("محمد کریم", Script.ARABIC),  # Dari: keheh and Farsi yeh
        ("ژوبل پوپل", Script.ARABIC),  # Dari letters zhe, pe
        ("ښکلې ځدراڼ", Script.ARABIC),  # Pashto letters ssheen, dzeh, rnoon, yeh with tail
        ("ټوپک ډاګه", Script.ARABIC),  # Pashto letters tteh, ddal, gaf with ring
        ("علی\u200cاحمد", Script.ARABIC),  # zero-width non-joiner between name parts
        ("مُحَمَّد", Script.ARABIC),  # with vowel marks
        ("ﻣﺤﻤﺪ", Script.ARABIC),  # presentation forms, as some PDFs export them
        ("محمد Ali", Script.ARABIC),  # mixed: most letters Perso-Arabic
        ("Mohammad علی", Script.LATIN),  # mixed: most letters Latin
        ("Иван Петров", Script.OTHER),
        ("12345 - /", Script.OTHER),
        ("", Script.OTHER),
    ],
)
def test_the_script_of_a_name_is_the_script_of_most_of_its_letters(
    text: str, script: Script
) -> None:
    assert script_of(text) is script


def counted_script(text: str) -> Script:
    """The script by counting letters one by one: Perso-Arabic blocks against Latin ones."""
    arabic = latin = 0
    for char in text:
        if char.isalpha():
            code = ord(char)
            if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
                arabic += 1
            elif code < 0x250:
                latin += 1
    if arabic == latin == 0:
        return Script.OTHER
    return Script.ARABIC if arabic > latin else Script.LATIN


@settings(max_examples=500)
@given(
    st.text(
        st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x2FF),
            st.characters(min_codepoint=0x600, max_codepoint=0x77F),
            st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
            st.characters(),
        ),
        max_size=30,
    )
)
def test_any_text_is_in_the_script_most_of_its_letters_are_in(text: str) -> None:
    assert script_of(text) is counted_script(text)


def test_a_latin_name_is_its_own_romanised_form() -> None:
    name = PersonName("Farida", "Rahimi")
    assert name.script is Script.LATIN
    assert (name.given_romanised, name.family_romanised) == ("Farida", "Rahimi")


def test_a_given_romanised_form_is_kept() -> None:
    name = PersonName("Mohd", "Karimi", given_romanised="Mohammad")
    assert (name.given_romanised, name.family_romanised) == ("Mohammad", "Karimi")


def test_a_name_written_in_perso_arabic_is_detected_and_not_romanised_by_guess() -> None:
    name = PersonName.written("فریده", "رحیمی")
    assert name.script is Script.ARABIC
    assert (name.given, name.family) == ("فریده", "رحیمی")
    assert (name.given_romanised, name.family_romanised) == ("", "")


def test_a_name_written_in_perso_arabic_keeps_the_romanised_form_it_came_with() -> None:
    name = PersonName.written("فریده", "رحیمی", romanised=("Farida", "Rahimi"))
    assert name.script is Script.ARABIC
    assert (name.given_romanised, name.family_romanised) == ("Farida", "Rahimi")


def test_a_name_written_in_latin_script_is_detected() -> None:
    name = PersonName.written("Farida", "Rahimi")
    assert name.script is Script.LATIN
    assert name.given_romanised == "Farida"


def test_a_person_may_have_only_one_name() -> None:
    assert PersonName("Nasrin", "").family_romanised == ""


@pytest.mark.parametrize(("given", "family"), [("", ""), ("  ", "\t")])
def test_a_name_needs_something_in_it(given: str, family: str) -> None:
    with pytest.raises(InvalidInput):
        PersonName(given, family)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_a_well_formed_document_is_accepted(kind: DocumentKind) -> None:
    document = Document(kind, "P01234567", "AFG", dt.date(2026, 3, 1))
    assert document.number == "P01234567"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "p01234567",  # lower case: intake normalises before building a Document
        "P 0123 4567",
        "P-0123-4567",
        "A" * 21,
        "P01234567\n",
        "P٠١٢٣٤٥٦٧",  # Arabic-Indic digits
        "Р01234567",  # starts with a Cyrillic capital er, not a Latin P
    ],
)
def test_a_malformed_document_number_is_refused_without_repeating_it(number: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Document(DocumentKind.PASSPORT, number, "AFG")
    if number.strip():
        assert number.strip() not in str(refused.value)


def test_a_document_number_of_twenty_characters_is_accepted() -> None:
    assert Document(DocumentKind.TAZKIRA, "1" * 20, "AFG").kind is DocumentKind.TAZKIRA


@pytest.mark.parametrize("state", ["AF", "afg", "Afg", "AFGH", "", "AFG\n", "A1G"])
def test_an_issuing_state_must_be_an_alpha_3_code(state: str) -> None:
    with pytest.raises(InvalidInput, match="alpha-3"):
        Document(DocumentKind.PASSPORT, "P01234567", state)


@pytest.mark.parametrize("code", ["AFG", "USA", "GBR", "CAN", "RUS", "BLR", "KGZ", "TJK", "UZB"])
def test_country_codes_in_alpha_3_form_are_accepted(code: str) -> None:
    assert country_code(code) == code


def test_a_document_expires_after_its_expiry_date() -> None:
    document = Document(DocumentKind.VISA, "V778899", "USA", dt.date(2021, 8, 31))
    assert not document.expired_on(dt.date(2021, 8, 31))
    assert document.expired_on(dt.date(2021, 9, 1))
    assert not Document(DocumentKind.TAZKIRA, "12345", "AFG").expired_on(dt.date(2099, 1, 1))


@pytest.mark.parametrize(
    "number", ["+93701234567", "+12025550143", "+447700900123", "+1234567", "+123456789012345"]
)
def test_phone_numbers_in_e164_form_are_accepted(number: str) -> None:
    assert e164(number) == number


@pytest.mark.parametrize(
    "number",
    [
        "93701234567",  # no +
        "0093701234567",  # international prefix instead of +
        "+093701234567",  # country codes do not start with 0
        "+123456",  # too short
        "+1234567890123456",  # 16 digits
        "+93 70 123 4567",
        "+93-70-123-4567",
        "+93701234567\n",
        "+۹۳۷۰۱۲۳۴۵۶۷",  # Persian digits: intake converts them first
        "+9٣٧٠١٢٣٤٥٦٧",  # Arabic-Indic digits after an ASCII first digit
        "",
    ],
)
def test_phone_numbers_not_in_e164_form_are_refused_without_repeating_them(number: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        e164(number)
    if number.strip():
        assert number.strip() not in str(refused.value)


@settings(max_examples=200)
@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_every_e164_number_is_accepted_unchanged(number: str) -> None:
    assert e164(number) == number


def test_a_person_with_a_malformed_phone_or_nationality_is_refused() -> None:
    with pytest.raises(InvalidInput):
        person(phones=("0701234567",))
    with pytest.raises(InvalidInput):
        person(nationalities=("AF",))


def test_a_person_finds_their_document_by_kind() -> None:
    passport = Document(DocumentKind.PASSPORT, "P01234567", "AFG")
    tazkira = Document(DocumentKind.TAZKIRA, "140001012345", "AFG")
    someone = person(documents=(tazkira, passport), nationalities=("AFG", "UZB"))
    assert someone.document(DocumentKind.PASSPORT) == passport
    assert someone.document(DocumentKind.TAZKIRA) == tazkira
    assert someone.document(DocumentKind.VISA) is None


def test_a_household_has_its_principal_and_members() -> None:
    principal, spouse, child = person(), person("Ahmad"), person("Zahra")
    household = Household.of(principal, (spouse, Relationship.SPOUSE), (child, Relationship.CHILD))
    assert household.principal is principal
    assert household.size == 3
    assert [m.relationship for m in household.members] == [
        Relationship.PRINCIPAL,
        Relationship.SPOUSE,
        Relationship.CHILD,
    ]


def test_a_household_with_two_principals_is_refused() -> None:
    with pytest.raises(InvalidInput, match="exactly one principal"):
        Household(
            [
                HouseholdMember(person(), Relationship.PRINCIPAL),
                HouseholdMember(person("Ahmad"), Relationship.PRINCIPAL),
            ]
        )


def test_a_household_without_a_principal_is_refused() -> None:
    with pytest.raises(InvalidInput, match="exactly one principal"):
        Household([HouseholdMember(person(), Relationship.SPOUSE)])
    with pytest.raises(InvalidInput, match="exactly one principal"):
        Household([])


def test_a_household_listing_someone_twice_is_refused() -> None:
    principal, child = person(), person("Zahra")
    with pytest.raises(InvalidInput, match="same person twice"):
        Household.of(principal, (child, Relationship.CHILD), (child, Relationship.CHILD))
    with pytest.raises(InvalidInput, match="same person twice"):
        Household.of(principal, (principal, Relationship.SPOUSE))


def test_the_household_error_names_the_household_not_the_people() -> None:
    with pytest.raises(InvalidInput) as refused:
        Household.of(person("Farida"), (person("Ahmad"), Relationship.PRINCIPAL))
    assert "Farida" not in str(refused.value)
    assert "Ahmad" not in str(refused.value)


def test_adding_a_member_to_a_household() -> None:
    household = Household.of(person())
    grandparent = person("Gul")
    household.add(grandparent, Relationship.GRANDPARENT)
    assert household.size == 2
    assert household.members[-1] == HouseholdMember(grandparent, Relationship.GRANDPARENT)


def test_adding_a_second_principal_or_a_member_again_is_refused_and_changes_nothing() -> None:
    principal, child = person(), person("Zahra")
    household = Household.of(principal, (child, Relationship.CHILD))
    with pytest.raises(InvalidInput, match="principal"):
        household.add(person("Omid"), Relationship.PRINCIPAL)
    with pytest.raises(InvalidInput, match="same person twice"):
        household.add(child, Relationship.SIBLING)
    with pytest.raises(InvalidInput, match="same person twice"):
        household.add(principal, Relationship.SPOUSE)
    assert household.size == 2
    assert household.principal is principal


def test_a_perso_arabic_name_filed_as_latin_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Script.ARABIC"):
        PersonName("فریده", "رحیمی")
    written = PersonName.written("فریده", "رحیمی", romanised=("Farida", "Rahimi"))
    assert written.script is Script.ARABIC
    assert written.given_romanised == "Farida"
