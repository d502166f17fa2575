"""What a principal is shown of cases, households and flights: plain values, already masked or
coarsened for the principal's role. Built only by `access.py`."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from refuge.domain import Stage

__all__ = [
    "CaseLineView",
    "CaseStatusView",
    "CaseView",
    "CoarseStatus",
    "DocumentView",
    "FlightView",
    "HouseholdView",
    "PersonRecordsView",
    "PersonView",
    "ProblemView",
    "RecordView",
    "TransitionView",
    "coarse_status",
    "mask",
]


class CoarseStatus(enum.StrEnum):
    """What applicants and submitting organisations are told. A refusal is not spelt out here:
    someone explains it in person ("please wait for contact")."""

    RECEIVED = "received"
    IN_PROCESS = "in_process"
    APPROVED = "approved"
    WAIT_FOR_CONTACT = "wait_for_contact"


_S = Stage
_COARSE: Mapping[Stage, CoarseStatus] = {
    _S.SUBMITTED: CoarseStatus.RECEIVED,
    _S.REGISTERED: CoarseStatus.RECEIVED,
    _S.ELIGIBLE: CoarseStatus.IN_PROCESS,
    _S.DOCUMENTS_MISSING: CoarseStatus.IN_PROCESS,
    _S.VETTING_CLEARED: CoarseStatus.IN_PROCESS,
    # Manifested and later stages stay "approved": flight details are never told this way.
    _S.APPROVED: CoarseStatus.APPROVED,
    _S.MANIFESTED: CoarseStatus.APPROVED,
    _S.CHECKED_IN: CoarseStatus.APPROVED,
    _S.BOARDED: CoarseStatus.APPROVED,
    _S.DEPARTED: CoarseStatus.APPROVED,
    _S.ARRIVED: CoarseStatus.APPROVED,
    _S.INELIGIBLE: CoarseStatus.WAIT_FOR_CONTACT,
    _S.VETTING_REFUSED: CoarseStatus.WAIT_FOR_CONTACT,
    _S.WITHDRAWN: CoarseStatus.WAIT_FOR_CONTACT,
    _S.NO_SHOW: CoarseStatus.WAIT_FOR_CONTACT,
    _S.CLOSED: CoarseStatus.WAIT_FOR_CONTACT,
}


def coarse_status(stage: Stage) -> CoarseStatus:
    return _COARSE[stage]


def mask(value: str) -> str:
    """Enough of a number to tell two apart when holding the paper, not enough to use it."""
    return "*****" + value[-3:] if len(value) > 5 else "*****"


@dataclass(frozen=True, slots=True)
class CaseStatusView:
    """A case as its submitting organisation sees it."""

    number: str
    organisation: str
    program: str
    status: CoarseStatus


@dataclass(frozen=True, slots=True)
class CaseLineView:
    """One line of a case listing. `stage` and `version` only for staff who read whole cases."""

    number: str
    organisation: str
    program: str
    status: CoarseStatus
    stage: Stage | None
    version: int | None


@dataclass(frozen=True, slots=True)
class TransitionView:
    from_stage: Stage
    to_stage: Stage
    actor: str
    at: dt.datetime
    reason: str | None  # free text that may name people: only for roles that see whole records


@dataclass(frozen=True, slots=True)
class CaseView:
    number: str
    organisation: str
    program: str
    status: CoarseStatus
    stage: Stage
    priority: float
    version: int
    household_id: uuid.UUID | None  # only for roles that may read households
    history: tuple[TransitionView, ...]


@dataclass(frozen=True, slots=True)
class DocumentView:
    kind: str
    number: str  # masked unless the role checks documents
    masked: bool
    issuing_state: str
    expiry: dt.date | None


@dataclass(frozen=True, slots=True)
class PersonView:
    id: uuid.UUID
    relationship: str
    given: str
    family: str
    given_romanised: str
    family_romanised: str
    script: str
    date_of_birth: str
    sex: str
    nationalities: tuple[str, ...]
    documents: tuple[DocumentView, ...]
    phones: tuple[str, ...]  # masked like documents
    notes: str | None  # only for roles that see whole records


@dataclass(frozen=True, slots=True)
class HouseholdView:
    id: uuid.UUID
    members: tuple[PersonView, ...]
    cases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlightView:
    code: str
    aircraft: str
    seats: int
    surge_seats: int
    origin: str
    destination: str
    departs_earliest: dt.datetime | None  # None until the release window, unless role allowed
    departs_latest: dt.datetime | None
    times_released: bool
    programs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProblemView:
    field: str
    problem: str  # never quotes the value
    severity: str
    column: str | None


@dataclass(frozen=True, slots=True)
class RecordView:
    """A source record as its list had it, with where it came from; numbers masked, notes and
    unmapped cells left out, unless the role checks them."""

    id: uuid.UUID
    organisation: str
    list_name: str
    file: str
    sheet: str | None
    row: int
    origin: str
    withdrawn: bool
    person_id: uuid.UUID | None
    household_id: uuid.UUID | None
    given: str
    family: str
    given_romanised: str
    family_romanised: str
    script: str
    date_of_birth: str
    sex: str
    nationalities: tuple[str, ...]
    relationship: str | None
    passport_number: str | None
    tazkira_number: str | None
    phones: tuple[str, ...]
    masked: bool
    household_reference: str | None
    source_id: str | None
    notes: str | None  # only for roles that see whole records
    unmapped: tuple[tuple[str, str], ...]  # likewise
    warnings: tuple[ProblemView, ...]


@dataclass(frozen=True, slots=True)
class PersonRecordsView:
    """A person as matching joined them: the records that are this one person."""

    id: uuid.UUID
    household_id: uuid.UUID | None
    records: tuple[RecordView, ...]
