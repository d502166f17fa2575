"""Matching use cases over stored records: `match` links every stored record into persons and
households and fills the review queue; `decide` and `undo` record a case officer's verdict on a
queued pair, re-clustering persons at once; `review_queue` lists what waits.

Records are decrypted in memory only (the linkage keeps its DuckDB database in memory too); what
is stored and audited is ids, probabilities, field names and counts."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from refuge.domain import Conflict, InvalidInput
from refuge.matching.clustering import household_clusters
from refuge.matching.decisions import cluster_with_decisions, stable_ids
from refuge.matching.linkage import (
    DEFAULT_REVIEW_BAND,
    DEFAULT_THRESHOLD,
    ENGINES,
    Engine,
    ScoredPair,
    link_records,
)
from refuge.matching.ports import (
    Decision,
    MatchRepository,
    MatchUnitOfWork,
    Membership,
    PairVerdict,
    ReviewPair,
    StoredLink,
)
from refuge.matching.records import link_record

__all__ = ["DecisionOutcome", "MatchReport", "decide", "match", "review_queue", "undo"]


@dataclass(frozen=True, slots=True)
class MatchReport:
    """What a matching run did, in counts only."""

    engine: Engine
    records: int
    persons: int
    households: int
    links: int
    review_pairs: int  # open pairs waiting for a case officer
    decisions_kept: int  # confirmed and rejected pairs applied to this clustering
    seconds: float


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    pair: ReviewPair
    persons_before: int
    persons_after: int
    households_before: int
    households_after: int


def match(
    uow: MatchUnitOfWork,
    *,
    actor: str,
    now: dt.datetime,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    review_band: tuple[float, float] = DEFAULT_REVIEW_BAND,
) -> MatchReport:
    """Link every stored record (withdrawn ones left out) into persons and households, keeping
    earlier decisions: confirmed pairs together, rejected pairs apart, and neither back in the
    queue. Person and household ids are kept from the last run where the clusters allow."""
    chosen = _engine(engine)
    started = time.perf_counter()
    with uow:
        records = [link_record(str(source.id), source.record) for source in uow.intake.records()]
        linkage = link_records(records, engine=chosen, threshold=threshold, review_band=review_band)
        repository = uow.matching
        decided = [pair for pair in repository.pairs() if pair.decision is not Decision.OPEN]
        ids = [record.record_id for record in records]
        persons = cluster_with_decisions(
            ids,
            linkage.links,
            confirmed=_pairs_of(decided, Decision.CONFIRMED),
            rejected=_pairs_of(decided, Decision.REJECTED),
        )
        households = household_clusters(
            persons, {record.record_id: record.source_household for record in records}
        )
        previous = repository.memberships()
        person_of = stable_ids(persons, {str(k): m.person for k, m in previous.items()}, uuid.uuid4)
        household_of = stable_ids(
            households, {str(k): m.household for k, m in previous.items()}, uuid.uuid4
        )
        repository.replace_memberships(
            [
                Membership(uuid.UUID(record), person_of[record], household_of[record])
                for record in ids
            ]
        )
        repository.replace_links(
            [StoredLink(uuid.UUID(a), uuid.UUID(b), p) for a, b, p in linkage.links]
        )
        # Which records share a list household, so that a single decision can rebuild
        # households. The ids are the households' ranks in the order of their list references
        # (nothing of a reference is kept): the order the clustering breaks ties by, so that a
        # decision rebuilds exactly what a run would.
        ranked = sorted({h for record in records if (h := record.source_household) is not None})
        rank = {household: uuid.UUID(int=i) for i, household in enumerate(ranked, 1)}
        repository.replace_list_households(
            {
                uuid.UUID(record.record_id): rank[household]
                for record in records
                if (household := record.source_household) is not None
            }
        )
        decided_keys = {(pair.left, pair.right) for pair in decided}
        open_ids = {(pair.left, pair.right): pair.id for pair in repository.pairs(Decision.OPEN)}
        queue = [
            _review_pair(scored, open_ids, now)
            for scored in linkage.review
            if (uuid.UUID(scored.left), uuid.UUID(scored.right)) not in decided_keys
        ]
        repository.replace_open_pairs(queue)
        present = set(ids)
        kept = sum(
            1 for pair in decided if str(pair.left) in present and str(pair.right) in present
        )
        report = MatchReport(
            engine=chosen,
            records=len(ids),
            persons=len(persons),
            households=len(households),
            links=len(linkage.links),
            review_pairs=len(queue),
            decisions_kept=kept,
            seconds=round(time.perf_counter() - started, 3),
        )
        uow.audit.record(
            actor=actor,
            action="match.run",
            object_kind="matching",
            object_id=chosen,
            at=now,
            details={
                "records": report.records,
                "persons": report.persons,
                "households": report.households,
                "links": report.links,
                "review_pairs": report.review_pairs,
                "decisions_kept": report.decisions_kept,
            },
        )
        uow.commit()
    return report


def review_queue(uow: MatchUnitOfWork) -> list[ReviewPair]:
    """The open pairs, most uncertain first."""
    with uow:
        pairs = uow.matching.pairs(Decision.OPEN)
    return sorted(pairs, key=lambda p: (abs(p.probability - 0.5), str(p.left), str(p.right)))


def decide(
    uow: MatchUnitOfWork,
    pair_id: uuid.UUID,
    decision: Decision | str,
    *,
    actor: str,
    now: dt.datetime,
) -> DecisionOutcome:
    """Confirm (one person: their persons merge) or reject (two people: kept apart, splitting
    a person if links had joined them) an open pair. Raises NotFound for an unknown pair and
    Conflict for one decided already (undo it first)."""
    verdict = _decision(decision)
    with uow:
        pair = uow.matching.get_pair(pair_id)
        if pair.decision is not Decision.OPEN:
            raise Conflict(f"review pair {pair_id} is {pair.decision.value} already; undo it first")
        uow.matching.set_decision(pair_id, verdict, at=now, by=actor)
        change = _recluster(uow.matching)
        action = "match.confirm" if verdict is Decision.CONFIRMED else "match.reject"
        uow.audit.record(
            actor=actor,
            action=action,
            object_kind="review_pair",
            object_id=str(pair_id),
            at=now,
            details={"left": str(pair.left), "right": str(pair.right), **change.details()},
        )
        decided = uow.matching.get_pair(pair_id)
        uow.commit()
    return DecisionOutcome(decided, *change.counts())


def undo(
    uow: MatchUnitOfWork, pair_id: uuid.UUID, *, actor: str, now: dt.datetime
) -> DecisionOutcome:
    """Reverse a decision: the pair goes back to the queue and persons are re-clustered without
    it (undoing a confirmation unmerges, undoing a rejection lets the links join again). Raises
    Conflict for a pair that is still open."""
    with uow:
        pair = uow.matching.get_pair(pair_id)
        if pair.decision is Decision.OPEN:
            raise Conflict(f"review pair {pair_id} has no decision to undo")
        uow.matching.set_decision(pair_id, Decision.OPEN, at=None, by=None)
        change = _recluster(uow.matching)
        uow.audit.record(
            actor=actor,
            action="match.unmerge" if pair.decision is Decision.CONFIRMED else "match.undo_reject",
            object_kind="review_pair",
            object_id=str(pair_id),
            at=now,
            details={
                "undone": pair.decision.value,
                "left": str(pair.left),
                "right": str(pair.right),
                **change.details(),
            },
        )
        reopened = uow.matching.get_pair(pair_id)
        uow.commit()
    return DecisionOutcome(reopened, *change.counts())


@dataclass(frozen=True, slots=True)
class _Change:
    """What re-clustering after a decision changed: persons and households before and after,
    and which persons and households were merged (several became one) or split (one became
    several), by id."""

    persons_before: int
    persons_after: int
    households_before: int
    households_after: int
    persons_merged: tuple[str, ...]
    persons_split: tuple[str, ...]
    households_merged: tuple[str, ...]
    households_split: tuple[str, ...]

    def counts(self) -> tuple[int, int, int, int]:
        return (
            self.persons_before,
            self.persons_after,
            self.households_before,
            self.households_after,
        )

    def details(self) -> dict[str, str | int | float | None]:
        """For the audit log: counts, and the ids space-separated (details hold scalars)."""
        return {
            "persons_before": self.persons_before,
            "persons_after": self.persons_after,
            "households_before": self.households_before,
            "households_after": self.households_after,
            "persons_merged": " ".join(self.persons_merged),
            "persons_split": " ".join(self.persons_split),
            "households_merged": " ".join(self.households_merged),
            "households_split": " ".join(self.households_split),
        }


def _recluster(repository: MatchRepository) -> _Change:
    """Persons again from the stored links and decisions, and households from those persons
    and each record's list household, as a run would make them; ids kept where the clusters
    allow. Stores from before list households were kept (no list household stored for any
    record) keep their households until the next run."""
    memberships = repository.memberships()
    decided = [pair for pair in repository.pairs() if pair.decision is not Decision.OPEN]
    links = [(str(link.left), str(link.right), link.probability) for link in repository.links()]
    ids = [str(record) for record in memberships]
    persons = cluster_with_decisions(
        ids,
        links,
        confirmed=_pairs_of(decided, Decision.CONFIRMED),
        rejected=_pairs_of(decided, Decision.REJECTED),
    )
    person_of = stable_ids(persons, {str(k): m.person for k, m in memberships.items()}, uuid.uuid4)
    list_households = repository.list_households()
    if list_households:
        households = household_clusters(
            persons,
            {record: _str_or_none(list_households.get(uuid.UUID(record))) for record in ids},
        )
        household_of = stable_ids(
            households, {str(k): m.household for k, m in memberships.items()}, uuid.uuid4
        )
    else:
        household_of = {str(k): m.household for k, m in memberships.items()}
    after = [
        Membership(record, person_of[str(record)], household_of[str(record)])
        for record in memberships
    ]
    repository.replace_memberships(after)
    before = list(memberships.values())
    persons_merged, persons_split = _merged_and_split(
        [(m.person, n.person) for m, n in zip(before, after, strict=True)]
    )
    households_merged, households_split = _merged_and_split(
        [(m.household, n.household) for m, n in zip(before, after, strict=True)]
    )
    return _Change(
        persons_before=len({m.person for m in before}),
        persons_after=len({m.person for m in after}),
        households_before=len({m.household for m in before}),
        households_after=len({m.household for m in after}),
        persons_merged=persons_merged,
        persons_split=persons_split,
        households_merged=households_merged,
        households_split=households_split,
    )


def _merged_and_split(
    moves: Sequence[tuple[uuid.UUID, uuid.UUID]],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """From each record's (old id, new id): the new ids that gather records of several old ones
    (merged), and the old ids whose records now lie under several new ones (split)."""
    sources: dict[uuid.UUID, set[uuid.UUID]] = {}
    targets: dict[uuid.UUID, set[uuid.UUID]] = {}
    for old, new in moves:
        sources.setdefault(new, set()).add(old)
        targets.setdefault(old, set()).add(new)
    merged = sorted(str(new) for new, olds in sources.items() if len(olds) > 1)
    split = sorted(str(old) for old, news in targets.items() if len(news) > 1)
    return tuple(merged), tuple(split)


def _str_or_none(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _pairs_of(pairs: Sequence[ReviewPair], decision: Decision) -> list[tuple[str, str]]:
    return [(str(p.left), str(p.right)) for p in pairs if p.decision is decision]


def _review_pair(
    scored: ScoredPair, open_ids: dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID], now: dt.datetime
) -> ReviewPair:
    left, right = uuid.UUID(scored.left), uuid.UUID(scored.right)
    return ReviewPair(
        id=open_ids.get((left, right)) or uuid.uuid4(),
        left=left,
        right=right,
        probability=scored.probability,
        fields=tuple(
            PairVerdict(f.field, f.level, f.verdict, f.bayes_factor) for f in scored.fields
        ),
        decision=Decision.OPEN,
        found_at=now,
    )


def _engine(engine: str) -> Engine:
    for known in ENGINES:
        if engine == known:
            return known
    raise InvalidInput(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")


_SPOKEN = {"confirm": Decision.CONFIRMED, "reject": Decision.REJECTED}


def _decision(decision: Decision | str) -> Decision:
    try:
        verdict = Decision(_SPOKEN.get(str(decision), decision))
    except ValueError:
        raise InvalidInput(f"decision must be confirm or reject, not {decision!r}") from None
    if verdict is Decision.OPEN:
        raise InvalidInput("decision must be confirm or reject; use undo to reopen a pair")
    return verdict
