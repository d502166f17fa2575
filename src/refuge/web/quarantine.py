"""The quarantine: rows organisations' lists had that could not be accepted, where they are and
what is wrong (never their values in the list), and one row opened to correct its fields and
check it again with its sheet's mapping, which accepts it as a record (a re-import of that row)
once nothing is wrong. Opening a row shows personal data, so it is audited."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from refuge.accounts import correct_quarantined_row, list_quarantined, open_quarantined_row
from refuge.api.deps import Now, Svc
from refuge.intake import IntakeField
from refuge.web.pages import PageRoute, Viewer
from refuge.web.rendering import render

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

_FIELDS = tuple(IntakeField)


@router.get("/quarantined")
def quarantine(request: Request, principal: Viewer, svc: Svc) -> Response:
    entries = list_quarantined(svc.refuge.uow(), principal)
    return render(request, "quarantine.html", {"entries": entries}, principal=principal)


def _row_page(
    request: Request, principal: Viewer, svc: Svc, now: Now, entry_id: uuid.UUID, **extra: object
) -> Response:
    row = open_quarantined_row(svc.refuge.uow(), principal, entry_id, now=now)
    wrong = {p.field for p in row.entry.problems if p.field in IntakeField._value2member_map_}
    mapped = {f for f in row.mapping.columns}
    fields = [f for f in _FIELDS if f.value in wrong] + [
        f for f in _FIELDS if f in mapped and f.value not in wrong
    ]
    context = {"row": row, "fields": fields, "wrong": wrong, "outcome": None, **extra}
    return render(request, "quarantined_row.html", context, principal=principal)


@router.get("/quarantined/{entry_id}")
def quarantined_row(
    request: Request, entry_id: uuid.UUID, principal: Viewer, svc: Svc, now: Now
) -> Response:
    return _row_page(request, principal, svc, now, entry_id)


@router.post("/quarantined/{entry_id}")
async def correct(
    request: Request, entry_id: uuid.UUID, principal: Viewer, svc: Svc, now: Now
) -> Response:
    """Correct the fields given a new value (blank ones are left as they are)."""
    form = await request.form()
    corrections = {}
    for f in _FIELDS:
        value = form.get(f"field-{f.value}")
        if isinstance(value, str) and value.strip():
            corrections[f.value] = value.strip()[:500]
    return await run_in_threadpool(_correct, request, principal, svc, now, entry_id, corrections)


def _correct(
    request: Request,
    principal: Viewer,
    svc: Svc,
    now: Now,
    entry_id: uuid.UUID,
    corrections: dict[str, str],
) -> Response:
    outcome = correct_quarantined_row(svc.refuge.uow(), principal, entry_id, corrections, now=now)
    if outcome.accepted:
        context = {"entries": list_quarantined(svc.refuge.uow(), principal), "accepted": outcome}
        return render(request, "quarantine.html", context, principal=principal)
    return _row_page(request, principal, svc, now, entry_id, outcome=outcome)
