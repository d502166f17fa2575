"""What stored matching needs from storage: the persons and households records were clustered
into, the links that joined them, and the review queue with its decisions. `refuge.store`
implements these over SQLAlchemy.

Nothing crossing this boundary is personal: record, person, household and pair ids, match
probabilities, and the names of the fields that agreed or disagreed."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from refuge.cases.ports import AuditLog, Transaction

if TYPE_CHECKING:  # intake imports matching (romanisation); only its types are needed here
    from refuge.intake.ports import SourceRecord

__all__ = [
    "Decision",
    "Membership",
    "PairVerdict",
    "ReviewPair",
    "MatchRepository",
    "MatchUnitOfWork",
    "StoredLink",
]


class Decision(enum.StrEnum):
    OPEN = "open"  # waiting for a case officer
    CONFIRMED = "confirmed"  # one person: forced together at every re-clustering
    REJECTED = "rejected"  # two people: forced apart at every re-clustering


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """What one comparison found for a pair, by field name and level label only."""

    field: str
    level: str
    verdict: str  # agrees | disagrees | missing
    bayes_factor: float


@dataclass(frozen=True, slots=True)
class ReviewPair:
    """A pair of records the model was unsure of, and what a case officer decided."""

    id: uuid.UUID
    left: uuid.UUID
    right: uuid.UUID
    probability: float
    fields: tuple[PairVerdict, ...]
    decision: Decision
    found_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: str | None = None


@dataclass(frozen=True, slots=True)
class StoredLink:
    left: uuid.UUID
    right: uuid.UUID
    probability: float


@dataclass(frozen=True, slots=True)
class Membership:
    """The person and household one source record belongs to."""

    record: uuid.UUID
    person: uuid.UUID
    household: uuid.UUID


class MatchRepository(Protocol):
    def memberships(self) -> dict[uuid.UUID, Membership]: ...
    def replace_memberships(self, memberships: Sequence[Membership]) -> None: ...
    def list_households(self) -> dict[uuid.UUID, uuid.UUID]:
        """Each record's household on its own list, by an opaque id (records no list put in a
        household are absent)."""

    def replace_list_households(self, list_households: Mapping[uuid.UUID, uuid.UUID]) -> None: ...
    def links(self) -> list[StoredLink]: ...
    def replace_links(self, links: Sequence[StoredLink]) -> None: ...
    def pairs(self, decision: Decision | None = None) -> list[ReviewPair]: ...
    def get_pair(self, pair_id: uuid.UUID) -> ReviewPair: ...  # NotFound
    def replace_open_pairs(self, pairs: Sequence[ReviewPair]) -> None:
        """Drop the open pairs and store these (decided pairs stay as they are)."""

    def set_decision(
        self, pair_id: uuid.UUID, decision: Decision, *, at: dt.datetime | None, by: str | None
    ) -> None: ...


class _IntakeRecords(Protocol):
    def records(
        self, organisation: str | None = None, *, withdrawn: bool = False
    ) -> Iterator[SourceRecord]: ...


class MatchUnitOfWork(Transaction, Protocol):
    @property
    def intake(self) -> _IntakeRecords: ...
    @property
    def matching(self) -> MatchRepository: ...
    @property
    def audit(self) -> AuditLog: ...
