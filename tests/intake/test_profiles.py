"""Column mapping profiles: proposals from English, Dari, Pashto and HXL headers; profile files
saved, loaded and refused with the file and key named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from refuge.domain import InvalidConfiguration, InvalidInput
from refuge.intake import (
    Column,
    DateOrder,
    Header,
    IntakeField,
    NameOrder,
    find_profile,
    load_profile,
    load_profiles,
    propose_mapping,
    read_rows,
    save_profile,
    shared_profiles,
)

F = IntakeField


def header(*names: str, tags: tuple[str | None, ...] | None = None) -> Header:
    tags = tags or (None,) * len(names)
    columns = tuple(
        Column(i, name, tag) for i, (name, tag) in enumerate(zip(names, tags, strict=True))
    )
    return Header("list.csv", None, 1, columns)


def proposed(*names: str) -> list[tuple[IntakeField | None, float]]:
    return [(c.field, c.confidence) for c in propose_mapping(header(*names)).columns]


def test_english_headers_are_mapped_with_full_confidence() -> None:
    fields = [field for field, _ in proposed(
        "First name", "Surname", "Father's name", "DOB", "Gender", "Nationality",
        "Passport No.", "Tazkira number", "Mobile", "Household ID", "Relationship to PA",
        "Programme", "Remarks", "ID",
    )]  # fmt: skip

    assert fields == [
        F.GIVEN_NAME, F.FAMILY_NAME, F.FATHER_NAME, F.DATE_OF_BIRTH, F.SEX, F.NATIONALITY,
        F.PASSPORT_NUMBER, F.TAZKIRA_NUMBER, F.PHONE, F.HOUSEHOLD_REFERENCE, F.RELATIONSHIP,
        F.PROGRAM_HINT, F.NOTES, F.SOURCE_ID,
    ]  # fmt: skip


def test_dari_headers_are_mapped() -> None:
    assert proposed(
        "نام", "تخلص", "نام پدر", "تاریخ تولد", "جنسیت", "شماره تذکره", "شماره تماس", "ملیت"
    ) == [
        (F.GIVEN_NAME, 1.0), (F.FAMILY_NAME, 1.0), (F.FATHER_NAME, 1.0), (F.DATE_OF_BIRTH, 1.0),
        (F.SEX, 1.0), (F.TAZKIRA_NUMBER, 1.0), (F.PHONE, 1.0), (F.NATIONALITY, 1.0),
    ]  # fmt: skip


def test_pashto_headers_are_mapped() -> None:
    fields = [field for field, _ in proposed(
        "نوم", "د پلار نوم", "د زیږیدو نیټه", "تذکره", "تلیفون", "تابعیت"
    )]  # fmt: skip

    assert fields == [
        F.GIVEN_NAME,
        F.FATHER_NAME,
        F.DATE_OF_BIRTH,
        F.TAZKIRA_NUMBER,
        F.PHONE,
        F.NATIONALITY,
    ]


def test_arabic_letter_variants_and_case_do_not_stop_a_match() -> None:
    assert proposed("تاريخ تولد", "NATIONALITY ", "date-of-birth")[0] == (F.DATE_OF_BIRTH, 1.0)
    assert proposed("NATIONALITY ")[0] == (F.NATIONALITY, 1.0)
    assert proposed("date-of-birth")[0] == (F.DATE_OF_BIRTH, 1.0)


def test_a_header_that_contains_or_misspells_a_known_one_gets_less_confidence() -> None:
    (contained, _), (misspelt, _) = [
        (c, c.confidence) for c in propose_mapping(
            header("Date of birth (Shamsi)", "Nationalty")
        ).columns
    ]  # fmt: skip

    assert (contained.field, contained.confidence) == (F.DATE_OF_BIRTH, 0.8)
    assert misspelt.field is F.NATIONALITY
    assert 0.75 <= misspelt.confidence < 1.0


def test_unrecognised_headers_are_left_unmapped() -> None:
    assert proposed("Favourite colour", "") == [(None, 0.0), (None, 0.0)]


def test_hxl_hashtags_are_mapped_the_most_specific_rule_winning() -> None:
    tags = (
        "#affected+name+given", "#affected+name+family", "#affected+birth+date",
        "#contact+phone", "#affected+nationality", "#meta+id", "#affected+name",
        "#affected+name+given+dari",
    )  # fmt: skip
    proposal = propose_mapping(header(*[""] * len(tags), tags=tags))

    assert [(c.field, c.confidence) for c in proposal.columns] == [
        (F.GIVEN_NAME, 1.0), (F.FAMILY_NAME, 1.0), (F.DATE_OF_BIRTH, 1.0), (F.PHONE, 1.0),
        (F.NATIONALITY, 1.0), (F.SOURCE_ID, 1.0), (F.FULL_NAME, 1.0),
        (None, 0.0),  # a second given name column: the exact tag already took the field
    ]  # fmt: skip


def test_a_field_taken_twice_goes_to_the_likelier_column_and_says_so() -> None:
    proposal = propose_mapping(header("Date of birth (approx.)", "DOB"))

    first, second = proposal.columns
    assert (first.field, second.field) == (None, F.DATE_OF_BIRTH)
    assert first.basis == "looks like date_of_birth, as column B does"


def test_phones_may_take_several_columns() -> None:
    assert [f for f, _ in proposed("Phone 1", "Phone 2")] == [F.PHONE, F.PHONE]


def test_name_beside_surname_is_read_as_the_given_name() -> None:
    assert proposed("Name", "Surname") == [(F.GIVEN_NAME, 0.7), (F.FAMILY_NAME, 1.0)]
    assert proposed("Name")[0] == (F.FULL_NAME, 1.0)


def test_a_proposal_is_saved_as_a_profile_and_loads_back_equal(tmp_path: Path) -> None:
    proposal = propose_mapping(header("نام", "تخلص", "Favourite colour", "DOB"))
    profile = proposal.to_profile("kabul-ngo", "staff", date_order=DateOrder.DAY_FIRST)

    path = save_profile(profile, tmp_path / "staff.yaml")

    assert load_profile(path) == profile
    assert dict(profile.columns) == {
        "نام": F.GIVEN_NAME, "تخلص": F.FAMILY_NAME, "DOB": F.DATE_OF_BIRTH
    }  # fmt: skip
    assert "نام: given_name" in path.read_text(encoding="utf-8")  # readable, not escaped


def test_a_saved_hxl_profile_maps_by_hashtag(tmp_path: Path) -> None:
    hxl = header("Given", "Family", tags=("#affected+name+given", "#affected+name+family"))
    profile = propose_mapping(hxl).to_profile("kabul-ngo", "hxl")

    assert [source for source, _ in profile.columns] == [
        "#affected+name+given",
        "#affected+name+family",
    ]
    renamed = header(
        "Vorname", "Nachname", tags=("#affected +family +name", "#affected+given+name")
    )
    mapping = profile.resolve(renamed)
    assert mapping.columns == {F.GIVEN_NAME: (1,), F.FAMILY_NAME: (0,)}


def write(tmp_path: Path, text: str, name: str = "ngo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
organisation: kabul-ngo
name: staff
columns:
  First name: given_name
  Last name: family_name
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("given_name", "first_name"),
         "profile file ngo.yaml, key columns.First name: unknown field 'first_name'"),
        (GOOD.replace("organisation: kabul-ngo", "organisation: Kabul NGO"),
         "profile file ngo.yaml, key organisation:"),
        (GOOD + "colour: blue\n", "profile file ngo.yaml, key colour: unknown key"),
        (GOOD + "date_order: sideways\n", "profile file ngo.yaml, key date_order:"),
        (GOOD + "phone_region: XX\n", "profile file ngo.yaml, key phone_region:"),
        (GOOD + "values:\n  sex:\n    Mrs: W\n", "profile file ngo.yaml, key values.sex.Mrs:"),
        (GOOD + "  Surname: family_name\n",
         "profile file ngo.yaml, key columns.Surname: field family_name is mapped from"),
        ("organisation: kabul-ngo\nname: staff\n", "profile file ngo.yaml, key columns:"),
        ("columns: [unclosed", "profile file ngo.yaml: not valid YAML at line 1"),
        ("- a list\n", "profile file ngo.yaml: expected a mapping at the top"),
    ],
)  # fmt: skip
def test_a_bad_profile_is_refused_naming_the_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        load_profile(write(tmp_path, text))

    assert caught.value.message.startswith(message)


def test_the_profile_that_maps_a_file_is_found_among_an_organisations(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("name: staff", "name: other").replace("First", "Given"), "b.yml")
    write(tmp_path, GOOD.replace("kabul-ngo", "herat-ngo"), "c.yaml")
    profiles = load_profiles(tmp_path, organisation="kabul-ngo")

    chosen = find_profile(header("Last name", "First name", "Notes"), profiles)

    assert [p.name for p in profiles] == ["other", "staff"]
    assert chosen is not None
    assert chosen.name == "staff"
    assert find_profile(header("Nom", "Prénom"), profiles) is None


def test_a_profile_missing_a_column_of_the_file_is_refused_by_name(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, GOOD))

    with pytest.raises(InvalidInput, match="column 'Last name' of profile staff is not in"):
        profile.resolve(header("First name", "Family"))


def test_the_shipped_list_template_profile_maps_the_template(
    write_csv: Callable[..., Path],
) -> None:
    (template,) = shared_profiles()
    names = [source for source, _ in template.columns]
    path = write_csv([names, ["R-1", "Ahmad"]])

    first = next(read_rows(path))

    assert template.organisation == "*"
    assert find_profile(first.header, shared_profiles()) == template


def test_a_header_that_spells_the_date_order_sets_it() -> None:
    assert propose_mapping(header("Name", "DOB (MM/DD/YYYY)")).date_order is DateOrder.MONTH_FIRST
    assert propose_mapping(header("Name", "Born (dd.mm.yyyy)")).date_order is DateOrder.DAY_FIRST
    assert propose_mapping(header("Name", "DOB")).date_order is None


def test_a_family_first_full_name_header_sets_the_name_order() -> None:
    proposal = propose_mapping(header("Фамилия Имя", "Дата рождения", "Пол", "Гражданство"))

    assert [c.field for c in proposal.columns] == [
        F.FULL_NAME,
        F.DATE_OF_BIRTH,
        F.SEX,
        F.NATIONALITY,
    ]
    assert proposal.name_order is NameOrder.FAMILY_FIRST
    assert proposal.to_profile("tcn-desk", "ru").full_name_order is NameOrder.FAMILY_FIRST


def test_pashto_list_headers_with_their_own_spellings_are_mapped() -> None:
    fields = [f for f, _ in proposed("د کورنۍ کوډ", "اړیکه", "د زېږون کال", "د تذکرې شمېره")]

    assert fields == [F.HOUSEHOLD_REFERENCE, F.RELATIONSHIP, F.DATE_OF_BIRTH, F.TAZKIRA_NUMBER]
