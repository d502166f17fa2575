"""The coordinator's dashboard: the operation at a glance, counts only (no personal data)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from refuge.accounts import report
from refuge.api.deps import Svc
from refuge.web.pages import PageRoute, Viewer
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.get("/dashboard")
def dashboard(request: Request, principal: Viewer, svc: Svc) -> Response:
    summary = report(svc.uow(), principal)
    return render(request, "dashboard.html", {"summary": summary}, principal=principal)
