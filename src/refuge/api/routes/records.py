"""Source records, as the organisations' lists had them: listed by where they came from (no
value), read one at a time masked for the role (each read audited). A partner sees its own
lists' records only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from refuge.accounts import list_records, read_record
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import RecordLineOut, RecordOut

__all__ = ["router"]

router = APIRouter(prefix="/records", tags=["records"])


@router.get("", response_model=list[RecordLineOut])
def records(
    principal: Acting,
    svc: Svc,
    organisation: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")] = None,
    withdrawn: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[RecordLineOut]:
    lines = list_records(
        svc.uow(),
        principal,
        organisation=organisation,
        withdrawn=withdrawn,
        limit=limit,
        offset=offset,
    )
    return [RecordLineOut.model_validate(line) for line in lines]


@router.get("/{record_id}", response_model=RecordOut)
def record(record_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> RecordOut:
    return RecordOut.model_validate(read_record(svc.uow(), principal, record_id, now=now))
