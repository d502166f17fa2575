"""Errors as problem details (RFC 9457, `application/problem+json`): Refuge's own errors with
their stable `code`, validation errors without the values sent, and anything unexpected as a bare
500 with no message or trace (which might carry personal data)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from refuge.domain.errors import RefugeError

__all__ = ["PROBLEM_TYPE", "install_problem_handlers", "problem"]

PROBLEM_TYPE = "urn:refuge:problem:"
_MEDIA_TYPE = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    422: "Invalid input",
    429: "Too many attempts",
    500: "Internal error",
}
_log = logging.getLogger("refuge.api")


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=_MEDIA_TYPE)


async def _refuge_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RefugeError)  # noqa: S101 - registered for RefugeError only
    headers: dict[str, str] = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="refuge"'
    if exc.status == 429:
        headers["Retry-After"] = "60"
    if exc.status >= 500:
        # Key and audit failures: the message names files and events, not people, but the
        # caller has no use for it; operators read it in the log.
        _log.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
        return problem(exc.status, exc.code, "the server could not complete the request")
    return problem(exc.status, exc.code, exc.message, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it only
    # Where and what was wrong, never the value sent: it may be a name or a passport number.
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
    return problem(
        422, "invalid_input", "the request does not match its schema", extra={"errors": errors}
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    detail = "no such resource" if exc.status_code == 404 else str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names the methods of the first route matching the path only; a path served
        # by several routes (GET and POST /users) allows all of theirs.
        headers["Allow"] = ", ".join(sorted(_methods_at(request)))
    return problem(exc.status_code, code, detail, headers=headers)


def _methods_at(request: Request) -> set[str]:
    """The methods the OpenAPI description lists for the request's path (the public surface;
    the router's own tree is FastAPI's internals)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in operations}
    return methods


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return problem(500, "internal_error", "the server could not complete the request")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RefugeError, _refuge_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
