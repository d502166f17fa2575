"""What routes get injected: the wired service, the clock, the caller's address, and the acting
principal from a session cookie (with its CSRF token on unsafe methods) or an API token."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from refuge.accounts import (
    AccountPolicy,
    Guards,
    OperationUnitOfWork,
    Principal,
    authenticate_session,
    authenticate_token,
)
from refuge.accounts.credentials import digest
from refuge.bootstrap import Refuge
from refuge.domain.errors import Forbidden, NotAuthenticated

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Acting",
    "Client",
    "Now",
    "Service",
    "Svc",
    "current_principal",
]

SESSION_COOKIE = "refuge_session"
CSRF_COOKIE = "refuge_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_SIGNED_IN = "not signed in, or the session or token has expired or been revoked"


@dataclass(frozen=True)
class Service:
    """Everything the routes share for the life of the application."""

    refuge: Refuge
    guards: Guards
    clock: Callable[[], dt.datetime]
    secure_cookies: bool

    @property
    def policy(self) -> AccountPolicy:
        return self.guards.policy

    def uow(self) -> OperationUnitOfWork:
        return self.refuge.uow()


# The small dependencies are coroutines: FastAPI runs a plain function in its thread pool, and a
# hop to a thread costs more than any of them does.
async def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _now(service: Annotated[Service, Depends(_service)]) -> dt.datetime:
    return service.clock()


async def _client(request: Request) -> str:
    # Behind a reverse proxy this is the proxy's address; run uvicorn with --proxy-headers and
    # --forwarded-allow-ips so it is the caller's.
    return request.client.host if request.client else "unknown"


def current_principal(
    request: Request,
    service: Annotated[Service, Depends(_service)],
    now: Annotated[dt.datetime, Depends(_now)],
) -> Principal:
    """An API token (`Authorization: Bearer rft_...`) or the session cookie.

    Cookies are sent by browsers on their own, so a request riding on the session cookie must
    also echo the CSRF cookie in the X-CSRF-Token header for anything but reads (double submit,
    tied to the session by the digest stored with it). Token clients are exempt: a browser never
    adds their header by itself.
    """
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated(_NOT_SIGNED_IN)
        return authenticate_token(service.uow(), token.strip(), now=now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated(_NOT_SIGNED_IN)
    session = authenticate_session(service.uow(), cookie, now=now)
    if request.method not in _SAFE_METHODS:
        header = request.headers.get(CSRF_HEADER, "")
        echoed = request.cookies.get(CSRF_COOKIE, "")
        if not header or not hmac.compare_digest(header.encode(), echoed.encode()):
            raise Forbidden("CSRF token missing or wrong: send the refuge_csrf cookie's value")
        if not hmac.compare_digest(digest(header).encode(), session.csrf_digest.encode()):
            raise Forbidden("CSRF token missing or wrong: send the refuge_csrf cookie's value")
    return session.principal


Svc = Annotated[Service, Depends(_service)]
Now = Annotated[dt.datetime, Depends(_now)]
Client = Annotated[str, Depends(_client)]
Acting = Annotated[Principal, Depends(current_principal)]
