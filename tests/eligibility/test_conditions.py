"""The condition language: what each kind of condition decides, including when facts are not
known."""

from __future__ import annotations

from pathlib import Path

import pytest

from refuge.domain import Relationship
from refuge.eligibility import CaseFacts, Outcome, SivStep, load_program, screen

from .builders import facts as make_facts
from .builders import family, household, passport, person, tazkira


def _decide(when: str, facts: CaseFacts) -> bool:
    text = (
        'code: probe\nname: Probe\nversion: "1"\nrules:\n  - id: probe\n'
        f"    when: {when}\n    pass: yes it holds\n    fail: no it does not\n"
    )
    program = load_program(Path("probe.yaml"), text)
    return screen(facts, program).outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("{fact: threat_level, op: eq, value: 3}", True),
        ("{fact: threat_level, op: ne, value: 3}", False),
        ("{fact: threat_level, op: lt, value: 3}", False),
        ("{fact: threat_level, op: le, value: 3}", True),
        ("{fact: threat_level, op: gt, value: 2}", True),
        ("{fact: threat_level, op: in, value: [1, 3]}", True),
        ("{fact: threat_level, op: not_in, value: [1, 3]}", False),
        ("{fact: siv.step, op: gt, value: com-approved}", True),
        ("{fact: siv.step, op: lt, value: interviewed}", True),
        ("{fact: siv.step, op: ge, value: visa-issued}", False),
        ("{fact: vulnerabilities, op: contains, value: activist}", True),
        ("{fact: vulnerabilities, op: contains, value: journalist}", False),
        ("{fact: vulnerabilities, op: any_of, value: [journalist, activist]}", True),
        ("{fact: vulnerabilities, op: all_in, value: [activist, woman-leader]}", True),
        ("{fact: vulnerabilities, op: all_in, value: [activist]}", False),
        ("{fact: referral, op: eq, value: ngo}", True),
        (
            "{all: [{fact: referral, op: eq, value: ngo}, {fact: threat_level, op: gt, value: 4}]}",
            False,
        ),
        (
            "{any: [{fact: referral, op: eq, value: x}, {fact: threat_level, op: gt, value: 2}]}",
            True,
        ),
        ("{not: {fact: referral, op: eq, value: ngo}}", False),
        ("{fact: household.size, op: eq, value: 3}", True),
        ("{fact: principal.age, op: eq, value: 36}", True),
        ("{count_members: {op: le, value: 3}}", True),
        ("{count_members: {where: {fact: member.age, op: lt, value: 18}, op: eq, value: 1}}", True),
        ("{any_member: {fact: member.relationship, op: eq, value: child}}", True),
        ("{every_member: {fact: member.nationalities, op: contains, value: AFG}}", True),
    ],
)
def test_each_kind_of_condition_decides_as_written(when: str, expected: bool) -> None:
    facts = make_facts(
        "probe",
        family(),
        threat_level=3,
        siv_step=SivStep.I360_FILED,
        vulnerabilities=frozenset({"activist", "woman-leader"}),
        referral="ngo",
    )

    assert _decide(when, facts) is expected


def test_an_unknown_fact_stays_unknown_through_not_so_the_rule_fails() -> None:
    facts = make_facts("probe")  # threat level not recorded

    assert _decide("{fact: threat_level, op: ge, value: 3}", facts) is False
    assert _decide("{not: {fact: threat_level, op: ge, value: 3}}", facts) is False


def test_a_known_answer_wins_over_an_unknown_one_in_any_and_all() -> None:
    facts = make_facts("probe", referral="ngo")

    either = "{any: [{fact: threat_level, op: ge, value: 3}, {fact: referral, op: eq, value: ngo}]}"
    both = "{all: [{fact: threat_level, op: ge, value: 3}, {fact: referral, op: eq, value: x}]}"
    assert _decide(either, facts) is True
    assert _decide(f"{{not: {both}}}", facts) is True


def test_a_count_with_an_unknown_age_is_decided_only_when_every_possibility_agrees() -> None:
    home = household(
        person("1980-01-01"),
        (person(""), Relationship.CHILD),
        (person("2015-01-01"), Relationship.CHILD),
    )
    facts = make_facts("probe", home)
    minors = "{fact: member.age, op: lt, value: 18}"

    assert _decide(f"{{count_members: {{where: {minors}, op: le, value: 2}}}}", facts) is True
    assert _decide(f"{{count_members: {{where: {minors}, op: ge, value: 1}}}}", facts) is True
    assert _decide(f"{{count_members: {{where: {minors}, op: eq, value: 1}}}}", facts) is False
    assert (
        _decide(f"{{not: {{count_members: {{where: {minors}, op: eq, value: 1}}}}}}", facts)
        is False
    )


def test_a_partial_date_of_birth_gives_the_youngest_age_it_allows() -> None:
    home = household(person("2003"))  # 17 or 18 on 2021-08-20: counted as 17

    assert _decide("{fact: principal.age, op: lt, value: 18}", make_facts("probe", home)) is True


def test_a_document_can_be_required_from_a_given_state_and_valid_on_a_given_day() -> None:
    home = household(person(documents=(passport("AFG"), tazkira())))
    facts = make_facts("probe", home)

    assert _decide("{has_document: {kind: passport}}", facts) is True
    assert _decide("{has_document: {kind: passport, issued_by: [USA]}}", facts) is False
    assert _decide("{has_document: {kind: passport, valid_on: 2030-01-01}}", facts) is False
    assert _decide("{has_document: {kind: tazkira, valid_on: 2030-01-01}}", facts) is True
    assert _decide("{has_document: {kind: visa}}", facts) is False


def test_conditions_describe_themselves_without_case_data() -> None:
    text = (
        'code: probe\nname: Probe\nversion: "1"\nrules:\n  - id: probe\n'
        "    when: {all: [{fact: siv.step, op: ge, value: com-approved}, "
        "{every_member: {has_document: {kind: [passport, tazkira]}}}]}\n"
        "    pass: p\n    fail: f\n"
    )
    (rule,) = load_program(Path("probe.yaml"), text).rules

    assert rule.describe() == (
        "all of (the Special Immigrant Visa step reached is at least com-approved; every "
        "household member: holds a passport or tazkira valid on the screening day)"
    )
