"""Quotas: never exceeded, always visible, and allocation in precedence-and-score order that
says who a full quota held back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput, Relationship
from refuge.eligibility import (
    CaseFacts,
    Decision,
    Outcome,
    Quota,
    QuotaLedger,
    QuotaUnit,
    SivStep,
    allocate,
    load_precedence,
    screen,
    shipped_precedence,
    shipped_programs,
)

from .builders import ON, household, person
from .builders import facts as make_facts

PROGRAMS = shipped_programs()
PEOPLE = QuotaUnit.PEOPLE
HOUSEHOLDS = QuotaUnit.HOUSEHOLDS


def test_the_ledger_shows_used_and_left() -> None:
    ledger = QuotaLedger({"program:x": Quota(limit=10, unit=PEOPLE)}, used={"program:x": 3})

    assert ledger.take(["program:x"], household_size=4) is None

    usage = ledger.usage("program:x")
    assert (usage.used, usage.left) == (7, 3)
    assert usage.read_out() == "program:x: 7 of 10 people used, 3 left"


def test_a_household_that_does_not_fit_is_refused_whole_and_counts_nothing() -> None:
    ledger = QuotaLedger({"program:x": Quota(limit=5, unit=PEOPLE)})

    assert ledger.take(["program:x"], 4) is None
    assert ledger.take(["program:x"], 2) == "program:x"
    assert ledger.usage("program:x").used == 4


def test_a_household_is_counted_against_all_its_quotas_or_none() -> None:
    ledger = QuotaLedger(
        {
            "category:a": Quota(limit=10, unit=PEOPLE),
            "program:b": Quota(limit=1, unit=HOUSEHOLDS),
        }
    )

    assert ledger.take(["category:a", "program:b"], 3) is None
    assert ledger.take(["category:a", "program:b"], 3) == "program:b"
    assert [(u.key, u.used, u.left) for u in ledger.usages()] == [
        ("category:a", 3, 7),
        ("program:b", 1, 0),
    ]


def test_keys_without_a_quota_do_not_limit() -> None:
    ledger = QuotaLedger({})

    assert ledger.take(["category:citizens", "program:citizens"], 40) is None
    assert ledger.usages() == ()


def test_the_ledger_refuses_usage_of_a_quota_it_does_not_know() -> None:
    with pytest.raises(InvalidInput, match="quota program:y is not defined"):
        QuotaLedger({"program:x": Quota(limit=1)}, used={"program:y": 1})


@settings(max_examples=80, deadline=None)
@given(
    limit=st.integers(0, 30),
    unit=st.sampled_from(list(QuotaUnit)),
    already=st.integers(0, 30),
    sizes=st.lists(st.integers(1, 9), max_size=25),
)
def test_a_quota_is_never_exceeded(
    limit: int, unit: QuotaUnit, already: int, sizes: list[int]
) -> None:
    ledger = QuotaLedger({"q": Quota(limit=limit, unit=unit)}, used={"q": min(already, limit)})
    start = ledger.usage("q").used

    admitted = [size for size in sizes if ledger.take(["q"], size) is None]

    usage = ledger.usage("q")
    counted = sum(admitted) if unit is PEOPLE else len(admitted)
    assert usage.used == start + counted
    assert 0 <= usage.used <= limit
    assert usage.left == limit - usage.used


def _eligible_at_risk(number: str, size: int, threat: int, waited: int = 10) -> CaseFacts:
    children = [(person("2012-01-01"), Relationship.CHILD) for _ in range(size - 1)]
    home = household(person(), *children)
    return make_facts(
        "humanitarian-p",
        home,
        number=number,
        vulnerabilities=frozenset({"activist"}),
        referral="ngo",
        threat_level=threat,
        registered_on=ON - dt.timedelta(days=waited),
    )


def _screened(*cases: CaseFacts) -> list[tuple[CaseFacts, Decision]]:
    return [(facts, screen(facts, PROGRAMS[facts.case.program])) for facts in cases]


def test_allocation_follows_precedence_then_score_and_holds_back_over_quota() -> None:
    order = shipped_precedence()
    siv = make_facts(
        "siv",
        number="C-SIV",
        employer="us-military",
        employment_months=24,
        siv_step=SivStep.INTERVIEWED,
    )
    low = _eligible_at_risk("C-LOW", size=3, threat=2)
    high = _eligible_at_risk("C-HIGH", size=4, threat=5)
    ledger = QuotaLedger({"program:humanitarian-p": Quota(limit=5, unit=PEOPLE)})

    allocation = allocate(_screened(low, high, siv), order, ledger)

    assert [p.case_number for p in allocation.placements] == ["C-SIV", "C-HIGH", "C-LOW"]
    assert [p.admitted for p in allocation.placements] == [True, True, False]
    held = allocation.held_back[0]
    assert held.held_back_by == "program:humanitarian-p"
    assert held.read_out() == (
        "3. case C-LOW (humanitarian, score 25.2): held back, quota program:humanitarian-p is full"
    )
    assert [u.read_out() for u in allocation.usage] == [
        "program:humanitarian-p: 4 of 5 people used, 1 left"
    ]


def test_a_smaller_household_behind_a_held_back_one_still_gets_the_places_left() -> None:
    ledger = QuotaLedger({"program:humanitarian-p": Quota(limit=3, unit=PEOPLE)})
    big = _eligible_at_risk("C-BIG", size=5, threat=5)
    small = _eligible_at_risk("C-SMALL", size=2, threat=2)

    allocation = allocate(_screened(big, small), shipped_precedence(), ledger)

    assert [(p.case_number, p.admitted) for p in allocation.placements] == [
        ("C-BIG", False),
        ("C-SMALL", True),
    ]


def test_equal_scores_go_to_whoever_waited_longer() -> None:
    ledger = QuotaLedger({"program:humanitarian-p": Quota(limit=1, unit=HOUSEHOLDS)})
    recent = _eligible_at_risk("C-A", size=1, threat=3, waited=0)
    patient = _eligible_at_risk("C-B", size=1, threat=3, waited=0)
    patient = CaseFacts(
        patient.case, patient.household, ON, registered_on=ON - dt.timedelta(days=1),
        vulnerabilities=patient.vulnerabilities, referral="ngo", threat_level=3,
    )  # fmt: skip

    allocation = allocate(_screened(recent, patient), shipped_precedence(), ledger)

    assert [(p.case_number, p.admitted) for p in allocation.placements] == [
        ("C-B", True),
        ("C-A", False),
    ]


def test_cases_not_eligible_are_not_placed() -> None:
    refused = make_facts("humanitarian-p", number="C-NO")
    ok = _eligible_at_risk("C-OK", size=1, threat=3)

    allocation = allocate(_screened(refused, ok), shipped_precedence(), QuotaLedger({}))

    assert [p.case_number for p in allocation.placements] == ["C-OK"]
    assert screen(refused, PROGRAMS["humanitarian-p"]).outcome is Outcome.INELIGIBLE


def test_category_quotas_from_the_precedence_file_are_enforced(tmp_path: Path) -> None:
    path = tmp_path / "precedence.yaml"
    path.write_text(
        'version: "1"\ncategories:\n  - code: everyone\n    name: Everyone\n'
        "    quota: {limit: 1, unit: households}\n",
        encoding="utf-8",
    )
    order = load_precedence(path)
    ledger = QuotaLedger.for_operation(order, PROGRAMS)
    first = _eligible_at_risk("C-1", size=2, threat=4)
    second = _eligible_at_risk("C-2", size=1, threat=2)

    allocation = allocate(_screened(first, second), order, ledger)

    assert [p.held_back_by for p in allocation.placements] == [None, "category:everyone"]
    assert {u.key: (u.used, u.left) for u in allocation.usage} == {
        "category:everyone": (1, 0),
        "program:humanitarian-p": (2, 1998),
    }


def test_a_decision_must_belong_to_the_case_it_is_paired_with() -> None:
    one = _eligible_at_risk("C-1", size=1, threat=3)
    other = _eligible_at_risk("C-2", size=1, threat=3)
    wrong = (one, screen(other, PROGRAMS["humanitarian-p"]))

    with pytest.raises(InvalidInput, match="case C-1: decision is for another case"):
        allocate([wrong], shipped_precedence(), QuotaLedger({}))
