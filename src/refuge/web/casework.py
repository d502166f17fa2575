"""Case officers' pages: finding a case, reading it and its household, moving it along the
pipeline with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from refuge.accounts import CaseView, Scope, read_case
from refuge.api.deps import Now, Svc
from refuge.domain.errors import NotFound
from refuge.web.pages import PageRoute, Viewer, redirect
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.get("/casework")
def search_form(request: Request, principal: Viewer) -> Response:
    principal.require(Scope.CASES_READ)
    return render(request, "casework.html", {"found": None, "query": ""}, principal=principal)


@router.post("/casework")
def search(
    request: Request,
    principal: Viewer,
    svc: Svc,
    now: Now,
    query: Annotated[str, Form(max_length=200)],
) -> Response:
    """A case by its number. (POSTed, so what was typed stays out of URLs and logs.)"""
    principal.require(Scope.CASES_READ)
    number = query.strip().upper()
    try:
        read_case(svc.uow(), principal, number, now=now)
    except NotFound:
        context = {"found": (), "query": query}
        return render(request, "casework.html", context, principal=principal, status=200)
    return redirect(request, f"/case/{number}")


@router.get("/case/{number}")
def case_page(request: Request, number: str, principal: Viewer, svc: Svc, now: Now) -> Response:
    view = read_case(svc.uow(), principal, number, now=now)
    whole = isinstance(view, CaseView)
    return render(request, "case.html", {"case": view, "whole": whole}, principal=principal)
