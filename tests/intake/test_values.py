"""Phone numbers, nationalities, documents, sex and relationship as lists write them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput, Relationship, Sex, country_code, e164
from refuge.domain.people import Document, DocumentKind
from refuge.intake import (
    Normalised,
    e164_of,
    parse_nationalities,
    parse_passport_number,
    parse_phones,
    parse_relationship,
    parse_sex,
    parse_tazkira_number,
)
from refuge.intake.normalised import clean_text

# Phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0700 123 456", "+93700123456"),
        ("0700-123-456", "+93700123456"),
        ("+93 700 123 456", "+93700123456"),
        ("0093 700 123456", "+93700123456"),
        ("۰۷۰۰۱۲۳۴۵۶", "+93700123456"),
        (700123456.0, "+93700123456"),  # a spreadsheet number cell, its leading zero lost
        ("+1 202 555 0143", "+12025550143"),
        ("+49 30 901820", "+4930901820"),
    ],
)
def test_phone_numbers_become_e164_read_in_afghanistan_by_default(
    written: object, expected: str
) -> None:
    assert parse_phones(written).value == (expected,)


def test_several_numbers_in_one_cell_are_all_kept_once_each() -> None:
    assert parse_phones("0700123456 / 0799 123 456, 0700-123-456").value == (
        "+93700123456",
        "+93799123456",
    )


def test_a_profile_region_reads_national_numbers_of_its_country() -> None:
    assert parse_phones("030 901820", region="DE").value == ("+4930901820",)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("12", "too short"),
        ("0700 123 456 789 123", "too long"),
        ("not given", "not a phone number"),
        ("+999 123 456", "unknown country calling code"),
    ],
)
def test_invalid_phone_numbers_are_refused_with_the_reason(written: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_phones(written)

    assert reason in caught.value.message
    assert written not in caught.value.message


# Nationalities --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Afghanistan", "AFG"),
        ("Afghan", "AFG"),
        ("Afghani", "AFG"),
        ("AFG", "AFG"),
        ("af", "AFG"),
        ("افغانستان", "AFG"),
        ("افغان", "AFG"),
        ("USA", "USA"),
        ("American", "USA"),
        ("United States", "USA"),
        ("امریکا", "USA"),
        ("UK", "GBR"),
        ("British", "GBR"),
        ("Russian Federation", "RUS"),
        ("Russian", "RUS"),
        ("Germany", "DEU"),
        ("German", "DEU"),
        ("Pakistani", "PAK"),
        ("پاکستانی", "PAK"),
        ("ايران", "IRN"),  # Arabic ya, as cp1256 files have it
        ("Bosnia and Herzegovina", "BIH"),
        ("Türkiye", "TUR"),
    ],
)
def test_countries_and_demonyms_become_alpha3(written: str, code: str) -> None:
    assert parse_nationalities(written).value == (code,)


def test_dual_nationalities_in_one_cell_are_both_kept() -> None:
    assert parse_nationalities("Afghan / German").value == ("AFG", "DEU")
    assert parse_nationalities("افغان، پاکستانی").value == ("AFG", "PAK")


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a country or nationality Refuge recognises"):
        parse_nationalities("Atlantis")


# Documents ------------------------------------------------------------------------------------


def test_passport_numbers_are_cleaned_into_capitals_and_digits() -> None:
    assert parse_passport_number(" p 0123-4567 ").value == "P01234567"
    assert parse_passport_number("P.0123.4567").value == "P01234567"
    assert parse_passport_number("").value is None


def test_a_passport_number_with_foreign_letters_is_refused() -> None:
    with pytest.raises(InvalidInput, match="other than letters and digits"):
        parse_passport_number("پ۱۲۳۴۵۶۷")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("1400-0101-12345", "1400010112345"),  # electronic tazkira
        ("1400 0101 12345", "1400010112345"),
        ("۱۴۰۰-۰۱۰۱-۱۲۳۴۵", "1400010112345"),
        ("جلد 12 صفحه 34 ثبت 5678", "J12S34N5678"),  # paper tazkira
        ("Vol. 12, Page 34, Reg 5678", "J12S34N5678"),
        ("12/34/5678", "J12S34N5678"),
        ("012 - 034 - 5678", "J12S34N5678"),
        ("J12 P34 N5678", "J12S34N5678"),
        ("Vol 12 Pg 34 No 5678", "J12S34N5678"),
        ("j12s34n5678", "J12S34N5678"),
    ],
)
def test_tazkira_numbers_in_their_electronic_and_paper_forms(written: str, stored: str) -> None:
    result = parse_tazkira_number(written)

    assert result.value == stored
    assert result.warnings == ()


def test_paper_tazkira_parts_do_not_collide_when_joined() -> None:
    first = parse_tazkira_number("12/345/6").value
    second = parse_tazkira_number("123/45/6").value

    assert first != second


def test_a_tazkira_number_in_no_known_form_is_kept_with_a_warning() -> None:
    result = parse_tazkira_number("ab-123456")

    assert result.value == "AB123456"
    assert result.warnings == ("tazkira number in neither the electronic nor the paper form",)


# Sex and relationship -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sex"),
    [
        ("F", Sex.FEMALE),
        ("female", Sex.FEMALE),
        ("زن", Sex.FEMALE),
        ("ښځه", Sex.FEMALE),
        ("ښځینه", Sex.FEMALE),
        ("M", Sex.MALE),
        ("Male", Sex.MALE),
        ("مرد", Sex.MALE),
        ("نارینه", Sex.MALE),
        ("", Sex.UNKNOWN),
        ("unknown", Sex.UNKNOWN),
    ],
)
def test_sex_in_english_dari_and_pashto(written: str, sex: Sex) -> None:
    assert parse_sex(written).value is sex


def test_an_organisations_own_words_for_sex_are_used() -> None:
    assert parse_sex("Mrs", extra={"mrs": "F"}).value is Sex.FEMALE
    with pytest.raises(InvalidInput, match="sex not recognised"):
        parse_sex("Mrs")


@pytest.mark.parametrize(
    ("written", "relationship"),
    [
        ("PA", Relationship.PRINCIPAL),
        ("Head of household", Relationship.PRINCIPAL),
        ("خود", Relationship.PRINCIPAL),
        ("wife", Relationship.SPOUSE),
        ("همسر", Relationship.SPOUSE),
        ("son", Relationship.CHILD),
        ("دختر", Relationship.CHILD),
        ("زوی", Relationship.CHILD),
        ("mother", Relationship.PARENT),
        ("ورور", Relationship.SIBLING),
        ("نواسه", Relationship.GRANDCHILD),
        ("uncle", Relationship.OTHER_RELATIVE),
        ("مشر", Relationship.PRINCIPAL),
        ("خاوند", Relationship.SPOUSE),
        ("مېرمن", Relationship.SPOUSE),
        ("خپلوان", Relationship.OTHER_RELATIVE),
        ("Жена", Relationship.SPOUSE),
    ],
)
def test_relationships_in_english_dari_and_pashto(written: str, relationship: Relationship) -> None:
    assert parse_relationship(written).value is relationship


# Properties -----------------------------------------------------------------------------------

NORMALISERS: list[tuple[Callable[[object], Normalised[Any]], Callable[[Any], str]]] = [
    (parse_phones, " / ".join),
    (parse_nationalities, ", ".join),
    (parse_passport_number, lambda value: value or ""),
    (parse_tazkira_number, lambda value: value or ""),
    (parse_sex, str),
    (parse_relationship, lambda value: value.value if value else ""),
]


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=25),
        st.sampled_from(["0700 123 456", "Afghan / UK", "son", "F", "p 0123-4567", "12/34/5678"]),
    ),
    which=st.integers(0, len(NORMALISERS) - 1),
)
def test_normalisers_never_crash_and_are_idempotent(text: str, which: int) -> None:
    parse, render = NORMALISERS[which]
    try:
        once = parse(text).value
    except InvalidInput:
        return
    assert parse(render(once)).value == once


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789 -./ABCDEFGHPVRabc", min_size=1, max_size=20))
def test_cleaned_document_numbers_fit_the_domain_form(text: str) -> None:
    for parse, kind in (
        (parse_passport_number, DocumentKind.PASSPORT),
        (parse_tazkira_number, DocumentKind.TAZKIRA),
    ):
        try:
            number = parse(text).value
        except InvalidInput:
            continue
        if number is not None:
            assert Document(kind, number, "AFG").number == number


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"07[0-9]{8}", fullmatch=True))
def test_afghan_mobile_numbers_come_out_in_the_domain_e164_form(number: str) -> None:
    try:
        phones = parse_phones(number).value
    except InvalidInput:
        return
    assert all(e164(phone) == phone for phone in phones)


def test_country_codes_come_out_in_the_domain_form() -> None:
    for written in ("Afghan", "UK", "Kosovo", "افغانستان"):
        (code,) = parse_nationalities(written).value
        assert country_code(code) == code


def reference_e164(text: str, region: str) -> str | None:
    """What phonenumbers alone makes of a number: the quick path must agree with it."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(["", "0", "+93", "0093", "+93 ", "0049", "+1", "00"]),
    digits=st.from_regex(r"[0-9]{6,11}", fullmatch=True),
    region=st.sampled_from(["AF", "DE", "PK"]),
)
def test_reading_numbers_agrees_with_phonenumbers_itself(
    prefix: str, digits: str, region: str
) -> None:
    text = prefix + digits
    try:
        ours: str | None = e164_of(text, region=region)
    except InvalidInput:
        ours = None

    assert ours == reference_e164(text, region)


def test_a_national_number_of_a_neighbouring_country_is_read_there_with_a_warning() -> None:
    result = parse_phones("0300 6560348")  # a Pakistani mobile, written as in Pakistan

    assert result.value == ("+923006560348",)
    assert result.warnings == ("number without country code read as one of PK",)


def test_a_number_that_fits_two_neighbours_goes_to_the_one_where_it_is_a_mobile() -> None:
    # 0915 887 2199 is an Iranian mobile and also a landline in Peshawar.
    assert parse_phones("0915 887 2199").value == ("+989158872199",)


def test_a_number_that_is_a_mobile_in_two_fallback_regions_is_refused_as_ambiguous() -> None:
    # Uzbek and Tajik mobile numbers share a shape.
    with pytest.raises(InvalidInput, match=r"fits more than one country \(UZ, TJ\)"):
        parse_phones("91 234 56 78", fallback_regions=("UZ", "TJ"))


def test_a_number_no_region_fits_keeps_the_reason_from_the_lists_own_region() -> None:
    with pytest.raises(InvalidInput, match="too short"):
        parse_phones("12")


def test_the_letter_o_typed_among_passport_digits_is_read_as_zero() -> None:
    for written, stored in (("PO518802", "P0518802"), ("P4O24641", "P4024641")):
        result = parse_passport_number(written)
        assert result.value == stored
        assert result.warnings == ("letter O among the digits read as zero",)
    assert parse_passport_number("OA1234567").value == "OA1234567"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_cleaning_text_is_idempotent_and_leaves_no_stray_space_or_control(text: str) -> None:
    cleaned = clean_text(text)

    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(char in cleaned for char in "\t\n\r\x00\u200e\u200f\ufeff")
