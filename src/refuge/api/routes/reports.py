"""Reports: counts of the operation, no personal data."""

from __future__ import annotations

from fastapi import APIRouter

from refuge.accounts import report
from refuge.api.deps import Acting, Svc
from refuge.api.schemas import ReportOut

__all__ = ["router"]

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/summary", response_model=ReportOut)
def summary(principal: Acting, svc: Svc) -> ReportOut:
    s = report(svc.uow(), principal)
    return ReportOut(
        organisations=s.organisations,
        programs=s.programs,
        households=s.households,
        people=s.people,
        cases=s.cases,
        cases_by_stage={str(k): v for k, v in s.cases_by_stage.items()},
        cases_by_program=dict(s.cases_by_program),
        people_by_nationality=dict(s.people_by_nationality),
        audit_events=s.audit_events,
        audit_intact=not s.audit_findings,
    )
