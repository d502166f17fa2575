"""Where every case stands in the order of precedence: its category, rank and priority score
from its recorded facts, with its household's size and nationalities. Counts and planning read
this; nothing here is stored or audited (it is computed from what is, and leaves no data)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from refuge.domain import Case, Stage
from refuge.eligibility.ports import EligibilityUnitOfWork
from refuge.eligibility.precedence import PrecedenceOrder, prioritise
from refuge.eligibility.services import RecordedFacts

__all__ = ["CaseStanding", "case_standings"]

_BATCH = 500


@dataclass(frozen=True, slots=True)
class CaseStanding:
    number: str
    household_id: uuid.UUID
    program: str
    organisation: str
    stage: Stage
    category: str
    category_name: str
    rank: int
    score: float
    people: int
    nationalities: tuple[str, ...]  # of the household's members, each once, in order met


def case_standings(
    uow: EligibilityUnitOfWork,
    order: PrecedenceOrder,
    *,
    on: dt.date,
    stages: frozenset[Stage] = frozenset(Stage),
) -> list[CaseStanding]:
    """Every readable case in `stages` (a shredded household's case is left out), decrypted in
    memory a batch of households at a time."""
    standings: list[CaseStanding] = []
    with uow:
        cases = uow.eligibility.screenable(stages)
        recorded = uow.eligibility.facts([(c.case_id, c.household_id) for c in cases])
        for start in range(0, len(cases), _BATCH):
            batch = cases[start : start + _BATCH]
            households = uow.eligibility.households_of([c.household_id for c in batch])
            for item in batch:
                household = households.get(item.household_id)
                if household is None:
                    continue
                case = Case(
                    number=item.number,
                    household_id=item.household_id,
                    program=item.program,
                    organisation=item.organisation,
                    stage=item.stage,
                    version=item.version,
                    id=item.case_id,
                )
                facts, _ = recorded.get(item.case_id, ({}, 0))
                registered = None if item.registered_at is None else item.registered_at.date()
                case_facts = RecordedFacts.from_record(facts, case=item.number).for_case(
                    case, household, on, registered_on=registered
                )
                priority = prioritise(case_facts, order)
                nationalities = dict.fromkeys(
                    n for m in household.members for n in m.person.nationalities
                )
                standings.append(
                    CaseStanding(
                        number=item.number,
                        household_id=item.household_id,
                        program=item.program,
                        organisation=item.organisation,
                        stage=item.stage,
                        category=priority.category,
                        category_name=priority.category_name,
                        rank=priority.rank,
                        score=priority.score,
                        people=len(household.members),
                        nationalities=tuple(nationalities),
                    )
                )
    return standings
