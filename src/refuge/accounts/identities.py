"""Source records and the persons matching joined them into, as a principal may see them, and
the review queue of uncertain pairs with a case officer's decisions. Listings carry where a
record came from and ids, never a value; opening a record or a person is an audit event."""

from __future__ import annotations

import datetime as dt
import uuid

from refuge.accounts.access import (
    access_person,
    access_record,
    listed_organisation,
    record_view,
)
from refuge.accounts.ports import OperationUnitOfWork, PersonLine, RecordLine
from refuge.accounts.principal import Principal
from refuge.accounts.roles import Scope
from refuge.accounts.views import PersonRecordsView, RecordView
from refuge.domain import InvalidInput, NotFound
from refuge.matching import Decision, DecisionOutcome, ReviewPair, decide, review_queue, undo

__all__ = [
    "decide_pair",
    "list_persons",
    "list_records",
    "read_person",
    "read_record",
    "review_pairs",
    "undo_pair",
]

_MAX_PAGE = 500


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= _MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1 to {_MAX_PAGE} and offset not negative")


def list_records(
    uow: OperationUnitOfWork,
    principal: Principal,
    *,
    organisation: str | None = None,
    withdrawn: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[RecordLine]:
    """Records by organisation, list and row (a partner: its own lists only)."""
    principal.require(Scope.RECORDS_READ)
    _page(limit, offset)
    with uow:
        return uow.records.lines(
            organisation=listed_organisation(principal, organisation),
            withdrawn=withdrawn,
            limit=limit,
            offset=offset,
        )


def read_record(
    uow: OperationUnitOfWork, principal: Principal, record_id: uuid.UUID, *, now: dt.datetime
) -> RecordView:
    """One record with its values, masked for the role. Every read is an audit event."""
    with uow:
        line = access_record(uow, principal, record_id)
        stored = uow.records.get(record_id)
        _audit_read(uow, principal, "record.read", "source_record", record_id, now)
        uow.commit()
    return record_view(principal, line, stored)


def list_persons(
    uow: OperationUnitOfWork, principal: Principal, *, limit: int = 50, offset: int = 0
) -> list[PersonLine]:
    """Persons by id, with their household and how many records are theirs."""
    principal.require(Scope.PERSONS_READ)
    _page(limit, offset)
    with uow:
        return uow.records.persons(limit=limit, offset=offset)


def read_person(
    uow: OperationUnitOfWork, principal: Principal, person_id: uuid.UUID, *, now: dt.datetime
) -> PersonRecordsView:
    """A person with every record matching joined into them, masked for the role (shredded
    records left out). Every read is an audit event."""
    with uow:
        lines = access_person(uow, principal, person_id)
        readable = [line for line in lines if not line.shredded]
        records = tuple(record_view(principal, line, uow.records.get(line.id)) for line in readable)
        _audit_read(uow, principal, "person.read", "person", person_id, now)
        uow.commit()
    return PersonRecordsView(person_id, lines[0].household_id, records)


def _audit_read(
    uow: OperationUnitOfWork,
    principal: Principal,
    action: str,
    kind: str,
    object_id: uuid.UUID,
    now: dt.datetime,
) -> None:
    uow.audit.record(
        actor=principal.actor,
        action=action,
        object_kind=kind,
        object_id=str(object_id),
        at=now,
        details={"role": str(principal.role), "via": str(principal.channel)},
    )


# --- the review queue ----------------------------------------------------------------------------


def review_pairs(
    uow: OperationUnitOfWork, principal: Principal, *, limit: int = 50, offset: int = 0
) -> list[ReviewPair]:
    """The open pairs, most uncertain first: record ids, probability, which fields agree."""
    principal.require(Scope.REVIEW_READ)
    _page(limit, offset)
    return review_queue(uow)[offset : offset + limit]


def _pair(uow: OperationUnitOfWork, principal: Principal, pair_id: uuid.UUID) -> None:
    principal.require(Scope.REVIEW_WRITE)
    with uow:
        try:
            uow.matching.get_pair(pair_id)
        except NotFound:
            raise NotFound(f"review pair {pair_id} not found") from None


def decide_pair(
    uow: OperationUnitOfWork,
    principal: Principal,
    pair_id: uuid.UUID,
    decision: Decision,
    *,
    now: dt.datetime,
) -> DecisionOutcome:
    """Confirm (one person: merged) or reject (two people: kept apart) an open pair."""
    _pair(uow, principal, pair_id)
    return decide(uow, pair_id, decision, actor=principal.actor, now=now)


def undo_pair(
    uow: OperationUnitOfWork, principal: Principal, pair_id: uuid.UUID, *, now: dt.datetime
) -> DecisionOutcome:
    """Take a decision back; the pair returns to the queue (a confirmation unmerges)."""
    _pair(uow, principal, pair_id)
    return undo(uow, pair_id, actor=principal.actor, now=now)
