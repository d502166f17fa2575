"""Persons as matching joined source records into them: listed by id with their household and
record count, read with every record of theirs (masked for the role; each read audited)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from refuge.accounts import list_persons, read_person
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import PersonLineOut, PersonRecordsOut

__all__ = ["router"]

router = APIRouter(prefix="/persons", tags=["persons"])


@router.get("", response_model=list[PersonLineOut])
def persons(
    principal: Acting,
    svc: Svc,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[PersonLineOut]:
    lines = list_persons(svc.uow(), principal, limit=limit, offset=offset)
    return [PersonLineOut.model_validate(line) for line in lines]


@router.get("/{person_id}", response_model=PersonRecordsOut)
def person(person_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> PersonRecordsOut:
    return PersonRecordsOut.model_validate(read_person(svc.uow(), principal, person_id, now=now))
