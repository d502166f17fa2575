"""Organisations taking part in the operation."""

from __future__ import annotations

from fastapi import APIRouter, status

from refuge.accounts import create_organisation, list_organisations
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import OrganisationIn, OrganisationOut
from refuge.domain import Organisation

__all__ = ["router"]

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=list[OrganisationOut])
def organisations(principal: Acting, svc: Svc) -> list[OrganisationOut]:
    return [OrganisationOut.model_validate(o) for o in list_organisations(svc.uow(), principal)]


@router.post("", response_model=OrganisationOut, status_code=status.HTTP_201_CREATED)
def add(body: OrganisationIn, principal: Acting, svc: Svc, now: Now) -> OrganisationOut:
    organisation = Organisation(body.code, body.name, body.kind)
    create_organisation(svc.uow(), principal, organisation, now=now)
    return OrganisationOut.model_validate(organisation)
