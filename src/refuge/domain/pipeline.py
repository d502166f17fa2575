"""The case pipeline: the stages a case passes through and the moves allowed between them."""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = ["REASON_REQUIRED", "TRANSITIONS", "Stage", "allowed_next", "is_terminal"]


class Stage(enum.StrEnum):
    SUBMITTED = "submitted"  # on an organisation's list, not yet checked
    REGISTERED = "registered"  # identity established, case number issued
    ELIGIBLE = "screened_eligible"
    INELIGIBLE = "screened_ineligible"
    DOCUMENTS_MISSING = "screened_documents_missing"
    VETTING_CLEARED = "vetting_cleared"
    VETTING_REFUSED = "vetting_refused"
    APPROVED = "approved"  # approved for relocation by a coordinator
    MANIFESTED = "manifested"  # on a flight's manifest
    CHECKED_IN = "checked_in"
    BOARDED = "boarded"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    NO_SHOW = "no_show"


_S = Stage

# Moves back to an earlier stage exist where an operation needs them: re-screening after a program
# changes, a household taken off a manifest by re-planning, a no-show offered a later flight.
TRANSITIONS: Mapping[Stage, frozenset[Stage]] = {
    _S.SUBMITTED: frozenset({_S.REGISTERED, _S.WITHDRAWN}),
    _S.REGISTERED: frozenset({_S.ELIGIBLE, _S.INELIGIBLE, _S.DOCUMENTS_MISSING, _S.WITHDRAWN}),
    _S.ELIGIBLE: frozenset(
        {_S.VETTING_CLEARED, _S.VETTING_REFUSED, _S.INELIGIBLE, _S.DOCUMENTS_MISSING, _S.WITHDRAWN}
    ),
    _S.INELIGIBLE: frozenset({_S.ELIGIBLE, _S.DOCUMENTS_MISSING, _S.CLOSED, _S.WITHDRAWN}),
    _S.DOCUMENTS_MISSING: frozenset({_S.ELIGIBLE, _S.INELIGIBLE, _S.WITHDRAWN, _S.CLOSED}),
    _S.VETTING_CLEARED: frozenset({_S.APPROVED, _S.INELIGIBLE, _S.DOCUMENTS_MISSING, _S.WITHDRAWN}),
    _S.VETTING_REFUSED: frozenset({_S.VETTING_CLEARED, _S.CLOSED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.MANIFESTED, _S.WITHDRAWN}),
    _S.MANIFESTED: frozenset({_S.CHECKED_IN, _S.NO_SHOW, _S.APPROVED, _S.WITHDRAWN}),
    _S.CHECKED_IN: frozenset({_S.BOARDED, _S.NO_SHOW}),
    _S.BOARDED: frozenset({_S.DEPARTED}),
    _S.DEPARTED: frozenset({_S.ARRIVED}),
    _S.ARRIVED: frozenset({_S.CLOSED}),
    _S.NO_SHOW: frozenset({_S.APPROVED, _S.WITHDRAWN, _S.CLOSED}),
    _S.WITHDRAWN: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset(),
}

# Moves that close a door on someone must say why, so the decision can be explained to them.
REASON_REQUIRED: frozenset[Stage] = frozenset(
    {_S.INELIGIBLE, _S.DOCUMENTS_MISSING, _S.VETTING_REFUSED, _S.WITHDRAWN, _S.NO_SHOW, _S.CLOSED}
)


def allowed_next(stage: Stage) -> frozenset[Stage]:
    return TRANSITIONS[stage]


def is_terminal(stage: Stage) -> bool:
    return not TRANSITIONS[stage]
