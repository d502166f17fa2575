"""A synthetic operation: its organisations, programs, true households (built on demand from the
seed) and the organisations' lists, with statistics gathered in one pass."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from refuge.domain import (
    DatePrecision,
    DocumentKind,
    Household,
    InvalidInput,
    Organisation,
    Program,
)
from refuge.scenario.households import (
    PROGRAMS,
    HouseholdPlan,
    HouseholdTruth,
    make_household,
    plan_households,
)
from refuge.scenario.lists import BLOCK, ListRecord, list_records
from refuge.scenario.names import NameBook, load_name_book
from refuge.scenario.organisations import LIST_PROFILES, ListProfile, choose_organisations

__all__ = ["MAX_PEOPLE", "MIN_PEOPLE", "Scenario", "ScenarioStats", "generate"]

MIN_PEOPLE = 1
MAX_PEOPLE = 1_000_000


class HouseholdTruths(Sequence[HouseholdTruth]):
    """The true households, each built from the seed when asked for: nothing is kept."""

    def __init__(self, plan: HouseholdPlan, seed: int, book: NameBook) -> None:
        self._plan = plan
        self._seed = seed
        self._book = book
        self._codes = [program.code for program in PROGRAMS]

    def __len__(self) -> int:
        return len(self._plan)

    @overload
    def __getitem__(self, index: int) -> HouseholdTruth: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[HouseholdTruth]: ...
    def __getitem__(self, index: int | slice) -> HouseholdTruth | Sequence[HouseholdTruth]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return make_household(
            index,
            self._plan.sizes[index],
            self._codes[self._plan.programs[index]],
            self._seed,
            self._book,
            choose_organisations,
        )

    def __iter__(self) -> Iterator[HouseholdTruth]:
        for index in range(len(self)):
            yield self[index]


class Households(Sequence[Household]):
    """The domain households of the truth, for loading into a database."""

    def __init__(self, truths: HouseholdTruths) -> None:
        self._truths = truths

    def __len__(self) -> int:
        return len(self._truths)

    @overload
    def __getitem__(self, index: int) -> Household: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Household]: ...
    def __getitem__(self, index: int | slice) -> Household | Sequence[Household]:
        if isinstance(index, slice):
            return [truth.household for truth in self._truths[index]]
        return self._truths[index].household

    def __iter__(self) -> Iterator[Household]:
        for truth in self._truths:
            yield truth.household


@dataclass(slots=True)
class ScenarioStats:
    """Figures about a generated operation, to check it looks like a real one."""

    people: int = 0
    households: int = 0
    records: int = 0
    records_by_organisation: Mapping[str, int] | None = None
    households_by_program: Mapping[str, int] | None = None
    people_by_nationality: Mapping[str, int] | None = None
    households_by_list_count: Mapping[int, int] | None = None
    dob_precision: Mapping[str, int] | None = None  # full, jan1, year, year_month, unknown
    with_passport: int = 0
    with_tazkira: int = 0
    with_phone: int = 0
    people_on_no_list: int = 0
    perturbations: Mapping[str, int] | None = None

    @property
    def mean_household_size(self) -> float:
        return self.people / self.households if self.households else 0.0

    def share(self, count: int) -> float:
        return count / self.people if self.people else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "households": self.households,
            "records": self.records,
            "mean_household_size": round(self.mean_household_size, 3),
            "records_by_organisation": dict(self.records_by_organisation or {}),
            "households_by_program": dict(self.households_by_program or {}),
            "people_by_nationality": dict(self.people_by_nationality or {}),
            "households_by_list_count": {
                str(k): v for k, v in sorted((self.households_by_list_count or {}).items())
            },
            "dob_precision": dict(self.dob_precision or {}),
            "with_passport": self.with_passport,
            "with_tazkira": self.with_tazkira,
            "with_phone": self.with_phone,
            "people_on_no_list": self.people_on_no_list,
            "perturbations": dict(sorted((self.perturbations or {}).items())),
        }


class Tally:
    """Counts kept while the households and records stream past."""

    def __init__(self) -> None:
        self.stats = ScenarioStats()
        self.programs: Counter[str] = Counter()
        self.nationalities: Counter[str] = Counter()
        self.list_counts: Counter[int] = Counter()
        self.dob: Counter[str] = Counter()
        self.records: Counter[str] = Counter()
        self.perturbations: Counter[str] = Counter()
        self.unlisted = 0

    def household(self, truth: HouseholdTruth) -> None:
        s = self.stats
        s.households += 1
        s.people += truth.household.size
        self.programs[truth.program] += 1
        self.list_counts[len(truth.organisations)] += 1
        for member in truth.members:
            person = member.person
            self.nationalities[person.nationalities[0]] += 1
            dob = person.date_of_birth
            if dob.precision is DatePrecision.FULL:
                self.dob["jan1" if dob.is_first_of_january else "full"] += 1
            else:
                self.dob[dob.precision.value] += 1
            s.with_passport += person.document(DocumentKind.PASSPORT) is not None
            s.with_tazkira += person.document(DocumentKind.TAZKIRA) is not None
            s.with_phone += bool(person.phones)

    def record(self, record: ListRecord) -> None:
        self.stats.records += 1
        self.records[record.organisation] += 1
        self.perturbations.update(
            tag.split(":")[0] if tag.startswith("phone:") else tag for tag in record.perturbations
        )

    def close(self) -> ScenarioStats:
        s = self.stats
        s.records_by_organisation = dict(self.records)
        s.households_by_program = dict(self.programs)
        s.people_by_nationality = dict(self.nationalities.most_common())
        s.households_by_list_count = dict(self.list_counts)
        s.dob_precision = dict(self.dob)
        s.perturbations = dict(self.perturbations)
        s.people_on_no_list = self.unlisted
        return s


class Scenario:
    """A synthetic operation with known truth, the same for the same seed and size."""

    def __init__(self, people: int, seed: int, book: NameBook) -> None:
        self.people = people
        self.seed = seed
        self.names_dataset_version = book.dataset_version
        self.profiles: tuple[ListProfile, ...] = LIST_PROFILES
        self.organisations: tuple[Organisation, ...] = tuple(p.organisation for p in self.profiles)
        self.programs: tuple[Program, ...] = PROGRAMS
        self._plan = plan_households(people, seed)
        self.truths = HouseholdTruths(self._plan, seed, book)
        self.households = Households(self.truths)

    def records(self) -> Iterator[ListRecord]:
        """Every list record, list by list within blocks of households, in file row order."""
        return list_records(self.profiles, iter(self.truths), self.seed)

    @functools.cached_property
    def stats(self) -> ScenarioStats:
        """Figures of the whole operation (one pass over it, kept once computed)."""
        tally = Tally()

        def households() -> Iterator[HouseholdTruth]:
            for truth in self.truths:
                tally.household(truth)
                yield truth

        listed = Listed()
        for record in list_records(self.profiles, households(), self.seed):
            tally.record(record)
            listed.add(record)
        tally.unlisted = tally.stats.people - listed.total()
        return tally.close()


class Listed:
    """Counts people on at least one list. A household's records all come within its block of
    households, so only the current block's people need remembering."""

    def __init__(self) -> None:
        self._seen: set[Any] = set()
        self._block = 0
        self._total = 0

    def add(self, record: ListRecord) -> None:
        block = record.household_index // BLOCK
        if block != self._block:
            self._total += len(self._seen)
            self._seen.clear()
            self._block = block
        self._seen.add(record.person_id)

    def total(self) -> int:
        return self._total + len(self._seen)


def generate(people: int, seed: int, *, cache_dir: Path | None = None) -> Scenario:
    """A scenario of exactly `people` people. Names come from the names-dataset extraction cached
    in `cache_dir` (default ~/.cache/refuge), made on first use."""
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise InvalidInput(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE}")
    return Scenario(people, seed, load_name_book(cache_dir))
