"""Landing pages of the roles whose work has no page of its own here: a partner's submissions
(coarse status only), the auditor's log, and a home page listing a role's work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from refuge.accounts import list_cases, read_audit
from refuge.api.deps import Svc
from refuge.web.navigation import links_for
from refuge.web.pages import PageRoute, Viewer
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

_PAGE = 50
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


@router.get("/home")
def home(request: Request, principal: Viewer) -> Response:
    return render(request, "home.html", {"work": links_for(principal.role)}, principal=principal)


@router.get("/submissions")
def submissions(request: Request, principal: Viewer, svc: Svc, offset: Offset = 0) -> Response:
    """The cases the partner's organisation submitted, with the status it is told."""
    rows = list_cases(svc.uow(), principal, limit=_PAGE + 1, offset=offset)
    context = {
        "rows": rows[:_PAGE],
        "offset": offset,
        "next": offset + _PAGE if len(rows) > _PAGE else None,
        "previous": max(offset - _PAGE, 0) if offset else None,
    }
    return render(request, "submissions.html", context, principal=principal)


@router.get("/audit-log")
def audit_log(request: Request, principal: Viewer, svc: Svc, after: Offset = 0) -> Response:
    """The audit events after a sequence number, oldest first: who did what to which object."""
    events = read_audit(svc.uow(), principal, after=after, limit=_PAGE)
    context = {"events": events, "after": after, "next": events[-1].seq if events else None}
    return render(request, "audit_log.html", context, principal=principal)
