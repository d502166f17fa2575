"""Intake use cases: read an organisation's list into accepted records and rejected rows, with a
report; inspect a list's headers and propose a mapping before importing it.

Nothing here stores anything: the caller persists records, quarantines rejected rows and keeps
the report. Every row read comes out as exactly one record or one rejected row, in file order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from refuge.domain.errors import InvalidInput
from refuge.intake.background import read_in_background
from refuge.intake.fields import NAME_FIELDS, IntakeField
from refuge.intake.keys import (
    RecordKey,
    RecordKeys,
    SealedRecord,
    Sealer,
    content_values,
    identity_values,
)
from refuge.intake.profiles import (
    DEFAULT_MIN_CONFIDENCE,
    SHARED,
    ColumnMapping,
    MappingProposal,
    Profile,
    find_profile,
    propose_mapping,
    shared_profiles,
)
from refuge.intake.records import FieldProblem, IntakeRecord, RejectedRow, Severity
from refuge.intake.report import DEFAULT_MAX_LISTED, IntakeReport, SheetMapping
from refuge.intake.sources import Header, Limits, ListFormat, ListReader
from refuge.intake.validation import check_row

__all__ = ["IntakeRun", "Progress", "inspect_list", "read_list"]

_PROGRESS_EVERY: Final = 1000
_IDENTITY_FIELD: Final = {
    "source_id": IntakeField.SOURCE_ID.value,
    "tazkira": IntakeField.TAZKIRA_NUMBER.value,
    "passport": IntakeField.PASSPORT_NUMBER.value,
    "name": "name",
}


@dataclass(frozen=True, slots=True)
class Progress:
    rows: int
    fraction: float | None  # of the file read so far, when it can be told


Result = IntakeRecord | RejectedRow


Keyed = tuple[Result, RecordKey | None]
# Each result with its re-import key and, when the reader sealed it, the sealed record.
Prepared = tuple[Result, RecordKey | None, SealedRecord | None]


class IntakeRun(Iterator[Result]):
    """The results of reading one list, produced as they are iterated. `report` fills in as they
    are; it is complete (`report.finished`) once the iteration ends."""

    def __init__(self, results: Generator[Prepared, None, None], report: IntakeReport) -> None:
        self.report = report
        # The mapping each sheet was read with (None: a CSV's only table), as sheets are reached:
        # what a correction of a rejected row is checked against later.
        self.mappings: dict[str | None, ColumnMapping] = {}
        self._results = results

    def __iter__(self) -> IntakeRun:
        return self

    def __next__(self) -> Result:
        return next(self._results)[0]

    def keyed(self) -> Iterator[Keyed]:
        """Each result with its re-import key: the key of an accepted record when read_list was
        given `keys`, else None. The same iteration as the run's own."""
        return ((result, key) for result, key, _ in self._results)

    def prepared(self) -> Iterator[Prepared]:
        """As `keyed`, each with the record sealed by read_list's `seal` when a background
        reader had the time to seal it (else None: sealing is the storing process's)."""
        return self._results

    def close(self) -> None:
        """Stop reading (and a background reader with it) before the end of the list."""
        self._results.close()


def inspect_list(
    path: Path, *, sheet: str | None = None, limits: Limits | None = None
) -> list[MappingProposal]:
    """The header of each sheet with a proposed mapping, reading no further than the headers."""
    reader = ListReader(path, sheet=sheet, limits=limits)
    return [propose_mapping(header) for header in reader.headers()]


def read_list(
    path: Path,
    *,
    organisation: str,
    profile: Profile | None = None,
    profiles: Iterable[Profile] = (),
    sheet: str | None = None,
    limits: Limits | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_listed: int = DEFAULT_MAX_LISTED,
    today: dt.date | None = None,
    background: bool = False,
    keys: RecordKeys | None = None,
    seal: Sealer | None = None,
) -> IntakeRun:
    """Read the list at `path` for `organisation`, one result per non-blank row.

    Each sheet is mapped by `profile` if given, else by the profile in `profiles` (the
    organisation's own, then shared ones, then those Refuge ships) that maps its header, else by
    the mapping proposed from its headers. A sheet where no column maps to a name is refused
    (InvalidInput) when it is the only one read, and skipped, with the reason in the report,
    when a workbook is read sheet by sheet.

    The file is checked against `limits` and hashed before this returns; rows are read as the
    run is iterated. With `background`, they are read in a forked process of their own while
    the caller works on the ones before them (see refuge.intake.background): the same results,
    report and progress, using a second core. With `keys`, each accepted record's re-import key
    is worked out as it is read (in that process, when there is one): see IntakeRun.keyed.
    With `seal` too, a background reader that is ahead of its caller seals accepted records as
    well, taking that work off the storing process: see IntakeRun.prepared.
    """
    if profile is not None and profile.organisation not in (organisation, SHARED):
        raise InvalidInput(
            f"profile {profile.name} belongs to organisation {profile.organisation}, "
            f"not {organisation}"
        )
    today = today or dt.datetime.now(dt.UTC).date()
    profiles = list(profiles)  # read more than once, here and in a background reader
    reader = ListReader(path, sheet=sheet, limits=limits)
    # The organisation's own profiles first: among equally good ones, the first is chosen.
    own = [p for p in profiles if p.organisation == organisation]
    own += [p for p in [*profiles, *shared_profiles()] if p.organisation == SHARED]
    report = IntakeReport(path.name, reader.content_hash, organisation, max_listed)
    mappings: dict[str | None, ColumnMapping] = {}

    def results() -> Generator[Prepared, None, None]:
        mapping: ColumnMapping | None = None
        header: Header | None = None
        seen = _Seen()
        single_table = reader.format == ListFormat.CSV or sheet is not None
        for row in reader.rows():
            if row.header is not header:
                header = row.header
                mapping = _mapping(header, profile, own, min_confidence, report, single_table)
                if mapping is not None:
                    mappings[header.sheet] = mapping
            if row.is_blank:
                report.blank += 1
                continue
            if mapping is None:
                report.skipped_rows += 1
                continue
            result = check_row(row, mapping, organisation, today=today)
            key: RecordKey | None = None
            if isinstance(result, IntakeRecord):
                identity, content = identity_values(result), content_values(result)
                result = seen.check(result, identity, content, report)
                if keys is not None:
                    key = keys.key_of(identity, content)
            report.add(result)
            if on_progress is not None and report.read % _PROGRESS_EVERY == 0:
                on_progress(Progress(report.read, reader.fraction))
            yield result, key, None
        if report.read == 0 and any(s.skipped for s in report.sheets):
            raise InvalidInput(f"file {path.name}: no sheet has a column that maps to a name")
        report.finished = True
        if on_progress is not None:
            on_progress(Progress(report.read, 1.0))

    if background:

        def start(progress: Callable[[Progress], None]) -> IntakeRun:
            return read_list(
                path,
                organisation=organisation,
                profile=profile,
                profiles=profiles,
                sheet=sheet,
                limits=limits,
                on_progress=progress if on_progress is not None else None,
                min_confidence=min_confidence,
                max_listed=max_listed,
                today=today,
                keys=keys,
            )

        run = IntakeRun(read_in_background(start, report, mappings, on_progress, seal), report)
    else:
        run = IntakeRun(results(), report)
    run.mappings = mappings
    return run


def _mapping(
    header: Header,
    profile: Profile | None,
    profiles: list[Profile],
    min_confidence: float,
    report: IntakeReport,
    single_table: bool,
) -> ColumnMapping | None:
    where = f"file {header.file}" + (f", sheet {header.sheet}" if header.sheet else "")
    if profile is not None and not single_table and not profile.applies_to(header):
        mapping = None
        reason = f"profile {profile.name} does not map its columns"
    else:
        chosen = profile or find_profile(header, profiles)
        if chosen is not None:
            mapping = chosen.resolve(header)
        else:
            mapping = propose_mapping(header).mapping(min_confidence)
        reason = "no column maps to a name"
        if not NAME_FIELDS & set(mapping.columns):
            mapping = None
    if mapping is None:
        if single_table:
            raise InvalidInput(
                f"{where}: {reason}; write a profile for it (see inspect_list and save_profile)"
            )
        report.sheets.append(
            SheetMapping(header.sheet, header.row, _data_row(header), None, (), (), reason)
        )
        return None
    mapped = tuple(
        (header.columns[index].label, target)
        for target, indices in mapping.columns.items()
        for index in indices
    )
    taken = {index for indices in mapping.columns.values() for index in indices}
    unmapped = tuple(
        column.label for column in header.columns if column.index not in taken and column.label
    )
    report.sheets.append(
        SheetMapping(header.sheet, header.row, _data_row(header), mapping.profile, mapped, unmapped)
    )
    return mapping


def _data_row(header: Header) -> int:
    return (header.tag_row or header.row) + 1


class _Seen:
    """Rows already read in this file, to flag a row that repeats an earlier one or shares its
    identity (same tazkira, say) with other values.

    Held in memory only, as Python's own hashes of the identity and of the content (never
    stored, so the process's hash seed does not matter) packed into integers: one dictionary
    entry, about 120 bytes, per distinct identity; some 120 MB for a million-row list.
    """

    def __init__(self) -> None:
        # identity hash -> content hash (32 bits) | sheet index (16 bits) | row (32 bits)
        self._first: dict[int, int] = {}
        self._sheets: list[str | None] = []

    def check(
        self,
        result: IntakeRecord,
        identity_key: tuple[str, ...],
        content_key: tuple[object, ...],
        report: IntakeReport,
    ) -> IntakeRecord:
        """`result`, a warning added when it repeats an earlier row; `identity_key` and
        `content_key` are its identity_values and content_values."""
        provenance = result.provenance
        if provenance.sheet not in self._sheets:
            self._sheets.append(provenance.sheet)
        sheet_index = self._sheets.index(provenance.sheet)
        basis = identity_key[1]
        identity = hash(identity_key)
        content = hash(content_key) & 0xFFFFFFFF
        packed = content << 48 | sheet_index << 32 | provenance.row
        earlier = self._first.setdefault(identity, packed)
        if earlier == packed:
            return result
        place = _place(self._sheets[earlier >> 32 & 0xFFFF], earlier & 0xFFFFFFFF, provenance.sheet)
        if earlier >> 48 == content:
            report.duplicates += 1
            problem = FieldProblem("row", f"repeats {place} of this file", Severity.WARNING)
        else:
            problem = FieldProblem(
                _IDENTITY_FIELD[basis],
                f"same {basis.replace('_', ' ')} as {place}, other values differ",
                Severity.WARNING,
            )
        return dataclasses.replace(result, warnings=(*result.warnings, problem))


def _place(sheet: str | None, row: int, here: str | None) -> str:
    if sheet != here and sheet is not None:
        return f"row {row} of sheet {sheet}"
    return f"row {row}"
