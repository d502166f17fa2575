"""The browser session: log in with password and TOTP code, see who is logged in, log out."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from refuge.accounts import login, logout
from refuge.api.deps import CSRF_COOKIE, SESSION_COOKIE, Acting, Client, Now, Svc
from refuge.api.schemas import LoginIn, SessionOut

__all__ = ["router"]

router = APIRouter(prefix="/session", tags=["session"])


@router.post("", response_model=SessionOut)
def open_session(
    body: LoginIn, response: Response, svc: Svc, now: Now, client: Client
) -> SessionOut:
    """Log in. Every failure is the same 401, whatever was wrong."""
    issued = login(
        svc.uow(),
        svc.guards,
        username=body.username,
        password=body.password,
        totp=body.totp,
        client=client,
        now=now,
    )
    seconds = int((issued.expires_at - now).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=seconds,
        httponly=True,
        secure=svc.secure_cookies,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        issued.csrf_token,
        max_age=seconds,
        httponly=False,  # the page's script reads it to echo it in X-CSRF-Token
        secure=svc.secure_cookies,
        samesite="strict",
    )
    p = issued.principal
    return SessionOut(
        username=p.username,
        role=p.role,
        organisation=p.organisation,
        expires_at=issued.expires_at,
        csrf_token=issued.csrf_token,
    )


@router.get("", response_model=SessionOut)
def who_am_i(principal: Acting) -> SessionOut:
    return SessionOut(
        username=principal.username, role=principal.role, organisation=principal.organisation
    )


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def close_session(principal: Acting, response: Response, svc: Svc, now: Now) -> None:
    logout(svc.uow(), principal, now=now)
    response.delete_cookie(SESSION_COOKIE, secure=svc.secure_cookies, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, secure=svc.secure_cookies, samesite="strict")
