"""In-memory implementations of the storage ports, for fast tests of the case services."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Generic, Self, TypeVar

from refuge.domain import (
    AlreadyExists,
    Case,
    DataShredded,
    Flight,
    Household,
    NotFound,
    Organisation,
    Program,
    Stage,
    StaleObject,
)
from refuge.protect.audit import AuditChain, AuditEvent, AuditFinding, Detail


class FakeStore:
    """What a database would hold; shared by the fake units of work made from it."""

    def __init__(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        self.programs: dict[str, Program] = {}
        self.households: dict[uuid.UUID, Household] = {}
        self.shredded: set[uuid.UUID] = set()
        self.cases: dict[str, Case] = {}
        self.flights: dict[str, Flight] = {}
        self.events: list[AuditEvent] = []
        self.issued = 0


T = TypeVar("T")


class _Keyed(Generic[T]):  # noqa: UP046 - PEP 695 syntax needs Python 3.12
    def __init__(self, table: dict[str, T], key: str) -> None:
        self._table = table
        self._key = key

    def add(self, item: T) -> None:
        code = getattr(item, self._key)
        if code in self._table:
            raise AlreadyExists(f"{code} exists already")
        self._table[code] = item

    def get(self, code: str) -> T:
        if code not in self._table:
            raise NotFound(f"{code} not found")
        return self._table[code]

    def list(self) -> list[T]:
        return list(self._table.values())


class FakeHouseholds:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def add(self, household: Household) -> None:
        if household.id in self._store.households:
            raise AlreadyExists(f"household {household.id} exists already")
        self._store.households[household.id] = copy.deepcopy(household)

    def save(self, household: Household) -> None:
        self._store.households[household.id] = copy.deepcopy(household)

    def get(self, household_id: uuid.UUID) -> Household:
        if household_id in self._store.shredded:
            raise DataShredded(f"household {household_id} was shredded")
        if household_id not in self._store.households:
            raise NotFound(f"household {household_id} not found")
        return copy.deepcopy(self._store.households[household_id])

    def _matching(self, test: object) -> list[uuid.UUID]:
        return [
            hid
            for hid, household in self._store.households.items()
            if hid not in self._store.shredded and any(test(m.person) for m in household.members)  # type: ignore[operator]
        ]

    def find_by_document(self, number: str) -> list[uuid.UUID]:
        wanted = "".join(c for c in number.upper() if c.isalnum())
        return self._matching(lambda p: any(d.number == wanted for d in p.documents))

    def find_by_phone(self, e164: str) -> list[uuid.UUID]:
        return self._matching(lambda p: e164 in p.phones)

    def shred(self, household_id: uuid.UUID) -> None:
        self._store.shredded.add(household_id)

    def is_shredded(self, household_id: uuid.UUID) -> bool:
        return household_id in self._store.shredded

    def count(self) -> int:
        return len(self._store.households)

    def count_people(self) -> int:
        return sum(h.size for h in self._store.households.values())

    def people_by_nationality(self) -> Mapping[str, int]:
        counts: Counter[str] = Counter()
        for household in self._store.households.values():
            for member in household.members:
                counts.update(member.person.nationalities[:1] or ["unknown"])
        return counts


class FakeCases:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def add(self, case: Case) -> None:
        self._store.cases[case.number] = copy.deepcopy(case)

    def get(self, number: str) -> Case:
        if number not in self._store.cases:
            raise NotFound(f"case {number} not found")
        return copy.deepcopy(self._store.cases[number])

    def for_household(self, household_id: uuid.UUID) -> list[Case]:
        return [
            copy.deepcopy(c) for c in self._store.cases.values() if c.household_id == household_id
        ]

    def save(self, case: Case) -> None:
        stored = self._store.cases[case.number]
        if stored.version != case.version:
            raise StaleObject(f"case {case.number} was changed by someone else")
        case.version += 1
        self._store.cases[case.number] = copy.deepcopy(case)

    def next_number(self) -> str:
        self._store.issued += 1
        return f"RF-TEST{self._store.issued:04d}"

    def count_by_stage(self) -> Mapping[Stage, int]:
        return Counter(c.stage for c in self._store.cases.values())

    def count_by_program(self) -> Mapping[str, int]:
        return Counter(c.program for c in self._store.cases.values())


class FakeAudit:
    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self._chain = AuditChain(b"k" * 32)

    def record(
        self,
        *,
        actor: str,
        action: str,
        object_kind: str,
        object_id: str,
        at: dt.datetime,
        details: Mapping[str, Detail] | None = None,
    ) -> AuditEvent:
        last = self._store.events[-1] if self._store.events else None
        event = self._chain.seal(
            seq=last.seq + 1 if last else 1,
            at=at,
            actor=actor,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            details=details,
            prev_hash=last.hash if last else "0" * 64,
        )
        self._store.events.append(event)
        return event

    def events(self) -> Iterator[AuditEvent]:
        return iter(list(self._store.events))

    def verify(self) -> list[AuditFinding]:
        return self._chain.verify(self._store.events)


class FakeUnitOfWork:
    """Commits by replacing the store's state with the working copy; rolls back otherwise."""

    def __init__(self, store: FakeStore) -> None:
        self._committed = store
        self.committed = False

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self._committed)
        self.organisations = _Keyed(self._work.organisations, "code")
        self.programs = _Keyed(self._work.programs, "code")
        self.flights = _Keyed(self._work.flights, "code")
        self.households = FakeHouseholds(self._work)
        self.cases = FakeCases(self._work)
        self.audit = FakeAudit(self._work)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self._committed.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.committed = True

    def rollback(self) -> None:
        self._work = copy.deepcopy(self._committed)
