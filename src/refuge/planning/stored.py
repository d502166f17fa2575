"""Planning over the stored operation: declare flights, allow a household to be split, run a
plan of the approved households and store it as a new version with the manifests it implies,
re-offer the seats of no-shows, compare versions, and forecast the deadline.

A version holds who sits on which flight, each flight's standby list in order, how the plan was
made (solver status, objective, proven bound and gap), who made it and when. Storing one also
brings the manifests in line (entries of people checked in or boarded are never touched), moves
cases between approved and manifested, fills the notification outbox with one row per household
whose seats changed, and writes an audit event. Logs and audit events carry counts and case
numbers only."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from refuge.cases.services import transition_case
from refuge.domain import (
    Conflict,
    Flight,
    InvalidInput,
    ManifestEntry,
    ManifestStatus,
    NotFound,
    Stage,
)
from refuge.eligibility import PrecedenceOrder, RecordedFacts, prioritise
from refuge.planning.diff import Change, ChangeKind, PlanDiff, Seats, diff
from refuge.planning.forecast import Forecast, forecast
from refuge.planning.households import PlanningHousehold, departure_order, precedence_order
from refuge.planning.plans import Plan, PlanStatus, SolveReport
from refuge.planning.ports import (
    Notice,
    PlanningUnitOfWork,
    PlanRecord,
    PlanStoreUnitOfWork,
    StoredHousehold,
)
from refuge.planning.services import plan, reoffer

__all__ = [
    "PLANNED_STAGES",
    "PlanRun",
    "StoredPlan",
    "allow_split",
    "compare_plans",
    "declare_flight",
    "deadline_forecast",
    "plan_versions",
    "read_plan",
    "reoffer_in",
    "run_plan",
]

log = logging.getLogger(__name__)

# Cases a plan seats: approved ones, those manifested by an earlier version (re-planned freely)
# and those with people checked in or boarded (held on their flight).
PLANNED_STAGES: frozenset[Stage] = frozenset(
    {Stage.APPROVED, Stage.MANIFESTED, Stage.CHECKED_IN, Stage.BOARDED}
)
# Manifest entries no plan may change: the person is at the gate or on board.
HELD: frozenset[ManifestStatus] = frozenset({ManifestStatus.CHECKED_IN, ManifestStatus.BOARDED})
# Manifest entries a plan owns: it adds, moves and removes them.
_PLANNED_ENTRIES = frozenset({ManifestStatus.MANIFESTED, ManifestStatus.STANDBY})
_BATCH = 500


@dataclass(frozen=True)
class StoredPlan:
    """A stored version with everything it was made from."""

    record: PlanRecord
    plan: Plan
    case_ids: Mapping[uuid.UUID, uuid.UUID]  # household id -> case id


@dataclass(frozen=True)
class PlanRun:
    """What storing a version did: the version, what changed for whom since the one before
    (against nothing for the first), and cases left out because their household was shredded."""

    record: PlanRecord
    changes: PlanDiff
    notices: int
    left_out: tuple[str, ...] = ()

    def summary(self) -> list[str]:
        r = self.record
        bound = "none proven" if r.bound is None else f"{r.bound:,.2f}"
        gap = "" if r.gap is None else f", gap {r.gap:.4%}"
        counts = {kind: 0 for kind in ("assigned", "moved", "dropped", "withdrawn")}
        for change in self.changes.changes:
            counts[change.kind.value] += 1
        lines = [
            f"plan version {r.version} ({r.kind}, {r.status}) by {r.actor}: "
            f"{r.seated:,} of {r.people:,} people seated on {len(r.flight_ids)} flights "
            f"({r.seats:,} seats), {r.households:,} households",
            f"objective {r.objective:,.2f}, bound {bound}{gap}, {r.seconds:.2f} s",
            "since version {}: {} assigned, {} moved, {} bumped to standby, {} removed; "
            "{} notification(s) queued".format(
                self.changes.old_version,
                counts["assigned"],
                counts["moved"],
                counts["dropped"],
                counts["withdrawn"],
                self.notices,
            ),
        ]
        if r.note:
            lines.append(f"note: {r.note}")
        if self.left_out:
            lines.append(f"left out, household shredded: {', '.join(self.left_out)}")
        return lines


# -- flights and permissions ------------------------------------------------------------------


def declare_flight(
    uow: PlanStoreUnitOfWork, flight: Flight, *, actor: str, now: dt.datetime
) -> None:
    """Add a flight that plans may use. Its times go into the audit log only as the flight's
    code: who may see them is the access rules' business."""
    with uow:
        uow.flights.add(flight)
        uow.audit.record(
            actor=actor,
            action="flight.declare",
            object_kind="flight",
            object_id=flight.code,
            at=now,
            details={
                "aircraft": flight.aircraft,
                "seats": flight.seats,
                "surge_seats": flight.surge_seats,
                "origin": flight.origin,
                "destination": flight.destination,
                "operator_state": flight.operator_state or "",
                "programs": " ".join(sorted(flight.programs)),
                "nationalities": " ".join(sorted(flight.nationalities)),
            },
        )
        uow.commit()


def allow_split(
    uow: PlanStoreUnitOfWork,
    household: str,
    *,
    actor: str,
    now: dt.datetime,
    allowed: bool = True,
) -> tuple[uuid.UUID, bool]:
    """Allow (or, with `allowed` False, forbid again) a household to fly on several flights or
    partly. `household` is its id or the number of one of its cases. Returns the household id
    and whether anything changed; the next plan applies it."""
    with uow:
        household_id = _household_id(uow, household)
        if allowed:
            changed = uow.plans.allow_split(household_id, by=actor, at=now)
        else:
            changed = uow.plans.forbid_split(household_id)
        if changed:
            uow.audit.record(
                actor=actor,
                action="plan.allow_split" if allowed else "plan.forbid_split",
                object_kind="household",
                object_id=str(household_id),
                at=now,
            )
        uow.commit()
    return household_id, changed


def _household_id(uow: PlanStoreUnitOfWork, text: str) -> uuid.UUID:
    try:
        household_id = uuid.UUID(text)
    except ValueError:
        return uow.cases.get(text).household_id  # NotFound names the case number
    uow.households.is_shredded(household_id)  # NotFound if there is no such household
    return household_id


# -- planning ---------------------------------------------------------------------------------


def run_plan(
    uow: PlanningUnitOfWork,
    *,
    actor: str,
    now: dt.datetime,
    order: PrecedenceOrder,
    time_limit_s: float = 30.0,
    allow_surge: bool = False,
    workers: int = 0,
) -> PlanRun:
    """Plan every approved household onto the flights still to leave, warm-started from the last
    version, and store the result as the next version.

    Reads in one transaction, solves outside any, and stores in a second; Conflict if another
    version was stored or someone checked in meanwhile (run it again)."""
    with uow:
        latest = uow.plans.latest_version()
        previous = None if latest is None else _load(uow, latest)
        held = _held(uow.plans.manifest())
        households, left_out = _approved(uow, order, now, held)
        pinned_flights = {f for seats in held.values() for f in seats}
        flights = [
            f for f in uow.flights.list() if f.departs_latest >= now or f.id in pinned_flights
        ]
        quotas = {
            key.removeprefix("category:"): limit
            for key, limit, unit, _used in uow.eligibility.usages()
            if key.startswith("category:") and unit == "people"
        }
    made = plan(
        [s.household for s in households],
        flights,
        quotas,
        time_limit_s=time_limit_s,
        allow_surge=allow_surge,
        previous=None if previous is None else previous.plan,
        workers=workers,
    )
    with uow:
        if uow.plans.latest_version() != latest:
            raise Conflict("another plan version was stored while this one was made; run again")
        manifest = uow.plans.manifest()
        if _held(manifest) != held:
            raise Conflict("people were checked in while this plan was made; run again")
        run = _store(
            uow,
            made,
            households,
            previous,
            kind="plan",
            actor=actor,
            now=now,
            time_limit_s=time_limit_s,
            left_out=left_out,
            manifest=manifest,
        )
        uow.commit()
    log.info("plan version %d stored: %d changes", run.record.version, len(run.changes.changes))
    return run


def reoffer_in(
    uow: PlanStoreUnitOfWork,
    household_ids: Iterable[uuid.UUID],
    *,
    actor: str,
    now: dt.datetime,
) -> PlanRun | None:
    """Inside a unit of work the caller opened and will commit (the gate's no-show): free the
    seats these households held in the latest version and offer them, flight by flight, to the
    standby lists in order, and store the result as a new version. Nobody checked in or boarded
    moves, nor anyone else seated. None when there is no plan or none of them held a seat."""
    latest = uow.plans.latest_version()
    if latest is None:
        return None
    previous = _load(uow, latest)
    missing = {h for h in household_ids if previous.plan.seats_of(h)}
    if not missing:
        return None
    seated = {a.household_id for a in previous.plan.assignments}
    manifest = uow.plans.manifest()
    arrived = set(_held(manifest)) & seated - missing
    made = reoffer(previous.plan, missing, arrived)
    run = _store(uow, made, None, previous, kind="reoffer", actor=actor, now=now, manifest=manifest)
    log.info("re-offer version %d stored: %d changes", run.record.version, len(run.changes.changes))
    return run


def _held(manifest: Iterable[ManifestEntry]) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
    """Household -> flight -> people checked in or boarded there."""
    out: dict[uuid.UUID, dict[uuid.UUID, int]] = {}
    for entry in manifest:
        if entry.status in HELD:
            seats = out.setdefault(entry.household_id, {})
            seats[entry.flight_id] = seats.get(entry.flight_id, 0) + 1
    return out


def _approved(
    uow: PlanningUnitOfWork,
    order: PrecedenceOrder,
    now: dt.datetime,
    held: Mapping[uuid.UUID, Mapping[uuid.UUID, int]],
) -> tuple[list[StoredHousehold], tuple[str, ...]]:
    """The households to plan, with their category and priority worked out as at approval. A
    household with cases in two programs is planned once, under its case of highest precedence.
    Shredded households are left out (their case numbers returned)."""
    cases = uow.eligibility.screenable(PLANNED_STAGES)
    split = uow.plans.split_allowed()
    facts = uow.eligibility.facts([(c.case_id, c.household_id) for c in cases])
    best: dict[uuid.UUID, StoredHousehold] = {}
    left_out: list[str] = []
    for start in range(0, len(cases), _BATCH):
        batch = cases[start : start + _BATCH]
        readable = uow.eligibility.households_of([c.household_id for c in batch])
        for item in batch:
            household = readable.get(item.household_id)
            if household is None:
                left_out.append(item.number)
                continue
            recorded, _ = facts.get(item.case_id, ({}, 0))
            registered = None if item.registered_at is None else item.registered_at.date()
            case_facts = RecordedFacts.from_record(recorded, case=item.number).for_case(
                item.case(), household, now.date(), registered_on=registered
            )
            priority = prioritise(case_facts, order)
            pinned = tuple(sorted(held.get(item.household_id, {}).items(), key=lambda p: str(p[0])))
            nationalities = tuple(
                dict.fromkeys(n for m in household.members for n in m.person.nationalities)
            )
            candidate = StoredHousehold(
                item.case_id,
                PlanningHousehold(
                    household_id=item.household_id,
                    case_number=item.number,
                    program=item.program,
                    category=priority.category,
                    rank=priority.rank,
                    score=priority.score,
                    size=len(household.members),
                    nationalities=nationalities,
                    # Checked in on several flights already: the household is split in fact.
                    split_allowed=item.household_id in split or len(pinned) > 1,
                    pinned=pinned,
                ),
            )
            known = best.get(item.household_id)
            if known is None or precedence_order(candidate.household) < precedence_order(
                known.household
            ):
                best[item.household_id] = candidate
    return list(best.values()), tuple(left_out)


# -- storing a version ------------------------------------------------------------------------


def _store(
    uow: PlanStoreUnitOfWork,
    made: Plan,
    households: Sequence[StoredHousehold] | None,
    previous: StoredPlan | None,
    *,
    kind: str,
    actor: str,
    now: dt.datetime,
    time_limit_s: float | None = None,
    left_out: tuple[str, ...] = (),
    manifest: Sequence[ManifestEntry],
) -> PlanRun:
    version = made.version
    if households is not None:
        inputs_version = version
        case_ids = {s.household.household_id: s.case_id for s in households}
    else:
        if previous is None:
            raise InvalidInput("a re-offer starts from a stored plan")
        inputs_version = previous.record.inputs_version
        case_ids = dict(previous.case_ids)
    report = made.report
    record = PlanRecord(
        version=version,
        kind=kind,
        status=report.status.value,
        objective=report.objective,
        bound=report.bound,
        gap=report.gap,
        seconds=report.seconds,
        note=report.note,
        actor=actor,
        created_at=now,
        allow_surge=made.allow_surge,
        time_limit=time_limit_s,
        inputs_version=inputs_version,
        quotas=MappingProxyType(dict(made.quotas)),
        flight_ids=tuple(f.id for f in made.flights),
        missed=made.missed,
        households=len(made.households),
        people=sum(h.size for h in made.households),
        seated=sum(a.people for a in made.assignments),
        seats=sum(f.seats + (f.surge_seats if made.allow_surge else 0) for f in made.flights),
    )
    standby = _standby_to_keep(made)
    uow.plans.add(record, households, made.assignments, standby)
    _sync_manifests(uow, made, standby, case_ids, manifest)
    changes = diff(previous.plan if previous is not None else _nothing(made), made)
    _move_cases(uow, changes, actor=actor, now=now)
    notices = [_notice(change, version, now) for change in changes.changes]
    uow.plans.add_notices(notices)
    uow.audit.record(
        actor=actor,
        action=f"plan.{kind}",
        object_kind="plan",
        object_id=str(version),
        at=now,
        details={
            "status": record.status,
            "objective": round(record.objective, 4),
            "bound": None if record.bound is None else round(record.bound, 4),
            "households": record.households,
            "seated": record.seated,
            "seats": record.seats,
            "flights": len(record.flight_ids),
            "changes": len(changes.changes),
            "left_out": len(left_out),
        },
    )
    return PlanRun(record, changes, len(notices), left_out)


def _nothing(like: Plan) -> Plan:
    """Version 0: nobody seated, nobody planned."""
    report = SolveReport(PlanStatus.GREEDY, 0.0, None, 0.0)
    return Plan(0, (), {}, (), (), {}, like.allow_surge, report)


def _standby_to_keep(made: Plan) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """Each flight's standby list as far as it could matter: households in order until their
    waiting members could fill the whole flight. A re-offer works the full order out again."""
    waiting = {h.household_id: h.size for h in made.households}
    for a in made.assignments:
        waiting[a.household_id] -= a.people
    kept: dict[uuid.UUID, tuple[uuid.UUID, ...]] = {}
    for flight in made.flights:
        capacity = flight.seats + (flight.surge_seats if made.allow_surge else 0)
        listed: list[uuid.UUID] = []
        people = 0
        for household_id in made.standby[flight.id]:
            if people >= capacity:
                break
            listed.append(household_id)
            people += waiting[household_id]
        kept[flight.id] = tuple(listed)
    return kept


def _sync_manifests(
    uow: PlanStoreUnitOfWork,
    made: Plan,
    standby: Mapping[uuid.UUID, Sequence[uuid.UUID]],
    case_ids: Mapping[uuid.UUID, uuid.UUID],
    manifest: Sequence[ManifestEntry],
) -> None:
    """Bring every flight's manifest in line with the plan: one entry per person seated
    (manifested) or waiting (standby, with the household's place on the list). Entries of people
    checked in or boarded are left as they are; no-show entries stay as a record unless the plan
    seats the person there again."""
    existing = {(e.flight_id, e.person_id): e for e in manifest}
    # Members already on a manifest are known from it; only the others are looked up.
    known: dict[uuid.UUID, set[uuid.UUID]] = {}
    for e in manifest:
        known.setdefault(e.household_id, set()).add(e.person_id)
    members = uow.plans.members(
        h.household_id for h in made.households if len(known.get(h.household_id, ())) < h.size
    )
    for h in made.households:
        if h.household_id not in members:
            members[h.household_id] = sorted(known[h.household_id])
    wanted: dict[tuple[uuid.UUID, uuid.UUID], tuple[ManifestStatus, int | None, uuid.UUID]] = {}
    waiting: dict[uuid.UUID, list[uuid.UUID]] = {}
    by_household: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = {}
    for a in made.assignments:
        by_household.setdefault(a.household_id, []).append((a.flight_id, a.people))
    for h in made.households:
        people = members.get(h.household_id, [])
        free = list(people)
        for flight_id, count in by_household.get(h.household_id, []):

            def claim(person: uuid.UUID, flight: uuid.UUID = flight_id) -> int:
                entry = existing.get((flight, person))
                if entry is None:
                    return 2
                return 0 if entry.status in HELD else 1

            # People at the gate first, then those manifested there already, then the rest.
            chosen = sorted(free, key=claim)[:count]
            for person in chosen:
                free.remove(person)
                wanted[(flight_id, person)] = (ManifestStatus.MANIFESTED, None, h.household_id)
        waiting[h.household_id] = free
    for flight_id, listed in standby.items():
        for rank, household_id in enumerate(listed, start=1):
            for person in waiting.get(household_id, ()):
                wanted[(flight_id, person)] = (ManifestStatus.STANDBY, rank, household_id)
    stale: list[uuid.UUID] = []
    changed: list[ManifestEntry] = []
    for key, entry in existing.items():
        if entry.status in HELD:
            continue
        want = wanted.get(key)
        if want is None:
            if entry.status in _PLANNED_ENTRIES:
                stale.append(entry.id)
            continue
        status, place, _ = want
        if (entry.status, entry.standby_rank) != (status, place):
            entry.status, entry.standby_rank = status, place
            changed.append(entry)
    uow.plans.update_entries(changed)
    uow.plans.remove_entries(stale)
    uow.manifests.add_many(
        ManifestEntry(
            flight_id=flight_id,
            case_id=case_ids[household_id],
            household_id=household_id,
            person_id=person,
            status=status,
            standby_rank=rank,
        )
        for (flight_id, person), (status, rank, household_id) in wanted.items()
        if (flight_id, person) not in existing
    )


def _move_cases(
    uow: PlanStoreUnitOfWork, changes: PlanDiff, *, actor: str, now: dt.datetime
) -> None:
    """Approved cases given a seat become manifested; manifested ones left without any go back
    to approved. Only households whose seats changed can need it."""
    for change in changes.changes:
        if change.kind is ChangeKind.WITHDRAWN:
            continue
        case = uow.cases.get(change.case_number)
        if case.stage is Stage.APPROVED and change.after:
            transition_case(uow, case, Stage.MANIFESTED, actor=actor, now=now)
        elif case.stage is Stage.MANIFESTED and not change.after:
            transition_case(uow, case, Stage.APPROVED, actor=actor, now=now)


def _notice(change: Change, version: int, now: dt.datetime) -> Notice:
    return Notice(
        id=uuid.uuid4(),
        version=version,
        household_id=change.household_id,
        case_number=change.case_number,
        kind=change.kind.value,
        before=_seats(change.before),
        after=_seats(change.after),
        created_at=now,
    )


def _seats(side: Iterable[Seats]) -> str:
    return ", ".join(f"{s.flight_code} ({s.people})" for s in side) or "standby"


# -- reading versions -------------------------------------------------------------------------


def plan_versions(uow: PlanStoreUnitOfWork) -> list[PlanRecord]:
    """Every stored version, oldest first."""
    with uow:
        return uow.plans.records()


def read_plan(uow: PlanStoreUnitOfWork, version: int | None = None) -> StoredPlan:
    """A stored version (the latest by default), rebuilt with its households and flights."""
    with uow:
        wanted = uow.plans.latest_version() if version is None else version
        if wanted is None:
            raise NotFound("no plan stored yet; run `refuge plan`")
        return _load(uow, wanted)


def compare_plans(uow: PlanStoreUnitOfWork, old: int, new: int) -> PlanDiff:
    """What changed for whom from version `old` to version `new`."""
    with uow:
        return diff(_load(uow, old).plan, _load(uow, new).plan)


def _load(uow: PlanStoreUnitOfWork, version: int) -> StoredPlan:
    record = uow.plans.record(version)
    stored = uow.plans.households(record.inputs_version)
    wanted = set(record.flight_ids)
    flights = sorted((f for f in uow.flights.list() if f.id in wanted), key=departure_order)
    report = SolveReport(
        PlanStatus(record.status), record.objective, record.bound, record.seconds, note=record.note
    )
    rebuilt = Plan(
        version=record.version,
        assignments=tuple(uow.plans.assignments(version)),
        standby=MappingProxyType(uow.plans.standby(version)),
        households=tuple(s.household for s in stored),
        flights=tuple(flights),
        quotas=MappingProxyType(dict(record.quotas)),
        allow_surge=record.allow_surge,
        report=report,
        missed=record.missed,
    )
    return StoredPlan(record, rebuilt, {s.household.household_id: s.case_id for s in stored})


# -- the deadline -----------------------------------------------------------------------------


def deadline_forecast(
    uow: PlanStoreUnitOfWork,
    deadline: dt.datetime,
    *,
    now: dt.datetime,
    fill_rate: float | None = None,
    departures_per_day: float | None = None,
) -> Forecast:
    """Who is expected out by `deadline` among the households of the latest plan, on the flights
    stored that have not left yet. Without a rate given, the share of seats the latest plan fills
    on the flights leaving by the deadline is the rate."""
    with uow:
        latest = uow.plans.latest_version()
        if latest is None:
            raise NotFound("no plan stored yet; run `refuge plan`")
        stored = _load(uow, latest)
        flights = [f for f in uow.flights.list() if f.departs_latest >= now]
    planned = stored.plan
    if fill_rate is None and departures_per_day is None:
        by_deadline = {f.id for f in planned.flights if f.departs_latest <= deadline}
        seats = sum(f.seats for f in planned.flights if f.id in by_deadline)
        seated = sum(a.people for a in planned.assignments if a.flight_id in by_deadline)
        fill_rate = min(1.0, seated / seats) if seats else 0.0
    return forecast(
        planned.households,
        flights,
        deadline,
        fill_rate=fill_rate,
        departures_per_day=departures_per_day,
        now=now,
        quotas=planned.quotas,
    )
