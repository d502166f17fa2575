"""Each shipped program decides representative cases, with the reasons an officer reads out."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.domain import Relationship, Sex, Stage
from refuge.eligibility import (
    CaseFacts,
    Decision,
    Outcome,
    RuleEffect,
    SivStep,
    screen,
    shipped_programs,
)

from .builders import EXPIRED, family, household, passport, person, tazkira
from .builders import facts as make_facts

PROGRAMS = shipped_programs()


def _screen(facts: CaseFacts) -> Decision:
    return screen(facts, PROGRAMS[facts.case.program])


def _reasons(decision: Decision) -> list[str]:
    return [reason.rule for reason in decision.reasons]


def _siv(**changes: object) -> CaseFacts:
    known: dict[str, object] = {
        "employer": "us-military",
        "role": "interpreter",
        "employment_months": 30,
        "siv_step": SivStep.COM_APPROVED,
    }
    known.update(changes)
    home = known.pop("home", None)
    return make_facts("siv", home, **known)


# Special Immigrant Visa


def test_an_siv_applicant_with_chief_of_mission_approval_and_papers_is_eligible() -> None:
    decision = _screen(_siv())

    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.stage is Stage.ELIGIBLE
    assert _reasons(decision) == [
        "qualifying-employer",
        "qualifying-service",
        "in-the-pipeline",
        "eligible-family",
        "principal-passport",
        "family-identity-documents",
    ]
    assert decision.program_version == PROGRAMS["siv"].version
    assert decision.program_digest == PROGRAMS["siv"].digest
    assert "Chief of Mission approval or has gone further" in decision.read_out()


@pytest.mark.parametrize(
    "step", [SivStep.COM_APPROVED, SivStep.I360_FILED, SivStep.INTERVIEWED, SivStep.VISA_ISSUED]
)
def test_every_step_from_chief_of_mission_approval_on_is_in_the_pipeline(step: SivStep) -> None:
    assert _screen(_siv(siv_step=step)).outcome is Outcome.ELIGIBLE


def test_an_siv_applicant_who_only_applied_is_not_yet_in_the_pipeline() -> None:
    decision = _screen(_siv(siv_step=SivStep.COM_APPLIED))

    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.stage is Stage.INELIGIBLE
    assert _reasons(decision) == ["in-the-pipeline"]
    assert decision.read_out() == (
        "Not eligible: Relocation is only for applicants already in the pipeline, and Chief of "
        "Mission approval has not been granted yet."
    )


def test_an_unrecorded_siv_step_fails_and_says_what_is_not_recorded() -> None:
    decision = _screen(_siv(siv_step=None))

    assert decision.outcome is Outcome.INELIGIBLE
    (reason,) = decision.reasons
    assert reason.rule == "in-the-pipeline"
    assert reason.unknown == ("siv.step",)
    assert reason.read_out().endswith("(not recorded: siv.step)")


def test_an_siv_applicant_who_worked_for_someone_else_for_too_short_is_told_both() -> None:
    decision = _screen(_siv(employer="local-business", employment_months=6))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["qualifying-employer", "qualifying-service"]


def test_an_siv_household_with_an_adult_son_is_ineligible_for_family_reasons() -> None:
    home = family(child_born="1998-01-05")  # 23 on the screening day

    decision = _screen(_siv(home=home))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["eligible-family"]


def test_a_child_whose_age_cannot_be_known_does_not_pass_the_family_rule() -> None:
    home = household(person(), (person(""), Relationship.CHILD))

    (reason,) = _screen(_siv(home=home)).reasons

    assert reason.rule == "eligible-family"
    assert reason.unknown == ("member.age",)


def test_an_expired_passport_counts_as_missing() -> None:
    home = household(
        person(documents=(passport(expiry=EXPIRED), tazkira())),
        (person("1990-01-01", sex=Sex.FEMALE), Relationship.SPOUSE),
    )

    decision = _screen(_siv(home=home))

    assert decision.outcome is Outcome.MISSING_DOCUMENTS
    assert decision.stage is Stage.DOCUMENTS_MISSING
    assert _reasons(decision) == ["principal-passport"]
    assert decision.read_out() == (
        "Documents missing: The principal applicant needs a passport valid today."
    )


def test_a_family_member_without_any_identity_document_leaves_documents_missing() -> None:
    home = household(person(), (person("2015-02-02", documents=()), Relationship.CHILD))

    decision = _screen(_siv(home=home))

    assert decision.outcome is Outcome.MISSING_DOCUMENTS
    assert _reasons(decision) == ["family-identity-documents"]


def test_a_passport_valid_on_one_day_is_expired_on_a_later_one() -> None:
    home = household(person(documents=(passport(expiry=dt.date(2021, 9, 1)),)))

    assert _screen(_siv(home=home)).outcome is Outcome.ELIGIBLE
    later = _siv(home=home, on=dt.date(2021, 9, 2))
    assert _screen(later).outcome is Outcome.MISSING_DOCUMENTS


def test_a_failed_requirement_outweighs_missing_documents() -> None:
    home = household(person(documents=()))

    decision = _screen(_siv(home=home, siv_step=SivStep.COM_APPLIED))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["in-the-pipeline"]
    failed = {r.rule for r in decision.results if not r.passed}
    assert failed == {"in-the-pipeline", "principal-passport", "family-identity-documents"}


# Citizens and lawful permanent residents


def test_a_citizen_with_a_foreign_spouse_and_their_child_is_eligible() -> None:
    home = household(
        person(nationalities=("USA",), documents=(passport("USA"),)),
        (person("1990-05-05", documents=(tazkira(),)), Relationship.SPOUSE),
        (person("2019-07-07", nationalities=("USA", "AFG")), Relationship.CHILD),
    )

    decision = _screen(make_facts("citizens", home))

    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.reasons[0].text == (
        "Someone in the household is a citizen or lawful permanent resident of the United States."
    )


def test_a_lawful_permanent_resident_household_is_eligible() -> None:
    resident = person()
    home = household(resident, (person("2010-01-01"), Relationship.CHILD))

    decision = _screen(make_facts("citizens", home, residence={resident.id: frozenset({"USA"})}))

    assert decision.outcome is Outcome.ELIGIBLE


def test_a_household_without_citizen_or_resident_is_ineligible() -> None:
    decision = _screen(make_facts("citizens", family()))

    assert decision.outcome is Outcome.INELIGIBLE
    assert [r.text for r in decision.reasons] == [
        "Nobody in the household is a citizen or lawful permanent resident of the United States."
    ]


def test_a_citizen_cannot_bring_a_cousin() -> None:
    home = household(
        person(nationalities=("USA",)), (person("1991-01-01"), Relationship.OTHER_RELATIVE)
    )

    decision = _screen(make_facts("citizens", home))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["immediate-family"]


# Third-country nationals of partner states


def test_a_partner_national_is_eligible_and_one_a_partner_agreed_to_carry_too() -> None:
    british = household(person(nationalities=("GBR",), documents=(passport("GBR"),)))
    agreed = household(person())

    assert _screen(make_facts("partner-tcn", british)).outcome is Outcome.ELIGIBLE
    accepted = make_facts("partner-tcn", agreed, accepted_by=frozenset({"DEU"}))
    assert _screen(accepted).outcome is Outcome.ELIGIBLE


def test_a_national_of_no_partner_state_without_agreement_is_ineligible() -> None:
    decision = _screen(make_facts("partner-tcn", household(person())))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["partner-national-or-agreed"]


def test_partner_nationals_need_passports_a_tazkira_is_not_enough() -> None:
    home = household(
        person(nationalities=("CAN",), documents=(passport("CAN"),)),
        (person("2016-03-03", documents=(tazkira(),)), Relationship.CHILD),
    )

    decision = _screen(make_facts("partner-tcn", home))

    assert decision.outcome is Outcome.MISSING_DOCUMENTS
    assert _reasons(decision) == ["passports"]


# Expedited humanitarian path


def _at_risk(**changes: object) -> CaseFacts:
    known: dict[str, object] = {
        "vulnerabilities": frozenset({"journalist"}),
        "referral": "media-organisation",
        "threat_level": 3,
    }
    known.update(changes)
    home = known.pop("home", None)
    return make_facts("humanitarian-p", home, **known)


def test_a_referred_journalist_under_threat_is_eligible() -> None:
    assert _screen(_at_risk()).outcome is Outcome.ELIGIBLE


def test_a_woman_leader_with_only_a_tazkira_is_eligible() -> None:
    home = household(person(sex=Sex.FEMALE, documents=(tazkira(),)))

    decision = _screen(_at_risk(home=home, vulnerabilities=frozenset({"woman-leader"})))

    assert decision.outcome is Outcome.ELIGIBLE


def test_someone_not_referred_and_not_at_risk_is_told_every_reason() -> None:
    decision = _screen(_at_risk(vulnerabilities=frozenset(), referral=None, threat_level=0))

    assert decision.outcome is Outcome.INELIGIBLE
    assert _reasons(decision) == ["at-risk-category", "referred", "under-threat"]
    assert decision.reasons[1].unknown == ("referral",)


def test_the_humanitarian_applicant_without_identity_document_has_documents_missing() -> None:
    home = household(person(documents=(passport(expiry=EXPIRED),)))

    decision = _screen(_at_risk(home=home))

    assert decision.outcome is Outcome.MISSING_DOCUMENTS
    assert _reasons(decision) == ["principal-identity"]


# Partner state resettlement of local staff


def _local_staff(**changes: object) -> CaseFacts:
    known: dict[str, object] = {
        "employer": "partner-armed-forces",
        "role": "interpreter",
        "accepted_by": frozenset({"DEU"}),
    }
    known.update(changes)
    home = known.pop("home", None)
    return make_facts("resettlement-partner", home, **known)


def test_an_interpreter_with_an_admission_commitment_and_family_is_eligible() -> None:
    assert _screen(_local_staff()).outcome is Outcome.ELIGIBLE


def test_embassy_staff_qualify_and_drivers_do_not() -> None:
    embassy = _local_staff(employer="partner-embassy", role="embassy-staff")
    driver = _local_staff(employer="partner-embassy", role="driver")

    assert _screen(embassy).outcome is Outcome.ELIGIBLE
    assert _reasons(_screen(driver)) == ["local-staff"]


def test_without_an_admission_commitment_local_staff_wait() -> None:
    decision = _screen(_local_staff(accepted_by=frozenset()))

    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.read_out() == (
        "Not eligible: The partner state has not given an admission commitment for the "
        "household yet."
    )


def test_resettlement_takes_children_under_eighteen_only() -> None:
    home = family(child_born="2002-05-05")  # 19: fine for SIV, too old here

    assert _screen(_local_staff(home=home)).outcome is Outcome.INELIGIBLE
    assert _screen(_siv(home=home)).outcome is Outcome.ELIGIBLE


def test_screening_is_the_same_every_time() -> None:
    facts = _local_staff()

    assert _screen(facts) == _screen(facts)


@settings(max_examples=60, deadline=None)
@given(
    program=st.sampled_from(sorted(PROGRAMS)),
    step=st.none() | st.sampled_from(list(SivStep)),
    employer=st.none() | st.sampled_from(["us-military", "partner-embassy", "local-business"]),
    role=st.none() | st.sampled_from(["interpreter", "embassy-staff", "driver"]),
    months=st.none() | st.integers(0, 60),
    threat=st.none() | st.integers(0, 5),
    risks=st.frozensets(st.sampled_from(["journalist", "activist", "poet"])),
    referral=st.none() | st.sampled_from(["ngo", "self"]),
    accepted=st.frozensets(st.sampled_from(["DEU", "GBR", "BRA"])),
    nationality=st.sampled_from(["AFG", "USA", "NOR"]),
    child_born=st.sampled_from(["", "1999", "2010-05", "2019-02-03"]),
    principal_documents=st.sampled_from(["passport", "expired", "tazkira", "none"]),
)
def test_every_outcome_follows_from_the_rules_it_reports(
    program: str,
    step: SivStep | None,
    employer: str | None,
    role: str | None,
    months: int | None,
    threat: int | None,
    risks: frozenset[str],
    referral: str | None,
    accepted: frozenset[str],
    nationality: str,
    child_born: str,
    principal_documents: str,
) -> None:
    documents = {
        "passport": (passport(nationality),),
        "expired": (passport(nationality, expiry=EXPIRED),),
        "tazkira": (tazkira(),),
        "none": (),
    }[principal_documents]
    home = household(
        person(nationalities=(nationality,), documents=documents),
        (person(child_born), Relationship.CHILD),
    )
    facts = make_facts(
        program,
        home,
        siv_step=step,
        employer=employer,
        role=role,
        employment_months=months,
        threat_level=threat,
        vulnerabilities=risks,
        referral=referral,
        accepted_by=accepted,
    )

    decision = _screen(facts)

    failed = [r for r in decision.results if not r.passed]
    assert [r.rule for r in decision.results] == [rule.id for rule in PROGRAMS[program].rules]
    assert decision.reasons
    assert set(decision.reasons) <= set(decision.results)
    if decision.outcome is Outcome.ELIGIBLE:
        assert not failed
    elif decision.outcome is Outcome.INELIGIBLE:
        assert decision.reasons == tuple(r for r in failed if r.effect is RuleEffect.REQUIRE)
    else:
        assert all(r.effect is RuleEffect.DOCUMENT for r in failed)
        assert decision.reasons == tuple(failed)
    if principal_documents in ("expired", "none") and decision.outcome is not Outcome.INELIGIBLE:
        assert decision.outcome is Outcome.MISSING_DOCUMENTS
