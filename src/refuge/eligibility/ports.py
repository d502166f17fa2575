"""What the stored screening flow needs from storage. `refuge.store` implements these over
SQLAlchemy; tests of the services use the real store on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.cases.ports import UnitOfWork
from refuge.domain import Case, Household, Stage

__all__ = ["EligibilityRepository", "EligibilityUnitOfWork", "ScreenableCase", "StoredDecision"]


@dataclass(frozen=True, slots=True)
class ScreenableCase:
    """What screening needs of a case without loading its history."""

    case_id: uuid.UUID
    number: str
    household_id: uuid.UUID
    program: str
    organisation: str
    stage: Stage
    version: int
    registered_at: dt.datetime | None  # when the case reached the registered stage

    def case(self) -> Case:
        """The case as screening and planning read it (its history is loaded only if it
        moves)."""
        return Case(
            number=self.number,
            household_id=self.household_id,
            program=self.program,
            organisation=self.organisation,
            stage=self.stage,
            version=self.version,
            id=self.case_id,
        )


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A case's decision as stored (`Decision.as_record()`), the one before it, and the revision
    of the case's facts it was made on."""

    record: Mapping[str, object]
    previous: Mapping[str, object] | None
    facts_revision: int


class EligibilityRepository(Protocol):
    def record_facts(
        self,
        case_id: uuid.UUID,
        household_id: uuid.UUID,
        facts: Mapping[str, object],
        at: dt.datetime,
    ) -> int:
        """Seal the facts under the household's data key, replacing earlier ones; the new
        revision (1 for the first recording)."""

    def facts(
        self, cases: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[uuid.UUID, tuple[Mapping[str, object], int]]:
        """Facts and revision by case id, for (case id, household id) pairs that have any."""

    def households_of(self, household_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Household]:
        """The readable households among these, decrypted in memory, by id (a shredded one is
        left out)."""

    def screenable(self, stages: frozenset[Stage]) -> list[ScreenableCase]: ...
    def decisions(self, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StoredDecision]: ...

    def record_decisions(
        self, decisions: Sequence[tuple[uuid.UUID, Mapping[str, object], int]], at: dt.datetime
    ) -> None:
        """Store each (case id, decision record, facts revision), keeping the decision each
        replaces as that case's previous decision."""

    def define_quota(self, key: str, limit: int, unit: str) -> None: ...

    def take(self, amounts: Mapping[str, int]) -> str | None:
        """Count amounts against their quotas; the key of a quota without room (then nothing
        must be committed), or None. Safe against concurrent writers."""

    def usages(self) -> list[tuple[str, int, str, int]]: ...  # (key, limit, unit, used)
    def case_id(self, number: str) -> uuid.UUID: ...  # NotFound


class EligibilityUnitOfWork(UnitOfWork, Protocol):
    @property
    def eligibility(self) -> EligibilityRepository: ...
