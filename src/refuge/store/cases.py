"""Cases and their history, with optimistic concurrency on saving.

A case is saved with a conditional UPDATE on its id and the version its copy was read at; when
no row matches, someone saved since, and the save is refused (StaleObject) rather than
overwriting their change. The reason given for a transition is free text that may name people,
so it is sealed under the household's data key like any other personal field.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update

from refuge.domain import AlreadyExists, Case, NotFound, Stage, StaleObject, Transition
from refuge.store.models import CaseRow, CaseTransitionRow
from refuge.store.numbers import new_case_number
from refuge.store.work import Work, chunks, now, translating

__all__ = ["SHREDDED_REASON", "SqlCaseRepository"]

# What a transition's reason reads as once its household's data key is destroyed.
SHREDDED_REASON = "[shredded]"
# Candidate case numbers checked against the database in one query.
_NUMBER_BATCH = 64


class SqlCaseRepository:
    def __init__(self, work: Work) -> None:
        self._work = work
        # The last stored transition of each case at the version it was read or saved with in
        # this unit of work: what save would otherwise ask the database for.
        self._last_move: dict[tuple[uuid.UUID, int], int] = {}

    def add(self, case: Case) -> None:
        """Queue a new case and its history; written in batches with the unit of work's other
        new rows."""
        work = self._work
        if case.number in work.added_case_numbers:
            raise AlreadyExists(f"case {case.number} exists already")
        work.added_case_numbers.add(case.number)
        work.case_numbers.add(case.number)
        stamp = now()
        work.queue(
            CaseRow,
            [
                {
                    "id": case.id,
                    "case_number": case.number,
                    "household_id": case.household_id,
                    "program": case.program,
                    "organisation": case.organisation,
                    "stage": case.stage.value,
                    "priority": case.priority,
                    "version": case.version,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            ],
        )
        work.queue(CaseTransitionRow, self._transition_rows(case, case.history, first_seq=1))

    def save(self, case: Case) -> None:
        """Write the case and its new transitions if the stored version is still `case.version`;
        StaleObject otherwise. On success `case.version` goes up by one."""
        work = self._work
        work.flush()
        session = work.session
        with translating(f"saving case {case.number}"):
            touched = self._work.change(
                update(CaseRow)
                .where(CaseRow.id == case.id, CaseRow.version == case.version)
                .values(
                    stage=case.stage.value,
                    priority=case.priority,
                    program=case.program,
                    organisation=case.organisation,
                    version=case.version + 1,
                    updated_at=now(),
                )
            )
            if touched == 0:
                stored = session.scalar(select(CaseRow.version).where(CaseRow.id == case.id))
                if stored is None:
                    raise NotFound(f"case {case.number} not found")
                raise StaleObject(
                    f"case {case.number} was changed by someone else (this copy is version "
                    f"{case.version}, the stored case version {stored}); reload it and try again"
                )
            # The row is ours until commit, and its version matched: the stored history is the
            # one this copy was read with, so whatever follows it is new.
            stored_moves = self._last_move.get((case.id, case.version))
            if stored_moves is None:
                stored_moves = (
                    session.scalar(
                        select(func.max(CaseTransitionRow.seq)).where(
                            CaseTransitionRow.case_id == case.id
                        )
                    )
                    or 0
                )
            work.queue(
                CaseTransitionRow,
                self._transition_rows(
                    case, case.history[stored_moves:], first_seq=stored_moves + 1
                ),
            )
            work.flush()
        case.version += 1
        self._last_move[(case.id, case.version)] = len(case.history)

    def _transition_rows(
        self, case: Case, moves: Sequence[Transition], *, first_seq: int
    ) -> list[dict[str, Any]]:
        key = None
        if any(move.reason for move in moves):
            key = self._work.household_key(case.household_id)
        rows = []
        for seq, move in enumerate(moves, start=first_seq):
            sealed = None
            if move.reason and key is not None:
                sealed = key.encrypt(move.reason, f"case_transition.reason:{case.id}:{seq}")
            rows.append(
                {
                    "case_id": case.id,
                    "seq": seq,
                    "from_stage": move.from_stage.value,
                    "to_stage": move.to_stage.value,
                    "actor": move.actor,
                    "at": move.at,
                    "reason_enc": sealed,
                }
            )
        return rows

    def get(self, number: str) -> Case:
        self._work.flush()
        row = self._work.session.scalars(
            select(CaseRow).where(CaseRow.case_number == number)
        ).one_or_none()
        if row is None:
            raise NotFound(f"case {number} not found")
        return self._cases([row])[0]

    def for_household(self, household_id: uuid.UUID) -> list[Case]:
        self._work.flush()
        rows = self._work.session.scalars(
            select(CaseRow)
            .where(CaseRow.household_id == household_id)
            .order_by(CaseRow.created_at, CaseRow.case_number)
        ).all()
        return self._cases(rows)

    def _cases(self, rows: Sequence[CaseRow]) -> list[Case]:
        work = self._work
        history: dict[uuid.UUID, list[CaseTransitionRow]] = defaultdict(list)
        for part in chunks([row.id for row in rows]):
            for move in work.session.scalars(
                select(CaseTransitionRow)
                .where(CaseTransitionRow.case_id.in_(part))
                .order_by(CaseTransitionRow.seq)
            ):
                history[move.case_id].append(move)
        for row in rows:
            moves = history[row.id]
            self._last_move[(row.id, row.version)] = moves[-1].seq if moves else 0
        return [
            Case(
                number=row.case_number,
                household_id=row.household_id,
                program=row.program,
                organisation=row.organisation,
                stage=Stage(row.stage),
                priority=row.priority,
                history=self._history(row, history[row.id]),
                version=row.version,
                id=row.id,
            )
            for row in rows
        ]

    def _history(self, case: CaseRow, moves: Iterable[CaseTransitionRow]) -> list[Transition]:
        moves = list(moves)
        key = None
        if any(move.reason_enc is not None for move in moves):
            key = self._work.readable_key(case.household_id)
        history = []
        for move in moves:
            reason = ""
            if move.reason_enc is not None:
                reason = (
                    key.decrypt(move.reason_enc, f"case_transition.reason:{case.id}:{move.seq}")
                    if key is not None
                    else SHREDDED_REASON
                )
            history.append(
                Transition(
                    Stage(move.from_stage), Stage(move.to_stage), move.actor, move.at, reason
                )
            )
        return history

    def next_number(self) -> str:
        """A new case number: random, checked against the stored ones and those handed out in
        this unit of work (drawn again on a collision)."""
        work = self._work
        while not work.number_pool:
            candidates = sorted({new_case_number() for _ in range(_NUMBER_BATCH)})
            taken = set(
                work.session.scalars(
                    select(CaseRow.case_number).where(CaseRow.case_number.in_(candidates))
                )
            )
            work.number_pool = [n for n in candidates if n not in taken | work.case_numbers]
        number = work.number_pool.pop()
        work.case_numbers.add(number)
        return number

    def count_by_stage(self) -> Mapping[Stage, int]:
        self._work.flush()
        rows = self._work.session.execute(
            select(CaseRow.stage, func.count()).group_by(CaseRow.stage)
        )
        return {Stage(stage): count for stage, count in rows}

    def count_by_program(self) -> Mapping[str, int]:
        self._work.flush()
        rows = self._work.session.execute(
            select(CaseRow.program, func.count()).group_by(CaseRow.program)
        )
        return {program: count for program, count in rows}
