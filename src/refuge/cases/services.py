"""Use cases for cases and households: register, move through the pipeline, shred, summarise.

Services take primitives and domain objects plus a unit of work, write an audit event for every
change, commit, and return plain results, so the CLI, the API and tests call the same code.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refuge.cases.ports import UnitOfWork
from refuge.domain import Case, Household, InvalidInput, Organisation, Program, Stage
from refuge.protect.audit import AuditFinding, Detail

__all__ = [
    "OperationSummary",
    "Registration",
    "add_organisation",
    "add_program",
    "move_case",
    "operation_summary",
    "register_households",
    "shred_household",
    "transition_case",
    "verify_audit",
]

_REASON_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Registration:
    """A household to register as a case in a program, on an organisation's behalf."""

    household: Household
    program: str
    organisation: str
    priority: float = 0.0


@dataclass(frozen=True, slots=True)
class OperationSummary:
    organisations: int
    programs: int
    households: int
    people: int
    cases_by_stage: Mapping[Stage, int]
    cases_by_program: Mapping[str, int]
    people_by_nationality: Mapping[str, int]
    audit_events: int
    audit_findings: tuple[AuditFinding, ...]

    @property
    def cases(self) -> int:
        return sum(self.cases_by_stage.values())


def add_organisation(
    uow: UnitOfWork, organisation: Organisation, *, actor: str, now: dt.datetime
) -> None:
    with uow:
        uow.organisations.add(organisation)
        uow.audit.record(
            actor=actor,
            action="organisation.add",
            object_kind="organisation",
            object_id=organisation.code,
            at=now,
            details={"kind": str(organisation.kind)},
        )
        uow.commit()


def add_program(uow: UnitOfWork, program: Program, *, actor: str, now: dt.datetime) -> None:
    with uow:
        uow.programs.add(program)
        uow.audit.record(
            actor=actor,
            action="program.add",
            object_kind="program",
            object_id=program.code,
            at=now,
            details={"version": program.version, "quota": program.quota},
        )
        uow.commit()


def register_households(
    uow: UnitOfWork, registrations: Iterable[Registration], *, actor: str, now: dt.datetime
) -> list[str]:
    """Store each household and open a case for it, registered on arrival in Refuge.

    All or nothing: one transaction for the batch. Returns the case numbers in order.
    """
    numbers: list[str] = []
    with uow:
        for item in registrations:
            uow.programs.get(item.program)  # NotFound before anything is written
            uow.organisations.get(item.organisation)
            uow.households.add(item.household)
            case = Case(
                number=uow.cases.next_number(),
                household_id=item.household.id,
                program=item.program,
                organisation=item.organisation,
                priority=item.priority,
            )
            case.move_to(Stage.REGISTERED, actor=actor, at=now)
            uow.cases.add(case)
            uow.audit.record(
                actor=actor,
                action="case.register",
                object_kind="case",
                object_id=case.number,
                at=now,
                details={
                    "household": str(item.household.id),
                    "members": item.household.size,
                    "program": item.program,
                    "organisation": item.organisation,
                },
            )
            numbers.append(case.number)
        uow.commit()
    return numbers


def move_case(
    uow: UnitOfWork,
    number: str,
    to: Stage,
    *,
    actor: str,
    now: dt.datetime,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case along the pipeline.

    `expected_version` is the version the caller's copy was read at (a form's hidden field, an
    API's If-Match); saving over a newer version raises StaleObject instead of overwriting.
    """
    with uow:
        case = uow.cases.get(number)
        if expected_version is not None:
            case.version = expected_version
        transition_case(uow, case, to, actor=actor, now=now, reason=reason)
        uow.commit()
    return case


def transition_case(
    uow: UnitOfWork,
    case: Case,
    to: Stage,
    *,
    actor: str,
    now: dt.datetime,
    reason: str = "",
    details: Mapping[str, Detail] | None = None,
) -> None:
    """Move, save and audit a case inside a unit of work the caller opened and will commit, so
    that other changes (a gate scan, a screening decision) land in the same transaction.

    `details` adds codes to the audit event; never free text or personal data.
    """
    from_stage = case.stage
    case.move_to(to, actor=actor, at=now, reason=reason)
    uow.cases.save(case)
    uow.audit.record(
        actor=actor,
        action="case.transition",
        object_kind="case",
        object_id=case.number,
        at=now,
        # The reason is free text that may name people: it is kept encrypted on the case.
        details={
            "from": str(from_stage),
            "to": str(to),
            "with_reason": bool(reason),
            **(details or {}),
        },
    )


def shred_household(
    uow: UnitOfWork, household_id: uuid.UUID, *, actor: str, now: dt.datetime, reason_code: str
) -> None:
    """Destroy a household's data key. Its cases, counts and audit trail remain.

    `reason_code` is a short code (e.g. "site-evacuated", "person-request") because it goes into
    the audit log, which carries no free text.
    """
    if not _REASON_CODE.match(reason_code):
        raise InvalidInput("reason code must be 1 to 40 lower-case letters, digits or dashes")
    with uow:
        uow.households.get(household_id)  # NotFound, or DataShredded if done already
        uow.households.shred(household_id)
        uow.audit.record(
            actor=actor,
            action="household.shred",
            object_kind="household",
            object_id=str(household_id),
            at=now,
            details={"reason_code": reason_code},
        )
        uow.commit()


def verify_audit(uow: UnitOfWork) -> list[AuditFinding]:
    with uow:
        return uow.audit.verify()


def operation_summary(uow: UnitOfWork) -> OperationSummary:
    with uow:
        events = sum(1 for _ in uow.audit.events())
        return OperationSummary(
            organisations=len(uow.organisations.list()),
            programs=len(uow.programs.list()),
            households=uow.households.count(),
            people=uow.households.count_people(),
            cases_by_stage=dict(uow.cases.count_by_stage()),
            cases_by_program=dict(uow.cases.count_by_program()),
            people_by_nationality=dict(uow.households.people_by_nationality()),
            audit_events=events,
            audit_findings=tuple(uow.audit.verify()),
        )
