"""A flight's manifest: households grouped, then the standby list; names only for roles that read
households, document numbers masked unless the role checks them, departure times as the role may
see them. A read that shows names is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from refuge.accounts import read_manifest
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import LINE, FlightOut, ManifestHouseholdOut, ManifestOut

__all__ = ["router"]

router = APIRouter(prefix="/manifests", tags=["manifests"])


@router.get("/{code}", response_model=ManifestOut)
def manifest(
    code: Annotated[str, Path(min_length=1, max_length=64, pattern=LINE)],
    principal: Acting,
    svc: Svc,
    now: Now,
) -> ManifestOut:
    view = read_manifest(svc.uow(), svc.guards, principal, code, now=now)
    return ManifestOut(
        flight=FlightOut.model_validate(view.flight),
        households=[ManifestHouseholdOut.model_validate(h) for h in view.households],
        standby=[ManifestHouseholdOut.model_validate(h) for h in view.standby],
        seated=view.seated,
        names_shown=view.names_shown,
        documents_masked=view.documents_masked,
    )
