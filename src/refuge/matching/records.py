"""What record linkage reads of a listed person: the fields it compares, and the columns it
precomputes from them (name keys, date of birth at its precision, household context)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from refuge.domain import PartialDate, PersonName, Sex
from refuge.matching.comparison import person_name_keys

__all__ = ["LinkRecord", "ListedPerson", "link_record", "linkage_rows"]


class _Source(Protocol):
    @property
    def organisation(self) -> str: ...

    @property
    def file(self) -> str: ...


class ListedPerson(Protocol):
    """The fields of an intake record that linkage reads (refuge.intake.IntakeRecord has them);
    a Protocol so that matching does not import intake, which imports matching."""

    @property
    def provenance(self) -> _Source: ...

    @property
    def name(self) -> PersonName: ...

    @property
    def date_of_birth(self) -> PartialDate: ...

    @property
    def sex(self) -> Sex: ...

    @property
    def nationalities(self) -> tuple[str, ...]: ...

    @property
    def passport_number(self) -> str | None: ...

    @property
    def tazkira_number(self) -> str | None: ...

    @property
    def phones(self) -> tuple[str, ...]: ...

    @property
    def household_reference(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One record as linkage sees it. `source` names the list it came from (organisation and
    file), so that household references, which are only unique within a list, are qualified."""

    record_id: str
    source: str
    name: PersonName
    date_of_birth: PartialDate = PartialDate()
    sex: Sex = Sex.UNKNOWN
    nationalities: tuple[str, ...] = ()
    passport: str | None = None
    tazkira: str | None = None
    phones: tuple[str, ...] = ()
    household_reference: str | None = None

    @property
    def source_household(self) -> str | None:
        """The household as its list names it, unique across lists."""
        if not self.household_reference:
            return None
        return f"{self.source}\x1f{self.household_reference}"


def link_record(record_id: str, listed: ListedPerson) -> LinkRecord:
    """The linkage view of an intake record."""
    source = f"{listed.provenance.organisation}\x1f{listed.provenance.file}"
    return LinkRecord(
        record_id=record_id,
        source=source,
        name=listed.name,
        date_of_birth=listed.date_of_birth,
        sex=listed.sex,
        nationalities=listed.nationalities,
        passport=listed.passport_number,
        tazkira=listed.tazkira_number,
        phones=listed.phones,
        household_reference=listed.household_reference,
    )


Row = dict[str, str | int | list[str] | None]


def linkage_rows(records: Iterable[LinkRecord]) -> list[Row]:
    """One row of plain columns per record, as the splink model compares them.

    Dates: a 1 January full date is read as its year only, since lists write it for "year
    known"; so year-only records agree or disagree on the year alone and are never penalised
    for a month or day they do not have. `dob_swapped` is the date with day and month
    exchanged, a common slip. `co_members` are the given names of the others listed in the
    same household on the same list, as blocking keys (consonant skeletons, so that two lists'
    spellings of one relative agree): the family around a person, which two lists share, and
    which tells a person from the relatives listed with them.
    """
    materialised = list(records)
    keys = {record.record_id: person_name_keys(record.name) for record in materialised}
    members: Mapping[str | None, list[str]] = _members(materialised)
    rows: list[Row] = []
    for record in materialised:
        name = keys[record.record_id]
        dob = record.date_of_birth
        placeholder = dob.is_first_of_january
        month = None if placeholder else dob.month
        day = None if placeholder or month is None else dob.day
        household = record.source_household
        co_members = (
            sorted(
                {
                    keys[other].given_block
                    for other in members[household]
                    if other != record.record_id
                }
                - {""}
            )
            if household
            else []
        )
        rows.append(
            {
                "unique_id": record.record_id,
                "name_full": name.full or None,
                "name_full_sorted": name.full_sorted or None,
                "name_given": name.given or None,
                "name_family": name.family or None,
                "name_block": name.full_block or None,
                "name_consonants": name.full_consonants or None,
                "given_block": name.given_block or None,
                "family_block": name.family_block or None,
                "given_initial": name.given[:1] or None,
                "family_initial": name.family[:1] or None,
                "dob_year": dob.year,
                # Years one apart share one of these two (1985 and 1986 the first, 1986 and 1987
                # the second): blocking on a year and its neighbours as two equalities.
                "dob_year_even": dob.year // 2 if dob.year is not None else None,
                "dob_year_odd": (dob.year + 1) // 2 if dob.year is not None else None,
                "dob_month": f"{dob.year:04d}-{month:02d}" if month is not None else None,
                "dob_full": (
                    f"{dob.year:04d}-{month:02d}-{day:02d}" if day and month is not None else None
                ),
                "dob_swapped": (
                    f"{dob.year:04d}-{day:02d}-{month:02d}"
                    if day is not None and month is not None and day <= 12 and day != month
                    else None
                ),
                "sex": record.sex.value if record.sex in (Sex.FEMALE, Sex.MALE) else None,
                "nationality": " ".join(sorted(record.nationalities)) or None,
                "passport": record.passport or None,
                "tazkira": record.tazkira or None,
                "phone": record.phones[0] if record.phones else None,
                "household": household,
                "co_members": co_members or None,
            }
        )
    return rows


def _members(records: Iterable[LinkRecord]) -> Mapping[str | None, list[str]]:
    members: defaultdict[str | None, list[str]] = defaultdict(list)
    for record in records:
        if record.source_household:
            members[record.source_household].append(record.record_id)
    return members
