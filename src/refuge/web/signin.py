"""Signing in (password and TOTP code, through the accounts service), landing on the role's own
page, and signing out. The cookies are the API's: one session serves both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from refuge.accounts import Principal, login, logout
from refuge.api.deps import CSRF_COOKIE, SESSION_COOKIE, Client, Now, Svc
from refuge.domain.errors import NotAuthenticated, TooManyAttempts
from refuge.web.navigation import landing
from refuge.web.pages import PageRoute, Viewer, optional_viewer, redirect, same_origin
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

Maybe = Annotated[Principal | None, Depends(optional_viewer)]
Text = Annotated[str, Form(max_length=200)]


@router.get("/")
def start(request: Request, principal: Maybe) -> Response:
    return redirect(request, landing(principal.role) if principal else "/sign-in")


@router.get("/sign-in")
def sign_in_form(request: Request, principal: Maybe) -> Response:
    if principal is not None:
        return redirect(request, landing(principal.role))
    return render(request, "sign_in.html", {"failed": None})


@router.post("/sign-in")
def sign_in(
    request: Request,
    svc: Svc,
    now: Now,
    client: Client,
    username: Text,
    password: Text,
    totp: Annotated[str, Form(max_length=12)],
) -> Response:
    same_origin(request)
    try:
        issued = login(
            svc.uow(),
            svc.guards,
            username=username.strip(),
            password=password,
            totp=totp.strip().replace(" ", ""),
            client=client,
            now=now,
        )
    except (NotAuthenticated, TooManyAttempts) as exc:
        # The same words whatever was wrong; the user name typed is kept, nothing else.
        context = {"failed": exc.message, "username": username}
        return render(request, "sign_in.html", context, status=exc.status)
    answer = RedirectResponse(landing(issued.principal.role), status_code=303)
    seconds = int((issued.expires_at - now).total_seconds())
    for name, value, http_only in (
        (SESSION_COOKIE, issued.token, True),
        (CSRF_COOKIE, issued.csrf_token, False),
    ):
        answer.set_cookie(
            name,
            value,
            max_age=seconds,
            httponly=http_only,
            secure=svc.secure_cookies,
            samesite="strict",
        )
    return answer


@router.post("/sign-out")
def sign_out(request: Request, principal: Viewer, svc: Svc, now: Now) -> Response:
    logout(svc.uow(), principal, now=now)
    answer = RedirectResponse("/sign-in", status_code=303)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        answer.delete_cookie(name, secure=svc.secure_cookies, samesite="strict")
    return answer
