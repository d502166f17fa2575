"""Case officers' pages: finding a case or a person (by case number, by document or phone number
through the blind indexes, by name), a case with its household and its moves, moving it along
the pipeline with a reason, and a source record with every record of its person and household
and where each came from. Searches are POSTed: what was typed never enters a URL."""

from __future__ import annotations

import contextlib
import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from refuge.accounts import (
    ROLE_MOVES,
    CaseView,
    Principal,
    Scope,
    read_case,
    read_household,
    transition_case,
)
from refuge.accounts.roles import UNMASKED_ROLES
from refuge.api.deps import Now, Svc
from refuge.domain import TRANSITIONS, InvalidInput, NotFound, Stage
from refuge.domain.errors import Forbidden
from refuge.intake import e164_of, household_records, search_records
from refuge.web.pages import PageRoute, Viewer, redirect
from refuge.web.rendering import render

__all__ = ["require_identities", "router"]

router = APIRouter(route_class=PageRoute)

_CASE_NUMBER = re.compile(r"^RF-[0-9A-Z]{4,16}$", re.IGNORECASE)


def require_identities(principal: Principal) -> None:
    """These pages show source records whole, across organisations: the API's scopes for
    records and persons, held by a role that sees numbers unmasked."""
    principal.require(Scope.RECORDS_READ)
    principal.require(Scope.PERSONS_READ)
    if principal.role not in UNMASKED_ROLES:
        raise Forbidden(f"role {principal.role} sees records masked only, through the API")


@router.get("/casework")
def search_form(request: Request, principal: Viewer) -> Response:
    principal.require(Scope.CASES_READ)
    context = {"query": "", "cases": None, "records": None}
    return render(request, "casework.html", context, principal=principal)


@router.post("/casework")
def search(
    request: Request,
    principal: Viewer,
    svc: Svc,
    now: Now,
    query: Annotated[str, Form(max_length=200)],
) -> Response:
    principal.require(Scope.CASES_READ)
    text = query.strip()
    if _CASE_NUMBER.match(text):
        number = text.upper()
        try:
            read_case(svc.uow(), principal, number, now=now)
        except NotFound:
            context = {"query": query, "cases": [], "records": []}
            return render(request, "casework.html", context, principal=principal)
        return redirect(request, f"/case/{number}")
    require_identities(principal)
    records = search_records(svc.refuge.uow(), text, actor=principal.actor, now=now)
    cases = _cases_by_number(svc, text)
    found: dict[str, object] = {"query": query, "cases": cases, "records": records}
    return render(request, "casework.html", found, principal=principal)


def _cases_by_number(svc: Svc, text: str) -> list[str]:
    """Registered households' cases whose document or phone number is `text` exactly."""
    with svc.refuge.uow() as uow:
        households = set(uow.households.find_by_document(text.upper().replace(" ", "")))
        with contextlib.suppress(InvalidInput):  # not a phone number: nothing to look up by it
            households |= set(uow.households.find_by_phone(e164_of(text)))
        return sorted(c.number for h in households for c in uow.cases.for_household(h))


@router.get("/case/{number}")
def case_page(request: Request, number: str, principal: Viewer, svc: Svc, now: Now) -> Response:
    view = read_case(svc.uow(), principal, number, now=now)
    household = None
    moves: list[Stage] = []
    if isinstance(view, CaseView):
        if view.household_id is not None:
            household = read_household(svc.uow(), principal, view.household_id, now=now)
        if principal.may(Scope.CASES_WRITE):
            allowed = ROLE_MOVES[principal.role]
            moves = sorted(TRANSITIONS[view.stage] & allowed, key=list(Stage).index)
    context = {
        "case": view,
        "whole": isinstance(view, CaseView),
        "household": household,
        "moves": moves,
        "moved": request.query_params.get("moved") == "1",
    }
    return render(request, "case.html", context, principal=principal)


@router.post("/case/{number}/move")
def move(
    request: Request,
    number: str,
    principal: Viewer,
    svc: Svc,
    now: Now,
    to: Annotated[Stage, Form()],
    reason: Annotated[str, Form(min_length=3, max_length=2000)],
    version: Annotated[int, Form(ge=0)],
) -> Response:
    """Move the case, if the version read is still the stored one (else a 409 page)."""
    transition_case(
        svc.uow(), principal, number, to, reason=reason.strip(), expected_version=version, now=now
    )
    return redirect(request, f"/case/{number}?moved=1")


@router.get("/record/{record_id}")
def record_page(
    request: Request, record_id: uuid.UUID, principal: Viewer, svc: Svc, now: Now
) -> Response:
    require_identities(principal)
    found = household_records(svc.refuge.uow(), record_id, actor=principal.actor, now=now)
    return render(request, "record.html", {"found": found}, principal=principal)
