"""Applicant status: a case number and the applicant's secret in, a coarse status out. No
account, no session; rate limited; an unknown case and a wrong secret answer the same."""

from __future__ import annotations

from fastapi import APIRouter

from refuge.accounts import applicant_status
from refuge.api.deps import Client, Now, Svc
from refuge.api.schemas import ApplicantStatusIn, ApplicantStatusOut

__all__ = ["router"]

router = APIRouter(prefix="/applicant", tags=["applicant"])


@router.post("/status", response_model=ApplicantStatusOut)
def status(body: ApplicantStatusIn, svc: Svc, now: Now, client: Client) -> ApplicantStatusOut:
    """POST, not GET: the secret must not end up in URLs and logs."""
    coarse = applicant_status(
        svc.uow(), svc.guards, number=body.case_number, secret=body.secret, client=client, now=now
    )
    return ApplicantStatusOut(status=coarse)
