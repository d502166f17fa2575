"""Households and their people: read with masking for the role; every read is audited."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from refuge.accounts import read_household
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import HouseholdOut

__all__ = ["router"]

router = APIRouter(prefix="/households", tags=["households"])


@router.get("/{household_id}", response_model=HouseholdOut)
def household(household_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> HouseholdOut:
    return HouseholdOut.model_validate(read_household(svc.uow(), principal, household_id, now=now))
