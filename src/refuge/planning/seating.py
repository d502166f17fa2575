"""Who sits on which flight while a plan is being made: capacity, quotas, pins and eligibility
in one mutable state, with the greedy fill, the precedence repair and the measures of a plan.

Precedence on a flight is a `Level`: (0, rank) for a partner nation's own nationals on its
aircraft, (1, rank) for everyone else; a lower level goes first. A plan respects precedence when
no household left (partly) behind could take the place of non-pinned people of a lower level on a
flight it may take, with room in its category's quota."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence

from refuge.domain import Flight, InvalidInput
from refuge.planning.households import PlanningHousehold, departure_order, precedence_order

__all__ = ["Level", "Seating", "level_name"]

Level = tuple[int, int]
_UNLIMITED = 1 << 60


def level_name(level: Level) -> str:
    own, rank = level
    return f"rank {rank} own nationals on own aircraft" if own == 0 else f"rank {rank}"


class Seating:
    """Households are indexed 0..H-1 and flights 0..F-1; flights are kept in departure order so
    that "earliest" is "lowest index"."""

    def __init__(
        self,
        households: Sequence[PlanningHousehold],
        flights: Sequence[Flight],
        quotas: Mapping[str, int] | None,
        *,
        allow_surge: bool,
        blocked: Iterable[tuple[uuid.UUID, uuid.UUID]] = (),
    ) -> None:
        _check_unique(households, flights)
        self.households = tuple(households)
        self.flights = tuple(sorted(flights, key=departure_order))
        self.quotas = dict(quotas or {})
        for category, limit in self.quotas.items():
            if limit < 0:
                raise InvalidInput(f"quota of category {category} cannot be negative")
        self.allow_surge = allow_surge
        self.household_index = {h.household_id: i for i, h in enumerate(self.households)}
        self.flight_index = {f.id: j for j, f in enumerate(self.flights)}
        self.blocked = frozenset(blocked)
        self.capacity = [f.seats + (f.surge_seats if allow_surge else 0) for f in self.flights]
        self.load = [0] * len(self.flights)
        self.quota_used = dict.fromkeys(self.quotas, 0)
        self.places: list[dict[int, int]] = [{} for _ in self.households]
        self.pins: list[dict[int, int]] = [{} for _ in self.households]
        self.aboard: list[set[int]] = [set() for _ in self.flights]
        ranks = {h.rank for h in self.households}
        self.all_levels: list[Level] = sorted({(own, r) for r in ranks for own in (0, 1)})
        self.order = sorted(
            range(len(self.households)), key=lambda i: precedence_order(households[i])
        )
        # Eligibility depends on program and nationalities only: work it out once per pair.
        by_kind: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
        blocked_flights: dict[uuid.UUID, set[int]] = {}
        for household_id, flight_id in self.blocked:
            if flight_id in self.flight_index:
                blocked_flights.setdefault(household_id, set()).add(self.flight_index[flight_id])
        self.eligible: list[tuple[int, ...]] = []
        for h in self.households:
            kind = (h.program, h.nationalities)
            if kind not in by_kind:
                by_kind[kind] = tuple(j for j, f in enumerate(self.flights) if h.may_take(f))
            eligible = by_kind[kind]
            if h.household_id in blocked_flights:
                eligible = tuple(j for j in eligible if j not in blocked_flights[h.household_id])
            self.eligible.append(eligible)
        operated: dict[tuple[str, ...], frozenset[int]] = {}
        self.own: list[frozenset[int]] = []
        for i, h in enumerate(self.households):
            if h.nationalities not in operated:
                operated[h.nationalities] = frozenset(
                    j for j, f in enumerate(self.flights) if h.own_national_on(f)
                )
            mine = operated[h.nationalities]
            self.own.append(mine.intersection(self.eligible[i]) if mine else frozenset())

    def copy(self) -> Seating:
        """An independent copy of who sits where; the inputs are shared, being immutable."""
        twin = copy.copy(self)
        twin.load = list(self.load)
        twin.quota_used = dict(self.quota_used)
        twin.places = [dict(p) for p in self.places]
        twin.pins = [dict(p) for p in self.pins]
        twin.aboard = [set(a) for a in self.aboard]
        return twin

    # --- reading ---------------------------------------------------------------------------

    def level(self, i: int, j: int) -> Level:
        return (0 if j in self.own[i] else 1, self.households[i].rank)

    def placed(self, i: int) -> int:
        return sum(self.places[i].values())

    def waiting(self, i: int) -> int:
        return self.households[i].size - self.placed(i)

    def room(self, j: int) -> int:
        return self.capacity[j] - self.load[j]

    def quota_room(self, i: int) -> int:
        category = self.households[i].category
        if category not in self.quotas:
            return _UNLIMITED
        return max(0, self.quotas[category] - self.quota_used[category])

    def need(self, i: int) -> int:
        """Seats that must be free on one flight for household i to gain anything there."""
        return 1 if self.households[i].split_allowed else self.waiting(i)

    # --- writing ---------------------------------------------------------------------------

    def put(self, i: int, j: int, people: int, *, pinned: int = 0) -> None:
        self.places[i][j] = self.places[i].get(j, 0) + people
        self.aboard[j].add(i)
        if pinned:
            self.pins[i][j] = self.pins[i].get(j, 0) + pinned
        self.load[j] += people
        category = self.households[i].category
        if category in self.quota_used:
            self.quota_used[category] += people

    def take_off(self, i: int, j: int) -> int:
        """Remove household i's members from flight j, except those pinned there."""
        movable = self.places[i].get(j, 0) - self.pins[i].get(j, 0)
        if movable <= 0:
            return 0
        self.places[i][j] -= movable
        if self.places[i][j] == 0:
            del self.places[i][j]
            self.aboard[j].discard(i)
        self.load[j] -= movable
        category = self.households[i].category
        if category in self.quota_used:
            self.quota_used[category] -= movable
        return movable

    def seat_pins(self) -> None:
        """Put checked-in members on their flights before anything else. A household that may not
        be split goes whole with its checked-in members."""
        for i, household in enumerate(self.households):
            for flight_id, people in household.pinned:
                j = self.flight_index.get(flight_id)
                if j is None:
                    raise InvalidInput(
                        f"case {household.case_number}: pinned to flight {flight_id}, "
                        "which is not in this plan"
                    )
                whole = household.size if not household.split_allowed else people
                self.put(i, j, whole, pinned=whole)
        for j, flight in enumerate(self.flights):
            if self.load[j] > self.capacity[j]:
                raise InvalidInput(f"flight {flight.code}: more people pinned than it can carry")

    def try_place(self, i: int, flights: Iterable[int]) -> bool:
        """Seat household i (what is still waiting of it) on the first of `flights` where it
        fits whole; a household that may be split is spread over them if it fits nowhere whole."""
        waiting = self.waiting(i)
        if waiting <= 0:
            return False
        candidates = list(flights)
        allowed = min(waiting, self.quota_room(i))
        if allowed == waiting:
            for j in candidates:
                if self.room(j) >= waiting:
                    self.put(i, j, waiting)
                    return True
        if not self.households[i].split_allowed:
            return False
        placed = False
        for j in candidates:
            take = min(self.room(j), allowed)
            if take > 0:
                self.put(i, j, take)
                allowed -= take
                placed = True
        return placed

    def fill(self, preferred: Mapping[int, Sequence[int]] | None = None) -> None:
        """The greedy plan: partner nations' own nationals onto their aircraft first, then everyone
        in order of precedence and priority, each onto its preferred flights (its previous plan's)
        and then the earliest flight with room."""
        preferred = preferred or {}
        # Seats are only taken while filling, so the first flight of a list with room for w people
        # never moves back: remembering where the last search of that list for w stopped makes
        # the fill linear in flights rather than households x flights.
        starts: dict[tuple[int, int], int] = {}
        own_lists: dict[frozenset[int], tuple[int, ...]] = {}

        def place(i: int, flights: tuple[int, ...]) -> None:
            first = [j for j in preferred.get(i, ()) if j in flights]
            if first:
                candidates = first + [j for j in flights if j not in first]
                self.try_place(i, candidates)
                return
            waiting = self.waiting(i)
            if waiting <= 0:
                return
            if self.households[i].split_allowed or self.quota_room(i) < waiting:
                self.try_place(i, flights)
                return
            key = (id(flights), waiting)  # the lists are shared and kept alive meanwhile
            k = starts.get(key, 0)
            while k < len(flights) and self.room(flights[k]) < waiting:
                k += 1
            starts[key] = k
            if k < len(flights):
                self.put(i, flights[k], waiting)

        for i in self.order:
            if self.own[i]:
                own = own_lists.get(self.own[i])
                if own is None:
                    own = own_lists[self.own[i]] = tuple(sorted(self.own[i]))
                place(i, own)
        for i in self.order:
            place(i, self.eligible[i])

    def move_earlier(self, preferred: Mapping[int, Sequence[int]] | None = None) -> int:
        """Higher priority on earlier flights: move each household, best first, to the earliest
        flight it may take with room at the same level. Who flies does not change; a household
        on its previous plan's flight stays. Returns how many moved."""
        preferred = preferred or {}
        moved = 0
        for i in self.order:
            if self.households[i].split_allowed or len(self.places[i]) != 1 or self.pins[i]:
                continue
            ((j, people),) = self.places[i].items()
            if j in preferred.get(i, ()):
                continue
            for k in self.eligible[i]:
                if k >= j:
                    break
                if self.room(k) >= people and self.level(i, k) == self.level(i, j):
                    self.take_off(i, j)
                    self.put(i, k, people)
                    moved += 1
                    break
        return moved

    # --- precedence --------------------------------------------------------------------------

    def reach(self, j: int) -> dict[Level, int]:
        """For every level: free seats on flight j plus the non-pinned people of a lower level
        there, i.e. what a household of that level could claim."""
        movable: dict[Level, int] = {}
        for i in self.aboard[j]:
            people = self.places[i][j] - self.pins[i].get(j, 0)
            if people > 0:
                level = self.level(i, j)
                movable[level] = movable.get(level, 0) + people
        out: dict[Level, int] = {}
        below = 0
        for level in reversed(self.all_levels):
            out[level] = self.room(j) + below
            below += movable.get(level, 0)
        return out

    def _best_reach(
        self, reaches: Sequence[Mapping[Level, int]], cache: dict[tuple[object, ...], int], i: int
    ) -> int:
        """The most household i could claim on any flight it may take. Households of one kind
        share it, so it is worked out once per kind rather than once per household x flight."""
        eligible, own, rank = self.eligible[i], self.own[i], self.households[i].rank
        key = (id(eligible), own, rank)
        best = cache.get(key)
        if best is None:
            best = max((reaches[j][(0 if j in own else 1, rank)] for j in eligible), default=-1)
            cache[key] = best
        return best

    def violations(self) -> list[tuple[int, int]]:
        """(household, flight) pairs where precedence is broken."""
        reaches = [self.reach(j) for j in range(len(self.flights))]
        cache: dict[tuple[object, ...], int] = {}
        found = []
        for i in self.order:
            if self.waiting(i) <= 0:
                continue
            need = self.need(i)
            if self.quota_room(i) < need or self._best_reach(reaches, cache, i) < need:
                continue
            found += [(i, j) for j in self.eligible[i] if reaches[j][self.level(i, j)] >= need]
        return found

    def settle(self, preferred: Mapping[int, Sequence[int]] | None = None) -> int:
        """Repair precedence: while a household waits that could take the place of lower-level
        people, take them off (lowest level and priority first) and seat it. Each repair seats
        more people of some level at the cost of lower levels only, so this ends. Then fill what
        is free. Returns how many times a household was taken off a flight."""
        bumped = 0
        changed = True
        while changed:
            changed = False
            reaches = [self.reach(j) for j in range(len(self.flights))]
            # A repair never raises what a flight offers any level (the household seated takes
            # at least the seats it freed), so a kind's best reach stays an upper bound and a
            # household below it can be passed over safely.
            cache: dict[tuple[object, ...], int] = {}
            for i in self.order:
                if self.waiting(i) <= 0:
                    continue
                if self._best_reach(reaches, cache, i) < self.need(i):
                    continue
                for j in self.eligible[i]:
                    need = self.need(i)
                    if self.waiting(i) <= 0 or self.quota_room(i) < need:
                        break
                    if reaches[j][self.level(i, j)] < need:
                        continue
                    bumped += self._make_room(i, j, need)
                    self.try_place(i, [j])
                    reaches[j] = self.reach(j)
                    changed = True
        self.fill(preferred)
        return bumped

    def _make_room(self, i: int, j: int, need: int) -> int:
        level = self.level(i, j)
        lower = sorted(
            (
                (self.level(k, j), precedence_order(self.households[k]), k)
                for k in self.aboard[j]
                if self.level(k, j) > level and self.places[k][j] > self.pins[k].get(j, 0)
            ),
            reverse=True,
        )
        taken = 0
        for _, _, k in lower:
            if self.room(j) >= need:
                break
            self.take_off(k, j)
            taken += 1
        return taken

    # --- measures ----------------------------------------------------------------------------

    def people_by_level(self) -> dict[Level, int]:
        out: dict[Level, int] = {}
        for i, places in enumerate(self.places):
            for j, people in places.items():
                level = self.level(i, j)
                out[level] = out.get(level, 0) + people
        return out

    def levels(self) -> list[Level]:
        """Every level a household could be seated at, in order of precedence."""
        found = {(1, h.rank) for h in self.households}
        found |= {(0, self.households[i].rank) for i in range(len(self.households)) if self.own[i]}
        return sorted(found)

    def priority(self) -> float:
        return sum(h.score * self.placed(i) for i, h in enumerate(self.households))

    def rank_key(self) -> tuple[tuple[int, ...], float]:
        """What the lexicographic objective compares: people per level in order, then priority."""
        by_level = self.people_by_level()
        return tuple(by_level.get(level, 0) for level in self.levels()), self.priority()


def _check_unique(households: Sequence[PlanningHousehold], flights: Sequence[Flight]) -> None:
    seen: set[uuid.UUID] = set()
    for h in households:
        if h.household_id in seen:
            raise InvalidInput(f"case {h.case_number}: household given twice")
        seen.add(h.household_id)
    flight_ids: set[uuid.UUID] = set()
    for f in flights:
        if f.id in flight_ids:
            raise InvalidInput(f"flight {f.code}: given twice")
        flight_ids.add(f.id)
    ranks: dict[str, int] = {}
    for h in households:
        if ranks.setdefault(h.category, h.rank) != h.rank:
            raise InvalidInput(f"case {h.case_number}: category {h.category} has two ranks")
