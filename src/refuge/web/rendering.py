"""Templates and the answers built from them: one autoescaping Jinja2 environment over the
package's templates, and the content security policy pages are sent with (scripts, styles and
images from Refuge itself only; nothing inline)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from refuge.accounts import Principal
from refuge.web.navigation import links_for

__all__ = ["PAGE_POLICY", "environment", "render"]

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CSRF_COOKIE = "refuge_csrf"


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("refuge.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    principal: Principal | None = None,
    status: int = 200,
    lang: str = "en",
    direction: str = "ltr",
) -> HTMLResponse:
    """A page (or, for htmx, a fragment) with what every template may use: the acting
    principal, their navigation, the CSRF token to echo, and the language and direction."""
    values: dict[str, Any] = {
        "principal": principal,
        "links": links_for(principal.role) if principal is not None else (),
        "csrf": request.cookies.get(CSRF_COOKIE, "") if principal is not None else "",
        "path": request.url.path,
        "lang": lang,
        "dir": direction,
    }
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": PAGE_POLICY})
