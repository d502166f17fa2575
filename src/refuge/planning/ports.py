"""What stored planning needs from storage: plan versions with the households they were made for,
their seats and standby lists, split permissions, the notification outbox, and the manifest.
`refuge.store` implements these over SQLAlchemy; tests use the real store on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from refuge.cases.ports import UnitOfWork
from refuge.domain import ManifestEntry
from refuge.eligibility.ports import EligibilityRepository
from refuge.planning.households import PlanningHousehold
from refuge.planning.plans import Assignment

__all__ = [
    "Notice",
    "PlanManifests",
    "PlanRecord",
    "PlanRepository",
    "PlanStoreUnitOfWork",
    "PlanningUnitOfWork",
    "StoredHousehold",
]


@dataclass(frozen=True, slots=True)
class StoredHousehold:
    """A household as a plan version saw it, with the case it was planned under."""

    case_id: uuid.UUID
    household: PlanningHousehold


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """One stored plan version: how it was made and by whom. No personal data.

    `inputs_version` names the version whose households it was planned for (a re-offer plans
    the households of the version it starts from); `missed` holds (household, flight) pairs of
    no-shows kept off the flight they missed."""

    version: int
    kind: str  # "plan" or "reoffer"
    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    note: str
    actor: str
    created_at: dt.datetime
    allow_surge: bool
    time_limit: float | None
    inputs_version: int
    quotas: Mapping[str, int]
    flight_ids: tuple[uuid.UUID, ...]
    missed: frozenset[tuple[uuid.UUID, uuid.UUID]]
    households: int
    people: int
    seated: int
    seats: int


@dataclass(frozen=True, slots=True)
class Notice:
    """One row of the notification outbox: a household whose seats changed in a version."""

    id: uuid.UUID
    version: int
    household_id: uuid.UUID
    case_number: str
    kind: str  # a ChangeKind value
    before: str  # flight codes and seats, or "standby"
    after: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None = None


class PlanRepository(Protocol):
    def latest_version(self) -> int | None: ...
    def record(self, version: int) -> PlanRecord: ...  # NotFound
    def records(self) -> list[PlanRecord]: ...  # oldest first

    def add(
        self,
        record: PlanRecord,
        households: Sequence[StoredHousehold] | None,
        assignments: Sequence[Assignment],
        standby: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    ) -> None:
        """Store a version. `households` None: it plans the households of `inputs_version`."""

    def households(self, inputs_version: int) -> list[StoredHousehold]: ...
    def assignments(self, version: int) -> list[Assignment]: ...
    def standby(self, version: int) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]: ...

    def allow_split(self, household_id: uuid.UUID, *, by: str, at: dt.datetime) -> bool:
        """Record the permission; False if it was recorded already."""

    def forbid_split(self, household_id: uuid.UUID) -> bool:
        """Withdraw the permission; False if there was none."""

    def split_allowed(self) -> frozenset[uuid.UUID]: ...
    def add_notices(self, notices: Sequence[Notice]) -> None: ...
    def notices(self, *, undelivered_only: bool = True) -> list[Notice]: ...

    def members(self, household_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Person ids of each household, in the household's order (no decryption)."""

    def manifest(self) -> list[ManifestEntry]:
        """Every manifest entry of every flight."""

    def update_entries(self, entries: Sequence[ManifestEntry]) -> None:
        """Store the status and standby rank of these entries."""

    def remove_entries(self, entry_ids: Sequence[uuid.UUID]) -> None:
        """Delete manifest entries (a plan no longer needs them) with their boarding passes."""


class PlanManifests(Protocol):
    def add_many(self, entries: Iterable[ManifestEntry]) -> None: ...


class PlanStoreUnitOfWork(UnitOfWork, Protocol):
    """Enough to store plan versions and the manifests they imply, and to re-offer seats."""

    @property
    def plans(self) -> PlanRepository: ...
    @property
    def manifests(self) -> PlanManifests: ...


class PlanningUnitOfWork(PlanStoreUnitOfWork, Protocol):
    """A full plan also reads the approved cases, their facts and households (eligibility)."""

    @property
    def eligibility(self) -> EligibilityRepository: ...
