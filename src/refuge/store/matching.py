"""Matching in the store: which person and household each source record belongs to, the links
the last run found, and the review queue with its decisions. Only ids, probabilities and field
names are stored: nothing here is personal, so nothing here is encrypted.

Records are referred to by id without a foreign key: the matching tables come in their own
migration branch, which cannot rely on the intake tables existing first; every run replaces the
memberships and links wholesale, so a record that is gone does not linger."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import JSON, Float, Index, String, Table, UniqueConstraint, delete, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Mapped, mapped_column

from refuge.domain import NotFound
from refuge.matching.ports import Decision, Membership, PairVerdict, ReviewPair, StoredLink
from refuge.store.models import Base
from refuge.store.work import Work, chunks, translating

__all__ = [
    "MatchLinkRow",
    "MatchListHouseholdRow",
    "MatchMembershipRow",
    "MatchPairRow",
    "SqlMatchRepository",
]


class MatchMembershipRow(Base):
    __tablename__ = "match_memberships"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    household_id: Mapped[uuid.UUID] = mapped_column(index=True)


class MatchLinkRow(Base):
    __tablename__ = "match_links"

    left_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    right_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    probability: Mapped[float] = mapped_column(Float)


class MatchPairRow(Base):
    __tablename__ = "match_pairs"
    __table_args__ = (UniqueConstraint("left_id", "right_id", name="uq_match_pairs_left_right"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    left_id: Mapped[uuid.UUID]
    right_id: Mapped[uuid.UUID]
    probability: Mapped[float] = mapped_column(Float)
    # [{field, level, verdict, bayes_factor}]: comparison names and level labels, no values.
    fields: Mapped[list[Any]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(12))
    found_at: Mapped[dt.datetime]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))


Index("ix_match_pairs_decision", MatchPairRow.decision)


class MatchListHouseholdRow(Base):
    """The household a record's own list put it in, by its rank among the list households of
    the last run (not derived from the list's reference): which records share one, and the
    order clustering breaks ties by, are all that is kept."""

    __tablename__ = "match_list_households"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    list_household_id: Mapped[uuid.UUID]


class SqlMatchRepository:
    """Implements `refuge.matching.ports.MatchRepository`."""

    def __init__(self, work: Work) -> None:
        self._work = work

    def memberships(self) -> dict[uuid.UUID, Membership]:
        with translating("reading match memberships"):
            rows = self._work.session.execute(
                select(
                    MatchMembershipRow.record_id,
                    MatchMembershipRow.person_id,
                    MatchMembershipRow.household_id,
                )
            )
            return {r: Membership(r, p, h) for r, p, h in rows}

    def replace_memberships(self, memberships: Sequence[Membership]) -> None:
        rows = [
            {"record_id": m.record, "person_id": m.person, "household_id": m.household}
            for m in memberships
        ]
        self._replace(MatchMembershipRow, rows, "storing match memberships")

    def list_households(self) -> dict[uuid.UUID, uuid.UUID]:
        with translating("reading match list households"):
            rows = self._work.session.execute(
                select(MatchListHouseholdRow.record_id, MatchListHouseholdRow.list_household_id)
            )
            return {record: household for record, household in rows}

    def replace_list_households(self, list_households: Mapping[uuid.UUID, uuid.UUID]) -> None:
        rows = [
            {"record_id": record, "list_household_id": household}
            for record, household in list_households.items()
        ]
        self._replace(MatchListHouseholdRow, rows, "storing match list households")

    def links(self) -> list[StoredLink]:
        with translating("reading match links"):
            rows = self._work.session.execute(
                select(MatchLinkRow.left_id, MatchLinkRow.right_id, MatchLinkRow.probability)
            )
            return [StoredLink(a, b, p) for a, b, p in rows]

    def replace_links(self, links: Sequence[StoredLink]) -> None:
        rows = [
            {"left_id": link.left, "right_id": link.right, "probability": link.probability}
            for link in links
        ]
        self._replace(MatchLinkRow, rows, "storing match links")

    def pairs(self, decision: Decision | None = None) -> list[ReviewPair]:
        # populate_existing: decisions are set by UPDATE statements the identity map misses.
        query = (
            select(MatchPairRow)
            .order_by(MatchPairRow.left_id, MatchPairRow.right_id)
            .execution_options(populate_existing=True)
        )
        if decision is not None:
            query = query.where(MatchPairRow.decision == decision.value)
        with translating("reading review pairs"):
            return [_pair(row) for row in self._work.session.scalars(query)]

    def get_pair(self, pair_id: uuid.UUID) -> ReviewPair:
        with translating(f"reading review pair {pair_id}"):
            row = self._work.session.get(MatchPairRow, pair_id, populate_existing=True)
        if row is None:
            raise NotFound(f"review pair {pair_id} not found")
        return _pair(row)

    def replace_open_pairs(self, pairs: Sequence[ReviewPair]) -> None:
        with translating("storing review pairs"):
            self._work.session.execute(
                delete(MatchPairRow).where(MatchPairRow.decision == Decision.OPEN.value)
            )
            rows = [
                {
                    "id": p.id,
                    "left_id": p.left,
                    "right_id": p.right,
                    "probability": p.probability,
                    "fields": [
                        {
                            "field": f.field,
                            "level": f.level,
                            "verdict": f.verdict,
                            "bayes_factor": f.bayes_factor,
                        }
                        for f in p.fields
                    ],
                    "decision": p.decision.value,
                    "found_at": p.found_at,
                    "decided_at": p.decided_at,
                    "decided_by": p.decided_by,
                }
                for p in pairs
            ]
            self._insert(MatchPairRow, rows)

    def set_decision(
        self, pair_id: uuid.UUID, decision: Decision, *, at: dt.datetime | None, by: str | None
    ) -> None:
        with translating(f"deciding review pair {pair_id}"):
            changed = self._work.change(
                sql_update(MatchPairRow)
                .where(MatchPairRow.id == pair_id)
                .values(decision=decision.value, decided_at=at, decided_by=by)
            )
        if changed == 0:
            raise NotFound(f"review pair {pair_id} not found")

    def _replace(self, model: type[Base], rows: list[dict[str, Any]], doing: str) -> None:
        with translating(doing):
            self._work.session.execute(delete(model))
            self._insert(model, rows)

    def _insert(self, model: type[Base], rows: list[dict[str, Any]]) -> None:
        table = cast(Table, model.__table__)
        for part in chunks(rows):
            self._work.session.execute(insert(table), list(part))


def _pair(row: MatchPairRow) -> ReviewPair:
    return ReviewPair(
        id=row.id,
        left=row.left_id,
        right=row.right_id,
        probability=row.probability,
        fields=tuple(
            PairVerdict(
                str(f["field"]), str(f["level"]), str(f["verdict"]), float(f["bayes_factor"])
            )
            for f in row.fields
        ),
        decision=Decision(row.decision),
        found_at=row.found_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )
