"""Screening as the service offers it: a case's last eligibility decision with the rules that
made it, screening the cases against the programs' rules (as `refuge screen` does), and a
vetting officer's security screening outcome, which moves the case. Rule texts and case numbers
only; no personal data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from refuge.accounts.access import access_case, case_view
from refuge.accounts.ports import OperationUnitOfWork
from refuge.accounts.principal import Principal
from refuge.accounts.roles import Scope
from refuge.accounts.services import transition_case
from refuge.accounts.views import CaseStatusView, CaseView
from refuge.domain import NotFound, Stage
from refuge.eligibility import (
    Decision,
    ProgramDefinition,
    QuotaUsage,
    ScreeningReport,
    define_quotas,
    screen_and_record,
    shipped_precedence,
)

__all__ = [
    "CaseScreening",
    "VettingOutcome",
    "read_screening",
    "record_vetting",
    "run_screening",
]


class VettingOutcome(enum.StrEnum):
    CLEARED = "cleared"
    REFUSED = "refused"

    @property
    def stage(self) -> Stage:
        return Stage.VETTING_CLEARED if self is VettingOutcome.CLEARED else Stage.VETTING_REFUSED


@dataclass(frozen=True, slots=True)
class CaseScreening:
    """A case's stage and its last eligibility decision (None: not screened yet)."""

    case: CaseView | CaseStatusView
    decision: Decision | None


def read_screening(uow: OperationUnitOfWork, principal: Principal, number: str) -> CaseScreening:
    principal.require(Scope.SCREENING_READ)
    with uow:
        case = access_case(uow, principal, number)
        try:
            case_id = uow.eligibility.case_id(number)
        except NotFound:
            raise NotFound(f"case {number} not found") from None
        last = uow.eligibility.decisions([case_id]).get(case_id)
    decision = None if last is None else Decision.from_record(last.record)
    return CaseScreening(case_view(principal, case), decision)


def run_screening(
    uow: OperationUnitOfWork,
    principal: Principal,
    *,
    programs: Mapping[str, ProgramDefinition],
    only_changed: bool,
    now: dt.datetime,
) -> tuple[ScreeningReport, tuple[QuotaUsage, ...]]:
    """Screen every screenable case (or those whose facts or program changed), record the
    decisions, move the cases, and define the quotas again; as `refuge screen` does."""
    principal.require(Scope.SCREENING_RUN)
    report = screen_and_record(
        uow, actor=principal.actor, now=now, programs=programs, only_changed=only_changed
    )
    usage = define_quotas(
        uow, actor=principal.actor, now=now, order=shipped_precedence(), programs=programs
    )
    return report, usage


def record_vetting(
    uow: OperationUnitOfWork,
    principal: Principal,
    number: str,
    outcome: VettingOutcome,
    *,
    reason: str,
    expected_version: int | None,
    now: dt.datetime,
) -> CaseView | CaseStatusView:
    """A security screening outcome: the case moves to vetting_cleared or vetting_refused (from
    screened_eligible, or a refusal reconsidered), with the reason kept in its history."""
    principal.require(Scope.SCREENING_WRITE)
    return transition_case(
        uow,
        principal,
        number,
        outcome.stage,
        reason=reason,
        expected_version=expected_version,
        now=now,
    )
