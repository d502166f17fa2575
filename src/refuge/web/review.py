"""The review queue: the pairs of records the matcher was unsure of, one at a time, side by side
with the differences marked, decided (confirm: one person; reject: two people) or skipped from
the keyboard. Each decision goes through `refuge.matching.decide`, audited and re-clustered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from refuge.accounts import Scope, decide_pair
from refuge.api.deps import Now, Svc
from refuge.intake import SourceRecord, records_by_id
from refuge.matching import Decision, ReviewPair, review_queue
from refuge.web.casework import require_identities
from refuge.web.pages import PageRoute, Viewer, is_htmx
from refuge.web.rendering import render

__all__ = ["Line", "compare", "router"]

router = APIRouter(route_class=PageRoute)

Position = Annotated[int, Query(ge=0, le=1_000_000)]


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    left: str
    right: str

    @property
    def same(self) -> bool:
        return self.left.casefold() == self.right.casefold()


def _fields(source: SourceRecord) -> dict[str, str]:
    r = source.record
    return {
        "Given name": r.name.given_romanised or r.name.given,
        "Family name": r.name.family_romanised or r.name.family,
        "As written": f"{r.name.given} {r.name.family}",
        "Father's name": r.father_name.romanised if r.father_name else "",
        "Born": str(r.date_of_birth) if r.date_of_birth else "",
        "Sex": str(r.sex),
        "Nationality": ", ".join(r.nationalities),
        "Passport": r.passport_number or "",
        "Tazkira": r.tazkira_number or "",
        "Phone": ", ".join(r.phones),
        "Organisation": r.provenance.organisation,
        "Where on the list": r.provenance.where(),
    }


def compare(left: SourceRecord, right: SourceRecord) -> list[Line]:
    a, b = _fields(left), _fields(right)
    return [Line(label, a[label], b[label]) for label in a]


def _pair_page(
    request: Request, svc: Svc, principal: Viewer, position: int, message: str | None = None
) -> Response:
    queue = review_queue(svc.refuge.uow())
    pair: ReviewPair | None = None
    lines: list[Line] = []
    if queue:
        position %= len(queue)
        pair = queue[position]
        records = records_by_id(svc.refuge.uow(), [pair.left, pair.right])
        if pair.left in records and pair.right in records:
            lines = compare(records[pair.left], records[pair.right])
    context = {
        "pair": pair,
        "lines": lines,
        "position": position,
        "waiting": len(queue),
        "message": message,
    }
    template = "review_pair.html" if is_htmx(request) else "review.html"
    return render(request, template, context, principal=principal)


@router.get("/review-queue")
def review(request: Request, principal: Viewer, svc: Svc, position: Position = 0) -> Response:
    principal.require(Scope.REVIEW_READ)
    require_identities(principal)
    return _pair_page(request, svc, principal, position)


@router.post("/review-queue/{pair_id}")
def review_decision(
    request: Request,
    pair_id: uuid.UUID,
    principal: Viewer,
    svc: Svc,
    now: Now,
    decision: Annotated[Decision, Form()],
    position: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Record the decision; answer with the next pair (the decided one has left the queue, so
    the same position holds the next)."""
    require_identities(principal)
    outcome = decide_pair(svc.refuge.uow(), principal, pair_id, decision, now=now)
    verdict = "one person" if decision is Decision.CONFIRMED else "two people"
    message = (
        f"Recorded: {verdict}. Persons before {outcome.persons_before}, "
        f"after {outcome.persons_after}."
    )
    return _pair_page(request, svc, principal, position, message)
