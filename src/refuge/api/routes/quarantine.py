"""The quarantine of rejected rows: listed by file, sheet and row with their problems (never their
values), opened for correction (the values shown, the viewing audited), and corrected field by
field. A corrected row that passes becomes a record; the next version of the list re-applies the
correction to the same row."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from refuge.accounts import correct_quarantined_row, list_quarantined, open_quarantined_row
from refuge.api.deps import Acting, Now, Svc
from refuge.api.schemas import (
    CellOut,
    CorrectionIn,
    CorrectionOut,
    ProblemOut,
    QuarantinedRowOut,
    QuarantineEntryOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/quarantine", tags=["quarantine"])


@router.get("", response_model=list[QuarantineEntryOut])
def entries(
    principal: Acting,
    svc: Svc,
    organisation: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")] = None,
    open_only: bool = True,
) -> list[QuarantineEntryOut]:
    """Quarantined rows (a partner: its own lists'), open ones unless told otherwise."""
    rows = list_quarantined(svc.uow(), principal, organisation=organisation, open_only=open_only)
    return [QuarantineEntryOut.model_validate(row) for row in rows]


@router.get("/{entry_id}", response_model=QuarantinedRowOut)
def entry(entry_id: uuid.UUID, principal: Acting, svc: Svc, now: Now) -> QuarantinedRowOut:
    """The row's values as the list had them and the corrections so far, for correcting it."""
    row = open_quarantined_row(svc.uow(), principal, entry_id, now=now)
    return QuarantinedRowOut(
        entry=QuarantineEntryOut.model_validate(row.entry),
        values=[CellOut(column=column, value=value) for column, value in row.values],
        corrections={str(field): value for field, value in row.corrections.items()},
    )


@router.post("/{entry_id}/corrections", response_model=CorrectionOut)
def correct(
    entry_id: uuid.UUID, body: CorrectionIn, principal: Acting, svc: Svc, now: Now
) -> CorrectionOut:
    """Correct fields (by Refuge field name) and check the row again; `accepted` once it
    passes, with the record it became, else the problems left."""
    done = correct_quarantined_row(svc.uow(), principal, entry_id, body.corrections, now=now)
    return CorrectionOut(
        id=entry_id,
        accepted=done.accepted,
        record_id=done.record_id,
        new_record=done.new_record,
        problems=[ProblemOut.model_validate(p) for p in done.problems],
    )
