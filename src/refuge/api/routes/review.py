"""The review queue: pairs of records the matcher was unsure of, most uncertain first, and a case
officer's decisions on them (confirm: one person, merged; reject: two people, kept apart; undo:
back to the queue). Record ids, probabilities and field names only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from refuge.accounts import decide_pair, review_pairs, undo_pair
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import DecisionIn, DecisionOut, ReviewPairOut
from refuge.matching import Decision, DecisionOutcome

__all__ = ["router"]

router = APIRouter(prefix="/review", tags=["review"])

_DECISIONS = {"confirm": Decision.CONFIRMED, "reject": Decision.REJECTED}


def _out(outcome: DecisionOutcome) -> DecisionOut:
    return DecisionOut(
        pair=ReviewPairOut.model_validate(outcome.pair),
        persons_before=outcome.persons_before,
        persons_after=outcome.persons_after,
    )


@router.get("/pairs", response_model=list[ReviewPairOut])
def pairs(
    principal: Acting,
    svc: Svc,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[ReviewPairOut]:
    """The open pairs, most uncertain first."""
    found = review_pairs(svc.uow(), principal, limit=limit, offset=offset)
    return [ReviewPairOut.model_validate(pair) for pair in found]


@router.post("/pairs/{pair_id}/decision", response_model=DecisionOut)
def decide(
    pair_id: uuid.UUID, body: DecisionIn, principal: Acting, svc: Svc, now: Now
) -> DecisionOut:
    """Confirm or reject an open pair; 409 if it is decided already (undo it first)."""
    verdict = _DECISIONS[body.decision]
    return _out(decide_pair(svc.uow(), principal, pair_id, verdict, now=now))


@router.post("/pairs/{pair_id}/undo", response_model=DecisionOut)
def undo(pair_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> DecisionOut:
    """Take a decision back; 409 if the pair is open."""
    return _out(undo_pair(svc.uow(), principal, pair_id, now=now))
