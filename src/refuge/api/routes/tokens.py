"""API tokens for machine clients: issued from a logged-in session, limited to scopes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from refuge.accounts import issue_api_token, revoke_api_token
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import TokenIn, TokenOut

__all__ = ["router"]

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.post("", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
def issue(body: TokenIn, principal: Acting, svc: Svc, now: Now) -> TokenOut:
    issued = issue_api_token(
        svc.uow(), svc.guards, principal, name=body.name, scopes=body.scopes, now=now
    )
    return TokenOut(
        id=issued.id,
        token=issued.token,
        scopes=sorted(issued.scopes),
        expires_at=issued.expires_at,
    )


@router.delete("/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(token_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> None:
    revoke_api_token(svc.uow(), principal, token_id, now=now)
