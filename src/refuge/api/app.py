"""The FastAPI application: routers, problem details, security headers, and the service state
(the wired Refuge, the account guards, the clock) shared by every request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from refuge.accounts import AccountPolicy, Guards
from refuge.api.deps import Service
from refuge.api.problems import install_problem_handlers
from refuge.api.routes import (
    applicant,
    audit,
    cases,
    flights,
    households,
    imports,
    manifests,
    organisations,
    persons,
    plans,
    programs,
    quarantine,
    records,
    reports,
    review,
    screening,
    session,
    sites,
    tokens,
    users,
)
from refuge.api.schemas import Problem
from refuge.api.security import SecurityHeaders
from refuge.bootstrap import Refuge

__all__ = ["create_app"]

_DESCRIPTION = """Refuge's HTTP service.

Staff log in at `POST /session` (password and TOTP code) and get a session cookie; requests that
change anything echo the `refuge_csrf` cookie in the `X-CSRF-Token` header. Machine clients send
an API token as `Authorization: Bearer ...`. Applicants check their case at
`POST /applicant/status`. Errors are problem details (RFC 9457) with a stable `code`.
"""


_PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
# What any route may answer besides success; each is a problem document.
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {**_PROBLEM, "description": text}
    for status, text in (
        (400, "the body could not be read (not JSON, or the wrong content type)"),
        (401, "not signed in, or a failed login"),
        (403, "the role or token may not do this, or the CSRF token is missing"),
        (404, "missing, or not visible to the caller"),
        (409, "conflicts with the current state (stale version, illegal move, exists already)"),
        (422, "invalid input"),
        (429, "too many attempts"),
    )
}


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(
    refuge: Refuge,
    *,
    policy: AccountPolicy | None = None,
    clock: Callable[[], dt.datetime] = _utc_now,
    secure_cookies: bool = True,
) -> FastAPI:
    """The application over a wired Refuge.

    `secure_cookies` marks cookies Secure (sent over HTTPS only); turn it off only for plain-HTTP
    development on loopback. `clock` is there for tests of expiry and release windows.
    """
    app = FastAPI(
        title="Refuge",
        version="0.1.0",
        description=_DESCRIPTION,
        # The interactive pages load scripts from a CDN, which the content security policy (and
        # the rule of no CDN at run time) forbids; the description itself is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = Service(
        refuge=refuge,
        guards=Guards(policy or AccountPolicy()),
        clock=clock,
        secure_cookies=secure_cookies,
    )
    install_problem_handlers(app)
    app.add_middleware(SecurityHeaders)
    for module in (
        session,
        tokens,
        users,
        organisations,
        programs,
        cases,
        households,
        imports,
        quarantine,
        records,
        persons,
        review,
        screening,
        flights,
        manifests,
        audit,
        reports,
        applicant,
        sites,
        plans,
    ):
        app.include_router(module.router, responses=_PROBLEMS)
    from refuge.web import install_pages  # here: the pages use the API's dependencies

    install_pages(app)
    return app
