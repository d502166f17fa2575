"""Re-screening after a program file changes: who changed outcome, from what to what, and which
rules made the difference."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from refuge.domain import InvalidInput, NotFound
from refuge.eligibility import (
    CaseFacts,
    Decision,
    Outcome,
    ProgramDefinition,
    SivStep,
    load_program,
    screen_cases,
    shipped_programs,
)

from .builders import facts as make_facts
from .builders import household, person

SHIPPED = shipped_programs()
SIV_TEXT = (resources.files("refuge.eligibility") / "programs" / "siv.yaml").read_text("utf-8")


def _siv_edited(old: str, new: str, version: str = "2021.08.2") -> ProgramDefinition:
    assert old in SIV_TEXT
    text = SIV_TEXT.replace(old, new).replace('version: "2021.07.1"', f'version: "{version}"')
    return load_program(Path("siv.yaml"), text)


def _cases() -> list[CaseFacts]:
    def siv(number: str, step: SivStep) -> CaseFacts:
        return make_facts(
            "siv", number=number, employer="us-government", employment_months=14, siv_step=step
        )

    return [
        siv("C-0001", SivStep.COM_APPROVED),
        siv("C-0002", SivStep.I360_APPROVED),
        siv("C-0003", SivStep.COM_APPLIED),
        make_facts("partner-tcn", household(person(nationalities=("NOR",))), number="C-0004"),
    ]


def _previous(cases: list[CaseFacts]) -> dict[str, Decision]:
    return {d.case_number: d for d in screen_cases(cases, SHIPPED).decisions}


def test_a_first_screening_has_no_changes_and_lists_everyone_as_first_screened() -> None:
    screening = screen_cases(_cases(), SHIPPED)

    assert screening.changes == ()
    assert screening.first_screened == ("C-0001", "C-0002", "C-0003", "C-0004")
    assert screening.counts() == {Outcome.ELIGIBLE: 3, Outcome.INELIGIBLE: 1}


def test_a_stricter_pipeline_rule_names_who_changed_and_why() -> None:
    cases = _cases()
    previous = _previous(cases)
    stricter = _siv_edited(
        "when: {fact: siv.step, op: ge, value: com-approved}",
        "when: {fact: siv.step, op: ge, value: i360-filed}",
    )

    screening = screen_cases(cases, {**SHIPPED, "siv": stricter}, previous=previous)

    (change,) = screening.changes
    assert change.case_number == "C-0001"
    assert (change.before, change.after) == (Outcome.ELIGIBLE, Outcome.INELIGIBLE)
    assert change.before_version.startswith("2021.07.1@")
    assert change.after_version.startswith("2021.08.2@")
    assert [(r.rule, r.before, r.after) for r in change.rules] == [("in-the-pipeline", True, False)]
    assert change.read_out() == (
        f"case C-0001: eligible -> ineligible (program siv {change.before_version} -> "
        f"{change.after_version}): rule in-the-pipeline now fails: Relocation is only for "
        "applicants already in the pipeline, and Chief of Mission approval has not been "
        "granted yet."
    )
    assert screening.first_screened == ()


def test_a_looser_rule_brings_people_in_and_says_which_rule() -> None:
    cases = _cases()
    looser = _siv_edited(
        "when: {fact: siv.step, op: ge, value: com-approved}",
        "when: {fact: siv.step, op: ge, value: com-applied}",
    )

    screening = screen_cases(cases, {**SHIPPED, "siv": looser}, previous=_previous(cases))

    assert [(c.case_number, c.before, c.after) for c in screening.changes] == [
        ("C-0003", Outcome.INELIGIBLE, Outcome.ELIGIBLE)
    ]
    assert "rule in-the-pipeline now passes" in screening.changes[0].read_out()


def test_a_new_document_rule_is_named_as_new() -> None:
    cases = _cases()
    extra_rule = (
        "  - id: principal-visa\n    effect: document\n"
        "    when: {has_document: {kind: visa}}\n"
        "    pass: The principal applicant holds a visa.\n"
        "    fail: The principal applicant needs a visa.\n"
    )
    stricter = load_program(Path("siv.yaml"), SIV_TEXT + "\n" + extra_rule)

    screening = screen_cases(cases, {**SHIPPED, "siv": stricter}, previous=_previous(cases))

    assert [c.case_number for c in screening.changes] == ["C-0001", "C-0002"]
    for change in screening.changes:
        assert change.after is Outcome.MISSING_DOCUMENTS
        assert [(r.rule, r.before, r.after) for r in change.rules] == [
            ("principal-visa", None, False)
        ]
        assert "new rule principal-visa fails: The principal applicant needs a visa." in (
            change.read_out()
        )


def test_changed_facts_with_the_same_program_show_as_changed_facts() -> None:
    cases = _cases()
    previous = _previous(cases)
    lost_papers = household(person(documents=()))
    now = make_facts(
        "siv",
        lost_papers,
        number="C-0002",
        employer="us-government",
        employment_months=14,
        siv_step=SivStep.I360_APPROVED,
    )

    screening = screen_cases([now], SHIPPED, previous=previous)

    (change,) = screening.changes
    assert change.before_version == change.after_version
    assert {r.rule for r in change.rules} == {"principal-passport", "family-identity-documents"}


def test_an_edit_without_a_version_bump_still_shows_in_the_decision() -> None:
    same_version = _siv_edited("value: 12}", "value: 13}", version="2021.07.1")
    decision = screen_cases(_cases()[:1], {"siv": same_version}).decisions[0]

    assert decision.program_version == SHIPPED["siv"].version
    assert decision.program_digest != SHIPPED["siv"].digest
    assert not decision.decided_by(SHIPPED["siv"])
    assert decision.decided_by(same_version)


def test_a_case_in_an_unknown_program_is_named() -> None:
    lost = make_facts("evacuation-by-sea", number="C-0099")

    with pytest.raises(NotFound, match="case C-0099: program evacuation-by-sea is not defined"):
        screen_cases([lost], SHIPPED)


def test_a_decision_survives_being_stored_and_read_back() -> None:
    for decision in screen_cases(_cases(), SHIPPED).decisions:
        assert Decision.from_record(decision.as_record()) == decision


def test_a_malformed_stored_decision_is_refused_with_its_case_number() -> None:
    record = screen_cases(_cases()[:1], SHIPPED).decisions[0].as_record()
    record["outcome"] = "maybe"

    with pytest.raises(InvalidInput, match="case C-0001: stored decision is malformed"):
        Decision.from_record(record)


def test_a_removed_rule_is_named_as_removed() -> None:
    short_service = make_facts(
        "siv",
        number="C-0010",
        employer="us-contractor",
        employment_months=6,
        siv_step=SivStep.COM_APPROVED,
    )
    rule = SIV_TEXT[SIV_TEXT.index("  - id: qualifying-service") : SIV_TEXT.index("  - id: in-the")]
    without = _siv_edited(rule, "")
    previous = _previous([short_service])

    screening = screen_cases([short_service], {"siv": without}, previous=previous)

    (change,) = screening.changes
    assert (change.before, change.after) == (Outcome.INELIGIBLE, Outcome.ELIGIBLE)
    assert [(r.rule, r.before, r.after) for r in change.rules] == [
        ("qualifying-service", False, None)
    ]
    assert "rule qualifying-service was removed (it failed)" in change.read_out()
