"""Order of precedence and the priority score: who goes first, and a score that adds up."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidConfiguration, Relationship
from refuge.eligibility import SivStep, load_precedence, prioritise, shipped_precedence

from .builders import ON, household, person
from .builders import facts as make_facts

ORDER = shipped_precedence()


def test_the_shipped_order_puts_citizens_then_residents_then_the_operations_categories() -> None:
    assert [c.code for c in ORDER.categories] == [
        "citizens",
        "permanent-residents",
        "siv",
        "resettlement-partner",
        "partner-tcn",
        "humanitarian",
        "other",
    ]
    assert [c.rank for c in ORDER.categories] == list(range(1, 8))


def test_a_household_with_a_citizen_child_goes_first_whatever_its_program() -> None:
    home = household(person(), (person("2019-01-01", nationalities=("USA",)), Relationship.CHILD))

    priority = prioritise(make_facts("siv", home), ORDER)

    assert priority.category == "citizens"
    assert priority.rank == 1


def test_a_resident_comes_before_siv_and_siv_before_the_humanitarian_path() -> None:
    resident = person()
    lpr = make_facts("citizens", household(resident), residence={resident.id: frozenset({"USA"})})

    ranks = [
        prioritise(lpr, ORDER).rank,
        prioritise(make_facts("siv"), ORDER).rank,
        prioritise(make_facts("humanitarian-p"), ORDER).rank,
    ]

    assert ranks == [2, 3, 6]


def test_a_case_of_a_program_without_a_category_falls_to_the_last_one() -> None:
    assert prioritise(make_facts("some-new-program"), ORDER).category == "other"


def test_the_score_is_explained_term_by_term() -> None:
    facts = make_facts(
        "siv",
        threat_level=4,
        medical_need=2,
        vulnerabilities=frozenset({"journalist", "woman-leader", "poet"}),
        siv_step=SivStep.I360_FILED,
        registered_on=ON - dt.timedelta(days=400),
    )

    priority = prioritise(facts, ORDER)

    assert [(t.id, t.points) for t in priority.terms] == [
        ("threat", 40.0),
        ("medical", 16.0),
        ("vulnerability", 11.0),
        ("pipeline", 4.0),
        ("waiting", pytest.approx(7.3)),
    ]
    assert priority.read_out() == [
        "Category 3: Special Immigrant Visa applicants in the pipeline",
        "Threat level: 4 × 10 = 40",
        "Medical need: 2 × 8 = 16",
        "Groups at risk: journalist 5 + woman-leader 6 = 11",
        "Visa pipeline step reached: i360-filed (step 2) × 2 = 4",
        "Days waiting (up to a year): 365 (capped from 400) × 0.02 = 7.3",
        "Score: 78.3",
    ]


def test_facts_not_recorded_score_nothing_and_say_so() -> None:
    priority = prioritise(make_facts("humanitarian-p"), ORDER)

    assert priority.score == 0
    assert {t.seen for t in priority.terms} == {"not recorded", "none that scores"}


@settings(max_examples=60, deadline=None)
@given(
    threat=st.none() | st.integers(0, 5),
    medical=st.none() | st.integers(0, 3),
    risks=st.frozensets(st.sampled_from(["journalist", "activist", "woman-leader", "other"])),
    step=st.none() | st.sampled_from(list(SivStep)),
    waited=st.none() | st.integers(0, 2000),
)
def test_the_score_always_equals_the_sum_of_its_terms(
    threat: int | None,
    medical: int | None,
    risks: frozenset[str],
    step: SivStep | None,
    waited: int | None,
) -> None:
    facts = make_facts(
        "siv",
        threat_level=threat,
        medical_need=medical,
        vulnerabilities=risks,
        siv_step=step,
        registered_on=None if waited is None else ON - dt.timedelta(days=waited),
    )

    priority = prioritise(facts, ORDER)

    assert priority.score == math.fsum(t.points for t in priority.terms)
    assert priority.read_out()[-1] == f"Score: {priority.score:g}"
    threat_term = next(t for t in priority.terms if t.id == "threat")
    assert threat_term.points == (threat or 0) * 10


GOOD = """\
version: "1"
categories:
  - code: first
    name: First
    when: {fact: case.program, op: eq, value: siv}
  - code: rest
    name: Everyone else
score:
  - {id: threat, label: Threat, fact: threat_level, weight: 1}
"""


def _problem(tmp_path: Path, text: str) -> str:
    path = tmp_path / "precedence.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidConfiguration) as caught:
        load_precedence(path)
    assert "precedence.yaml" in caught.value.message
    return caught.value.message


def test_a_good_precedence_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "precedence.yaml"
    path.write_text(GOOD, encoding="utf-8")

    order = load_precedence(path)

    assert [c.code for c in order.categories] == ["first", "rest"]
    assert order.category("rest").describe() == "every other case"


def test_only_the_last_category_may_take_every_case(tmp_path: Path) -> None:
    text = GOOD.replace("    when: {fact: case.program, op: eq, value: siv}\n", "")

    message = _problem(tmp_path, text)

    assert "line 3, at categories[0]: only the last category may leave out `when`" in message


def test_a_score_term_on_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("fact: threat_level", "fact: danger"))

    assert "line 9, at score[0]: unknown fact 'danger'" in message


def test_a_score_term_needs_either_weight_or_points(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("weight: 1", "weight: 1, points: {a: 1}"))

    assert "give either weight or points" in message


def test_a_score_term_cannot_use_a_members_fact(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("fact: threat_level", "fact: member.age"))

    assert "a score uses facts of the case" in message


def test_a_category_repeated_is_refused(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("code: rest", "code: first"))

    assert "line 6, at categories[1].code: category 'first' repeated" in message


def test_a_category_condition_is_checked_like_a_rule(tmp_path: Path) -> None:
    message = _problem(tmp_path, GOOD.replace("op: eq, value: siv", "op: ge, value: siv"))

    assert "line 5, at categories[0].when.op" in message
