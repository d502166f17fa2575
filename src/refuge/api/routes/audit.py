"""The audit log: read and verified by auditors and coordinators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from refuge.accounts import read_audit, verify_audit_log
from refuge.api.deps import Acting, Svc
from refuge.api.schemas import AuditEventOut, AuditFindingOut, AuditVerifyOut

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/events", response_model=list[AuditEventOut])
def events(
    principal: Acting,
    svc: Svc,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="the last seq already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEventOut]:
    page = read_audit(svc.uow(), principal, after=after, limit=limit)
    return [
        AuditEventOut(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            object_kind=e.object_kind,
            object_id=e.object_id,
            details=dict(e.details),
            hash=e.hash,
        )
        for e in page
    ]


@router.get("/verify", response_model=AuditVerifyOut)
def verify(principal: Acting, svc: Svc) -> AuditVerifyOut:
    findings = verify_audit_log(svc.uow(), principal)
    return AuditVerifyOut(
        intact=not findings,
        findings=[
            AuditFindingOut(seq=f.seq, problem=str(f.problem), message=f.message) for f in findings
        ],
    )
