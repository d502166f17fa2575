"""Eligibility in the store: each case's screening facts (sealed under its household's data key),
its current and previous decision, and the quota counters that approvals draw on.

A quota is taken with one conditional UPDATE per counter (`used = used + n WHERE used + n <=
limit`): the database row lock serialises concurrent writers, and a take that would pass the
limit touches no row, so no interleaving of transactions can exceed a quota.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from refuge.domain import Household, NotFound, Stage
from refuge.eligibility.ports import ScreenableCase, StoredDecision
from refuge.store.households import SqlHouseholdRepository
from refuge.store.models import Base, CaseRow, CaseTransitionRow
from refuge.store.work import Work, chunks, translating

__all__ = [
    "CaseDecisionRow",
    "CaseFactsRow",
    "QuotaRow",
    "SqlEligibilityRepository",
]


class CaseFactsRow(Base):
    __tablename__ = "case_facts"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    facts_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Goes up by one at every recording; a decision notes the revision it saw, so re-screening
    # "only changed" needs no digest of the facts (which would leak them to guessing).
    revision: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column()


class CaseDecisionRow(Base):
    __tablename__ = "case_decisions"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    program: Mapped[str] = mapped_column(String(64))
    program_version: Mapped[str] = mapped_column(String(32))
    program_digest: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    facts_revision: Mapped[int] = mapped_column(Integer)
    screened_at: Mapped[dt.datetime] = mapped_column()
    # Decision.as_record(): case number, rule ids, rule texts and fact names; no personal data.
    record: Mapped[dict[str, Any]] = mapped_column()
    previous: Mapped[dict[str, Any] | None] = mapped_column()


class QuotaRow(Base):
    __tablename__ = "quotas"
    # The last guard: even a writer that bypassed `take` cannot store a quota over its limit.
    __table_args__ = (CheckConstraint('"used" >= 0 AND "used" <= "limit"', name="within_limit"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    limit: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))
    used: Mapped[int] = mapped_column(Integer)


class SqlEligibilityRepository:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- facts ---------------------------------------------------------------------------------

    def record_facts(
        self, case_id: uuid.UUID, household_id: uuid.UUID, facts: Mapping[str, object],
        at: dt.datetime,
    ) -> int:  # fmt: skip
        """Seal and store a case's facts (replacing earlier ones); the new revision."""
        work = self._work
        work.flush()
        key = work.household_key(household_id)
        sealed = key.encrypt(json.dumps(facts, sort_keys=True), f"case_facts.facts:{case_id}")
        session = work.session
        with translating(f"recording facts of case {case_id}"):
            row = session.get(CaseFactsRow, case_id)
            if row is None:
                session.add(CaseFactsRow(case_id=case_id, facts_enc=sealed, revision=1,
                                         recorded_at=at))  # fmt: skip
                session.flush()
                return 1
            row.facts_enc, row.revision, row.recorded_at = sealed, row.revision + 1, at
            session.flush()
            return row.revision

    def facts(
        self, cases: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[uuid.UUID, tuple[Mapping[str, object], int]]:
        """Facts and revision of each (case id, household id) that has any, decrypted in memory.
        A shredded household's facts are unreadable and left out."""
        work = self._work
        work.flush()
        households = dict(cases)
        found: dict[uuid.UUID, tuple[Mapping[str, object], int]] = {}
        for part in chunks(list(households)):
            rows = work.session.execute(
                select(CaseFactsRow.case_id, CaseFactsRow.facts_enc, CaseFactsRow.revision).where(
                    CaseFactsRow.case_id.in_(part)
                )
            ).all()
            work.load_keys(households[case_id] for case_id, _, _ in rows)
            for case_id, sealed, revision in rows:
                key = work.readable_key(households[case_id])
                if key is None:
                    continue
                text = key.decrypt(sealed, f"case_facts.facts:{case_id}")
                found[case_id] = (json.loads(text), revision)
        return found

    # -- decisions -----------------------------------------------------------------------------

    def households_of(self, household_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Household]:
        """The readable households among these, decrypted in memory, by id; a shredded
        household is left out (its personal data, and so its facts, are gone)."""
        work = self._work
        wanted = list(dict.fromkeys(household_ids))
        work.load_keys(wanted)
        readable = [h for h in wanted if work.readable_key(h) is not None]
        found = SqlHouseholdRepository(work).get_many(readable)
        return {household.id: household for household in found}

    def screenable(self, stages: frozenset[Stage]) -> list[ScreenableCase]:
        """Cases in any of `stages`, by case number, with when each was registered."""
        self._work.flush()
        registered = (
            select(CaseTransitionRow.case_id, func.min(CaseTransitionRow.at).label("at"))
            .where(CaseTransitionRow.to_stage == Stage.REGISTERED.value)
            .group_by(CaseTransitionRow.case_id)
            .subquery()
        )
        rows = self._work.session.execute(
            select(
                CaseRow.id, CaseRow.case_number, CaseRow.household_id, CaseRow.program,
                CaseRow.organisation, CaseRow.stage, CaseRow.version, registered.c.at,
            )
            .outerjoin(registered, registered.c.case_id == CaseRow.id)
            .where(CaseRow.stage.in_(sorted(stages)))
            .order_by(CaseRow.case_number)
        )  # fmt: skip
        return [
            ScreenableCase(case_id, number, household, program, organisation, Stage(stage),
                           version, _aware(at))
            for case_id, number, household, program, organisation, stage, version, at in rows
        ]  # fmt: skip

    def decisions(self, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StoredDecision]:
        self._work.flush()
        found: dict[uuid.UUID, StoredDecision] = {}
        for part in chunks(case_ids):
            for row in self._work.session.scalars(
                select(CaseDecisionRow).where(CaseDecisionRow.case_id.in_(part))
            ):
                found[row.case_id] = StoredDecision(row.record, row.previous, row.facts_revision)
        return found

    def record_decisions(
        self, decisions: Sequence[tuple[uuid.UUID, Mapping[str, object], int]], at: dt.datetime
    ) -> None:
        """Store each (case id, decision record, facts revision): new ones in one INSERT, the
        others in one UPDATE that moves the stored decision to `previous`."""
        work = self._work
        work.flush()
        session = work.session
        known: set[uuid.UUID] = set()
        ids = [case_id for case_id, _, _ in decisions]
        for part in chunks(ids):
            known.update(
                session.scalars(
                    select(CaseDecisionRow.case_id).where(CaseDecisionRow.case_id.in_(part))
                )
            )
        rows = [
            {
                "b_case_id": case_id,
                "program": str(record["program"]),
                "program_version": str(record["program_version"]),
                "program_digest": str(record["program_digest"]),
                "outcome": str(record["outcome"]),
                "facts_revision": revision,
                "screened_at": at,
                "record": dict(record),
            }
            for case_id, record, revision in decisions
        ]
        new = [row for row in rows if row["b_case_id"] not in known]
        old = [row for row in rows if row["b_case_id"] in known]
        table = cast(Table, CaseDecisionRow.__table__)
        with translating("recording screening decisions"):
            if new:
                session.execute(
                    insert(table),
                    [{**_without(row, "b_case_id"), "case_id": row["b_case_id"],
                      "previous": None} for row in new],
                )  # fmt: skip
            if old:
                session.connection().execute(
                    update(table)
                    .where(table.c.case_id == bindparam("b_case_id"))
                    .values(
                        previous=table.c.record,
                        **{name: bindparam(name) for name in rows[0] if name != "b_case_id"},
                    ),
                    old,
                )

    # -- quotas --------------------------------------------------------------------------------

    def define_quota(self, key: str, limit: int, unit: str) -> None:
        """Create the quota, or change its limit and unit (what is used stays)."""
        work = self._work
        with translating(f"defining quota {key}"):
            row = work.session.get(QuotaRow, key)
            if row is None:
                work.session.add(QuotaRow(key=key, limit=limit, unit=unit, used=0))
            else:
                row.limit, row.unit = limit, unit
            work.session.flush()

    def take(self, amounts: Mapping[str, int]) -> str | None:
        """Count `amounts` against their quotas, all or none: the key of the first quota without
        room (the caller must then roll back), or None. Unknown keys are not quotas."""
        work = self._work
        work.flush()
        with translating("taking quota"):
            for key in sorted(amounts):  # one order for every writer, so no deadlock
                amount = amounts[key]
                if work.session.get(QuotaRow, key, populate_existing=True) is None:
                    continue
                touched = work.change(
                    update(QuotaRow)
                    .where(QuotaRow.key == key, QuotaRow.used + amount <= QuotaRow.limit)
                    .values(used=QuotaRow.used + amount)
                )
                if touched == 0:
                    return key
        return None

    def usages(self) -> list[tuple[str, int, str, int]]:
        """(key, limit, unit, used) of every quota, by key."""
        self._work.flush()
        rows = self._work.session.execute(
            select(QuotaRow.key, QuotaRow.limit, QuotaRow.unit, QuotaRow.used)
            .order_by(QuotaRow.key)
            .execution_options(populate_existing=True)
        )
        return [(k, limit, unit, used) for k, limit, unit, used in rows]

    def case_id(self, number: str) -> uuid.UUID:
        self._work.flush()
        found = self._work.session.scalar(select(CaseRow.id).where(CaseRow.case_number == number))
        if found is None:
            raise NotFound(f"case {number} not found")
        return found


def _without(row: Mapping[str, object], name: str) -> dict[str, object]:
    return {key: value for key, value in row.items() if key != name}


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    # A column of an aggregate comes back without the model's type: naive UTC on SQLite.
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=dt.UTC)
