"""Screening: a case's last eligibility decision with the rules that made it; screening the cases
against the programs' rules (as `refuge screen` does); and a vetting officer's security
screening outcome, which moves the case (If-Match or `expected_version` as for transitions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from refuge.accounts import (
    CaseView,
    VettingOutcome,
    read_screening,
    record_vetting,
    run_screening,
)
from refuge.api.deps import Acting, Now, Svc
from refuge.api.routes.cases import case_answer, version_read
from refuge.api.schemas import (
    LINE,
    CaseOut,
    CaseStatusOut,
    EligibilityDecisionOut,
    RuleResultOut,
    ScreeningOut,
    ScreeningRunIn,
    ScreeningRunOut,
    VettingIn,
)
from refuge.domain import InvalidInput
from refuge.eligibility import RuleResult, shipped_programs

__all__ = ["router"]

router = APIRouter(prefix="/screening", tags=["screening"])

CaseNumber = Annotated[str, Path(min_length=1, max_length=32, pattern=LINE)]


def _rule(result: RuleResult) -> RuleResultOut:
    return RuleResultOut(
        rule=result.rule,
        effect=str(result.effect),
        passed=result.passed,
        text=result.text,
        unknown=list(result.unknown),
    )


@router.get("/cases/{number}", response_model=ScreeningOut)
def screening(number: CaseNumber, principal: Acting, svc: Svc) -> ScreeningOut:
    found = read_screening(svc.uow(), principal, number)
    case, decision = found.case, found.decision
    return ScreeningOut(
        number=case.number,
        stage=case.stage if isinstance(case, CaseView) else None,
        status=case.status,
        decision=None
        if decision is None
        else EligibilityDecisionOut(
            program=decision.program,
            program_version=decision.program_version,
            on=decision.on,
            outcome=str(decision.outcome),
            read_out=decision.read_out(),
            reasons=[_rule(r) for r in decision.reasons],
            results=[_rule(r) for r in decision.results],
        ),
    )


@router.post("/cases/{number}/vetting", response_model=CaseOut | CaseStatusOut)
def vetting(
    number: CaseNumber,
    body: VettingIn,
    principal: Acting,
    svc: Svc,
    now: Now,
    response: Response,
    if_match: Annotated[str | None, Header(pattern=r'^(W/)?"?[0-9]{1,9}"?$')] = None,
) -> CaseOut | CaseStatusOut:
    """Record a security screening outcome: the case moves to vetting_cleared or
    vetting_refused. Needs the version read, like any move."""
    expected = version_read(if_match, body.expected_version)
    if expected is None:
        raise InvalidInput("send the version read, as If-Match or expected_version")
    view = record_vetting(
        svc.uow(),
        principal,
        number,
        VettingOutcome(body.outcome),
        reason=body.reason,
        expected_version=expected,
        now=now,
    )
    return case_answer(view, response)


@router.post("/runs", response_model=ScreeningRunOut)
def run(body: ScreeningRunIn, principal: Acting, svc: Svc, now: Now) -> ScreeningRunOut:
    """Screen every screenable case (or only those whose facts or program changed) under the
    shipped programs, record the decisions, move the cases, and count the quotas again."""
    report, usage = run_screening(
        svc.uow(),
        principal,
        programs=shipped_programs(),
        only_changed=body.only_changed,
        now=now,
    )
    return ScreeningRunOut(
        screened=report.screened,
        unchanged=report.unchanged,
        counts={str(k): v for k, v in report.counts.items()},
        moved=report.moved,
        first_screened=report.first_screened,
        changes=[change.read_out() for change in report.changes],
        without_program=list(report.without_program),
        unreadable=list(report.unreadable),
        quotas=[quota.read_out() for quota in usage],
    )
