"""Users: listed and added by those who manage accounts; their sessions revoked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from refuge.accounts import add_user, deactivate_user, list_users, revoke_sessions
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import LINE, EnrolmentOut, RevokedOut, UserIn, UserOut

__all__ = ["router"]

router = APIRouter(prefix="/users", tags=["users"])


@router.get("", response_model=list[UserOut])
def users(principal: Acting, svc: Svc, now: Now) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in list_users(svc.uow(), principal, now=now)]


@router.post("", response_model=EnrolmentOut, status_code=status.HTTP_201_CREATED)
def add(body: UserIn, principal: Acting, svc: Svc, now: Now) -> EnrolmentOut:
    enrolment = add_user(
        svc.uow(),
        svc.guards,
        principal,
        username=body.username,
        password=body.password,
        role=body.role,
        organisation=body.organisation,
        now=now,
    )
    return EnrolmentOut.model_validate(enrolment)


Username = Annotated[str, Path(min_length=1, max_length=64, pattern=LINE)]


@router.post("/{username}/sessions/revoke", response_model=RevokedOut)
def revoke(username: Username, principal: Acting, svc: Svc, now: Now) -> RevokedOut:
    return RevokedOut(revoked=revoke_sessions(svc.uow(), principal, username, now=now))


@router.post("/{username}/deactivate", status_code=status.HTTP_204_NO_CONTENT)
def deactivate(username: Username, principal: Acting, svc: Svc, now: Now) -> None:
    """No more logins; every session and API token of the user ends now."""
    deactivate_user(svc.uow(), principal, username, now=now)
