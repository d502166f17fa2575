"""What every page shares: the route class that turns Refuge's errors into pages (and an expired
session into the sign-in page), the signed-in principal with its CSRF check, and `install_pages`,
which adds the page routers and the static files to the application."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from refuge.accounts import Principal, authenticate_session
from refuge.accounts.credentials import digest
from refuge.api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, Now, Svc
from refuge.domain.errors import Forbidden, InvalidInput, NotAuthenticated, RefugeError
from refuge.web.rendering import render

__all__ = [
    "CSRF_FIELD",
    "PageRoute",
    "Viewer",
    "install_pages",
    "is_htmx",
    "page_routers",
    "optional_viewer",
    "redirect",
    "same_origin",
    "viewer",
]

CSRF_FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_SIGNED_IN = "not signed in, or the session has expired"
_STATIC = Path(__file__).parent / "static"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def redirect(request: Request, path: str) -> Response:
    """After a POST, or to a landing page: htmx follows HX-Redirect, a browser a 303."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": path})
    return RedirectResponse(path, status_code=303)


def same_origin(request: Request) -> None:
    """Forms that work without a session (sign-in) are refused from another site's page."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden("this form may be sent only from Refuge's own pages")


async def _csrf_sent(request: Request) -> str:
    """The CSRF token the page echoed: htmx sends it as a header, a plain form as a field."""
    if request.method in _SAFE_METHODS:
        return ""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def viewer(
    request: Request, svc: Svc, now: Now, sent: Annotated[str, Depends(_csrf_sent)]
) -> Principal:
    """The signed-in principal of a page request, from the same session cookie as the API; a
    request that changes anything must echo the CSRF token tied to that session."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    session = authenticate_session(svc.uow(), cookie, now=now)
    if request.method not in _SAFE_METHODS:
        echoed = request.cookies.get(CSRF_COOKIE, "")
        if (
            not sent
            or not hmac.compare_digest(sent.encode(), echoed.encode())
            or not hmac.compare_digest(digest(sent).encode(), session.csrf_digest.encode())
        ):
            raise Forbidden("the form was stale or not sent from Refuge's page: reload the page")
    return session.principal


def optional_viewer(request: Request, svc: Svc, now: Now) -> Principal | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return authenticate_session(svc.uow(), cookie, now=now).principal
    except NotAuthenticated:
        return None


Viewer = Annotated[Principal, Depends(viewer)]


class PageRoute(APIRoute):
    """A page's errors are pages: Refuge's own errors show their (personal-data-free) message
    with their status, an expired or missing session goes to the sign-in page, and invalid form
    input is a 422 page. The API's problem documents are not for people."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except NotAuthenticated:
                return redirect(request, "/sign-in")
            except RefugeError as exc:
                return _error_page(request, exc)
            except RequestValidationError as exc:
                fields = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
                named = ", ".join(fields) or "the form"
                return _error_page(request, InvalidInput(f"check {named}: missing or invalid"))

        return answer


def _error_page(request: Request, error: RefugeError) -> Response:
    template = "error_fragment.html" if is_htmx(request) else "error.html"
    return render(request, template, {"error": error}, status=error.status)


class _Static(StaticFiles):
    """The package's scripts and styles: the same for everyone, so browsers may keep them (the
    pages themselves are never cached)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=86400"
        return response


def page_routers() -> list[APIRouter]:
    """One router per group of pages."""
    from refuge.web import (
        applicant,
        casework,
        dashboard,
        flights,
        gate,
        home,
        imports,
        quarantine,
        review,
        signin,
    )

    modules = (signin, home, dashboard, casework, review, quarantine, imports)
    routers: list[APIRouter] = [m.router for m in modules]
    routers += [flights.router, gate.router, applicant.router]
    return routers


def install_pages(app: FastAPI) -> None:
    """Add the pages and their static files to the API's application."""
    from refuge.web.imports import ImportJobs

    app.state.imports = ImportJobs()
    for router in page_routers():
        app.include_router(router, include_in_schema=False)
    app.mount("/static", _Static(directory=_STATIC), name="static")
