"""Helpers for the stored screening tests: an operation with the shipped programs' codes,
households registered as cases, and facts recorded for them (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from refuge.cases.services import Registration, add_organisation, add_program, register_households
from refuge.domain import Household, Organisation, OrganisationKind, Program
from refuge.eligibility import RecordedFacts, SivStep, record_case_facts
from refuge.store import SqlUnitOfWork

from .builders import family

NOW = dt.datetime(2021, 8, 20, 9, 30, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)
ACTOR = "officer-1"
ORGANISATION = Organisation("ngo-test", "Test NGO", OrganisationKind.NGO)
PROGRAMS = (
    Program("citizens", "Citizens", 1),
    Program("siv", "Special Immigrant Visa", 3),
    Program("humanitarian-p", "People at risk", 4),
)

Factory = Callable[[], SqlUnitOfWork]

SIV_READY = RecordedFacts(
    siv_step=SivStep.COM_APPROVED,
    employer="us-government",
    employment_months=30,
    threat_level=3,
)
SIV_TOO_EARLY = RecordedFacts(
    siv_step=SivStep.COM_APPLIED,
    employer="us-government",
    employment_months=30,
)
AT_RISK = RecordedFacts(
    vulnerabilities=frozenset({"journalist"}),
    referral="media-organisation",
    threat_level=4,
)


def operation(uow_factory: Factory) -> None:
    add_organisation(uow_factory(), ORGANISATION, actor=ACTOR, now=NOW)
    for program in PROGRAMS:
        add_program(uow_factory(), program, actor=ACTOR, now=NOW)


def register(
    uow_factory: Factory,
    program: str,
    facts: RecordedFacts | None,
    household: Household | None = None,
) -> str:
    """One household registered in `program`, with `facts` recorded; its case number."""
    registration = Registration(household or family(), program, ORGANISATION.code)
    (number,) = register_households(uow_factory(), [registration], actor=ACTOR, now=NOW)
    if facts is not None:
        record_case_facts(uow_factory(), number, facts, actor=ACTOR, now=NOW)
    return number
