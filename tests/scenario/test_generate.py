"""Generated operations look like real ones: household sizes and make-up, dates of birth,
documents, nationalities, overlapping lists that disagree, and a truth that accounts for all."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from refuge.domain import (
    DocumentKind,
    Household,
    InvalidInput,
    Relationship,
    Script,
    Sex,
    script_of,
)
from refuge.scenario import OPERATION_DAY, Scenario, ScenarioFiles, generate

from .reading import read_csv


@pytest.mark.parametrize("people", [1, 100, 1234])
def test_a_scenario_has_exactly_the_people_asked_for(people: int) -> None:
    scenario = generate(people, seed=5)
    assert sum(household.size for household in scenario.households) == people
    assert all(isinstance(household, Household) for household in scenario.households)


@pytest.mark.parametrize("people", [0, 1_000_001])
def test_sizes_outside_the_supported_range_are_refused(people: int) -> None:
    with pytest.raises(InvalidInput, match="people must be between"):
        generate(people, seed=1)


def test_any_household_can_be_rebuilt_alone_identically(scenario: Scenario) -> None:
    in_order = {truth.index: truth for truth in list(scenario.truths)[40:45]}
    for index in (44, 42, 40, 43, 41):
        alone = scenario.truths[index]
        assert alone.household.id == in_order[index].household.id
        assert alone.members == in_order[index].members


def test_household_sizes_are_realistic(scenario: Scenario) -> None:
    stats = scenario.stats
    assert 6.0 <= stats.mean_household_size <= 7.6
    afghan = [t.household.size for t in scenario.truths if t.program != "partner-tcn"]
    assert 6.5 <= sum(afghan) / len(afghan) <= 8.0
    assert max(afghan) >= 12
    tcn = [t.household.size for t in scenario.truths if t.program == "partner-tcn"]
    assert sum(tcn) / len(tcn) < 3


def test_relationships_fit_ages_and_sexes(scenario: Scenario) -> None:
    for truth in scenario.truths:
        principal = next(m for m in truth.members if m.relationship is Relationship.PRINCIPAL)
        p_age = principal.person.date_of_birth.age_on(OPERATION_DAY)
        for member in truth.members:
            age = member.person.date_of_birth.age_on(OPERATION_DAY)
            if member.relationship is Relationship.SPOUSE:
                assert member.person.sex is not principal.person.sex
                assert age is None or age >= 16
            if member.relationship is Relationship.PARENT and age is not None and p_age:
                assert age >= p_age + 12
            if (
                member.relationship is Relationship.CHILD
                and principal.person.sex is Sex.FEMALE
                and age is not None
                and p_age is not None
            ):
                assert p_age - age >= 14
        if "woman_leader" in truth.vulnerabilities:
            assert principal.person.sex is Sex.FEMALE


def test_dates_of_birth_are_often_year_only_or_first_of_january_and_sometimes_unknown(
    scenario: Scenario,
) -> None:
    stats = scenario.stats
    precision = stats.dob_precision or {}
    assert 0.15 <= stats.share(precision["year"]) <= 0.4
    assert 0.15 <= stats.share(precision["jan1"]) <= 0.4
    assert 0.2 <= stats.share(precision["full"]) <= 0.5
    assert 0.02 <= stats.share(precision["unknown"]) <= 0.15


def test_documents_have_realistic_shapes_and_shares(scenario: Scenario) -> None:
    stats = scenario.stats
    assert 0.2 <= stats.share(stats.with_passport) <= 0.55
    assert 0.5 <= stats.share(stats.with_tazkira) <= 0.85
    electronic = paper = 0
    for truth in scenario.truths[:300]:
        for member in truth.members:
            for document in member.person.documents:
                if document.kind is DocumentKind.PASSPORT and document.issuing_state == "AFG":
                    assert re.fullmatch(r"P\d{7}", document.number)
                if document.kind is DocumentKind.TAZKIRA:
                    if re.fullmatch(r"1(397|398|399|400)\d{9}", document.number):
                        electronic += 1
                    else:
                        assert re.fullmatch(r"J\d+S\d+N\d+", document.number)
                        paper += 1
    assert electronic
    assert paper


def test_most_people_are_afghan_with_a_mix_of_third_country_nationals(
    scenario: Scenario,
) -> None:
    nationalities = scenario.stats.people_by_nationality or {}
    assert 0.8 <= nationalities["AFG"] / scenario.people <= 0.97
    others = set(nationalities) - {"AFG"}
    assert len(others) >= 8
    assert {"USA", "UKR", "UZB", "TJK"} <= others
    programs = scenario.stats.households_by_program or {}
    assert set(programs) == {p.code for p in scenario.programs}
    assert programs["siv"] > programs["citizens"]


def test_afghans_have_names_in_both_scripts_and_others_in_latin(scenario: Scenario) -> None:
    for truth in scenario.truths[:200]:
        for member in truth.members:
            name = member.person.name
            if "AFG" in member.person.nationalities and member.given.arabic:
                assert name.script is Script.ARABIC
                assert script_of(name.given) is Script.ARABIC
                assert script_of(name.given_romanised) is Script.LATIN
            elif not member.given.arabic:
                assert name.script is Script.LATIN


def test_some_households_are_on_several_lists(scenario: Scenario) -> None:
    counts = scenario.stats.households_by_list_count or {}
    several = sum(n for lists, n in counts.items() if lists >= 2)
    assert 0.2 <= several / scenario.stats.households <= 0.6
    assert counts.get(3, 0) > 0


def test_lists_disagree_the_way_real_lists_do(scenario: Scenario) -> None:
    tags = scenario.stats.perturbations or {}
    records = scenario.stats.records
    for tag in ("arabic_script", "swapped", "typo", "variant:dataset", "variant:rule"):
        assert tags.get(tag, 0) > 0.005 * records, tag
    for tag in ("split", "split_across", "merged", "date:year_only", "date:filled_jan1"):
        assert tags.get(tag, 0) > 0, tag


def test_the_same_person_appears_in_perso_arabic_in_one_list_and_latin_in_another(
    written: ScenarioFiles,
) -> None:
    scripts: dict[str, set[bool]] = {}
    for row in read_csv(written.truth):
        scripts.setdefault(row["person_id"], set()).add("arabic_script" in row["perturbations"])
    assert sum(1 for seen in scripts.values() if seen == {True, False}) > 20


def test_swapped_records_carry_the_family_name_where_the_given_name_belongs(
    scenario: Scenario,
) -> None:
    checked = 0
    for record in scenario.records():
        if "swapped" not in record.perturbations or "arabic_script" in record.perturbations:
            continue
        profile = next(p for p in scenario.profiles if p.code == record.organisation)
        fields = [column.field for column in profile.columns]
        given = str(record.values[fields.index("given_name")]).lower()
        family = record.person.person.name.family_romanised.lower()
        if not {"typo", "variant:rule", "variant:dataset"} & set(record.perturbations):
            assert given == family
            checked += 1
    assert checked > 5


def test_mohammad_sayed_and_ullah_names_appear_in_several_spellings(
    written: ScenarioFiles,
) -> None:
    words = Counter(
        re.findall(r"[A-Z][a-z]+", (written.out_dir / "hindukush-relief.csv").read_text())
        + re.findall(r"[A-Z][a-z]+", (written.out_dir / "harbor-logistics.csv").read_text())
    )
    assert {"Mohammad", "Muhammad", "Mohammed"} <= set(words)
    assert {"Mohd", "Md"} & set(words)
    assert "Sayed" in words
    assert {"Sayyid", "Syed", "Sayyed"} & set(words)
    ullah = {w for w in words if re.search(r"(ullah|ulla|allah|ollah)$", w)}
    assert len(ullah) > 10
    assert any(w.endswith("ulla") for w in ullah)


def test_children_carry_their_fathers_family_name(scenario: Scenario) -> None:
    checked = 0
    for truth in scenario.truths:
        principal = truth.members[0]
        spouse = next((m for m in truth.members if m.relationship is Relationship.SPOUSE), None)
        father = principal if principal.person.sex is Sex.MALE else spouse
        if father is None or not principal.family.latin or not principal.given.arabic:
            continue
        for member in truth.members:
            if member.relationship is Relationship.CHILD:
                assert member.family == father.family
                assert member.father.latin == father.given.latin
                checked += 1
    assert checked > 1000


def test_listed_relationships_agree_with_the_listed_persons_sex(scenario: Scenario) -> None:
    masculine = {"Husband", "Son", "Father", "Brother"}
    feminine = {"Wife", "Daughter", "Mother", "Sister"}
    checked = 0
    for record in scenario.records():
        profile = next(p for p in scenario.profiles if p.code == record.organisation)
        if profile.code != "hindukush-relief":
            continue
        fields = [column.field for column in profile.columns]
        word = record.values[fields.index("relationship")]
        sex = record.person.person.sex
        assert not (word in masculine and sex is Sex.FEMALE)
        assert not (word in feminine and sex is Sex.MALE)
        checked += word in masculine | feminine
    assert checked > 500
