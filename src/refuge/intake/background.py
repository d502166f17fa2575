"""Reading a list in a process of its own, so that on a machine with more than one core the
reading and normalising of a list's next rows overlaps with storing the rows before them.

The child runs `read_list` unchanged and hands its results over in chunks as plain tuples
(marshal): passing pickled dataclasses costs more than reading the rows did. The parent rebuilds
the results without checking their values again (the child did), fills in the same report and
mappings, and raises an error the child met at the same point of the iteration. The child may
run AHEAD chunks ahead of the parent, no further, so memory stays flat.

Given the store's sealer, the child also seals the accepted records of a chunk (data key,
encryption, blind indexes) whenever the parent is SEAL_BEHIND chunks or more behind it: then the
child has time to spare and the parent has not, and the work moves to the core that is idle.
When the child is the slower one (a workbook is slower to read than a CSV file), the parent seals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import gc
import marshal
import multiprocessing
import pickle
import queue
import threading
import uuid
from collections.abc import Callable, Generator
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import Any, Final

from refuge.domain.dates import PartialDate
from refuge.domain.errors import RefugeError
from refuge.domain.people import PersonName, Relationship, Script, Sex
from refuge.intake.keys import RecordKey, SealedRecord, Sealer
from refuge.intake.names import WrittenName
from refuge.intake.profiles import ColumnMapping
from refuge.intake.records import FieldProblem, IntakeRecord, Provenance, RejectedRow, Severity
from refuge.intake.report import IntakeReport
from refuge.intake.sweeps import sweep

__all__ = [
    "RECORD_FIELDS",
    "pack_result",
    "pack_sealed",
    "read_in_background",
    "unpack_result",
    "unpack_sealed",
]

Result = IntakeRecord | RejectedRow
Packed = tuple[Any, ...]

CHUNK: Final = 500
AHEAD: Final = 8  # messages (chunks, mostly) the child may have written ahead of the parent
SEAL_BEHIND: Final = 2  # messages waiting for the parent from which on the child seals records
_PIPE_BYTES: Final = 1 << 20  # asked of the pipe: a chunk in one write, not sixteen
# The fields pack_result carries, in order; a test holds this to IntakeRecord's own fields.
RECORD_FIELDS: Final = (
    "provenance",
    "name",
    "father_name",
    "date_of_birth",
    "sex",
    "nationalities",
    "passport_number",
    "tazkira_number",
    "phones",
    "household_reference",
    "relationship",
    "program_hint",
    "notes",
    "source_id",
    "unmapped",
    "warnings",
)
_ROWS: Final = b"R"  # a chunk of packed results (marshal)
_NOTE: Final = b"N"  # progress, mappings, the end or an error (pickle)
_SEX: Final = {member.value: member for member in Sex}
_SCRIPT: Final = {member.value: member for member in Script}
_RELATIONSHIP: Final = {member.value: member for member in Relationship}
_SEVERITY: Final = {member.value: member for member in Severity}


def _problems(problems: tuple[FieldProblem, ...]) -> tuple[Packed, ...]:
    return tuple((p.field, p.problem, p.severity.value, p.column) for p in problems)


def pack_result(result: Result) -> Packed:
    """`result` as nested tuples of plain values, for marshal."""
    where = result.provenance
    provenance = (where.organisation, where.file, where.content_hash, where.sheet, where.row)
    if isinstance(result, RejectedRow):
        return (False, provenance, result.values, _problems(result.problems))
    name = result.name
    father = result.father_name
    born = result.date_of_birth
    return (
        True,
        provenance,
        (name.given, name.family, name.script.value, name.given_romanised, name.family_romanised),
        (father.written, father.romanised) if father is not None else None,
        (born.year, born.month, born.day),
        result.sex.value,
        result.nationalities,
        result.passport_number,
        result.tazkira_number,
        result.phones,
        result.household_reference,
        result.relationship.value if result.relationship is not None else None,
        result.program_hint,
        result.notes,
        result.source_id,
        result.unmapped,
        _problems(result.warnings),
    )


# The values were checked where they were made; __post_init__ would only check them again. Set
# through the slots' own descriptors, one by one: a loop over the names costs twice as much.
_GIVEN, _FAMILY, _SCRIPT_OF, _GIVEN_LATIN, _FAMILY_LATIN = (
    PersonName.__dict__[name]
    for name in ("given", "family", "script", "given_romanised", "family_romanised")
)
_YEAR, _MONTH, _DAY = (PartialDate.__dict__[name] for name in ("year", "month", "day"))


def _person_name(
    given: str, family: str, script: str, given_latin: str, family_latin: str
) -> PersonName:
    made = object.__new__(PersonName)
    _GIVEN.__set__(made, given)
    _FAMILY.__set__(made, family)
    _SCRIPT_OF.__set__(made, _SCRIPT[script])
    _GIVEN_LATIN.__set__(made, given_latin)
    _FAMILY_LATIN.__set__(made, family_latin)
    return made


@lru_cache(maxsize=100_000)
def _date(born: tuple[int | None, int | None, int | None]) -> PartialDate:
    """The partial date, one object for each date (a list holds a few thousand)."""
    made = object.__new__(PartialDate)
    year, month, day = born
    _YEAR.__set__(made, year)
    _MONTH.__set__(made, month)
    _DAY.__set__(made, day)
    return made


@lru_cache(maxsize=10_000)
def _unpack_problems(packed: tuple[Packed, ...]) -> tuple[FieldProblem, ...]:
    """One tuple for each set of problems: a list's warnings are a few kinds, in a few columns,
    and rows with warnings mostly share a few sets."""
    return tuple(
        FieldProblem(field, problem, _SEVERITY[severity], column)
        for field, problem, severity, column in packed
    )


def unpack_result(packed: Packed) -> Result:
    """The result `pack_result` packed, equal to it."""
    provenance = Provenance(*packed[1])
    if not packed[0]:
        values = tuple((str(label), str(text)) for label, text in packed[2])
        return RejectedRow(provenance, values, _unpack_problems(packed[3]))
    (
        _,
        _,
        name,
        father,
        born,
        sex,
        nationalities,
        passport,
        tazkira,
        phones,
        household,
        relationship,
        program,
        notes,
        source_id,
        unmapped,
        warnings,
    ) = packed
    return IntakeRecord(
        provenance,
        _person_name(*name),
        _father(father) if father is not None else None,
        _date(born),
        _SEX[sex],
        nationalities,
        passport,
        tazkira,
        phones,
        household,
        _RELATIONSHIP[relationship] if relationship is not None else None,
        program,
        notes,
        source_id,
        unmapped,
        _unpack_problems(warnings),
    )


@lru_cache(maxsize=100_000)
def _father(packed: Packed) -> WrittenName:
    """One object for each father's name: a list repeats a few thousand."""
    return WrittenName(*packed)


def pack_sealed(sealed: SealedRecord) -> Packed:
    return (sealed.id.bytes, sealed.kek_id, sealed.wrapped_key, sealed.fields, sealed.identifiers)


def unpack_sealed(packed: Packed) -> SealedRecord:
    """The sealed record `pack_sealed` packed, equal to it."""
    record_id, kek_id, wrapped_key, fields, identifiers = packed
    return SealedRecord(uuid.UUID(bytes=record_id), kek_id, wrapped_key, fields, identifiers)


def read_in_background(
    start: Callable[[Callable[[Any], None]], Any],
    report: IntakeReport,
    mappings: dict[str | None, ColumnMapping],
    on_progress: Callable[[Any], None] | None,
    seal: Sealer | None = None,
) -> Generator[tuple[Result, RecordKey | None, SealedRecord | None], None, None]:
    """The results of `start(on_progress)` (an IntakeRun) iterated in a forked child, each with
    its re-import key (IntakeRun.keyed) and, when the child sealed it with `seal`, the sealed
    record (see the module docstring).

    `report` and `mappings` are the parent's: they fill in as the child's do; `on_progress`
    is called in the parent with the child's progress."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _widen(send)
    child = context.Process(target=_produce, args=(start, send, receive, seal), daemon=True)
    child.start()
    send.close()  # the child's end: a child that dies ends the parent's wait with EOFError
    try:
        while True:
            try:
                data = receive.recv_bytes()
            except EOFError:
                raise RefugeError(
                    f"file {report.file}: the process reading it stopped (exit {child.exitcode})"
                ) from None
            if data[:1] == _ROWS:
                for packed, key, sealed in marshal.loads(data[1:]):  # noqa: S302 - our child's
                    yield (
                        unpack_result(packed),
                        RecordKey(*key) if key is not None else None,
                        unpack_sealed(sealed) if sealed is not None else None,
                    )
                continue
            kind, value = pickle.loads(data[1:])  # noqa: S301 - from our own forked child
            if kind == "progress":
                if on_progress is not None:
                    on_progress(value)
            elif kind == "mappings":
                mappings.update(value)
            elif kind == "error":
                raise value
            else:  # "done": the child's finished report
                for field in dataclasses.fields(IntakeReport):
                    setattr(report, field.name, getattr(value, field.name))
                return
    finally:
        receive.close()
        if child.is_alive():  # the parent stopped early: nothing more is wanted
            child.terminate()
        child.join()


class _Outbox:
    """What the child sends, written into the pipe by a thread of its own: the child reads on
    while the parent, storing a batch, reads nothing (a pipe holds a fraction of one chunk,
    and a child blocked on it would leave a core idle). At most AHEAD messages wait, some
    megabytes: a child further ahead waits for the parent. When the pipe breaks (the parent is
    gone), the next message put raises that error."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._send, name="intake-outbox", daemon=True)
        self._thread.start()

    def waiting(self) -> int:
        """Messages put and not yet taken by the parent, roughly: those queued here (the pipe
        holds at most one more)."""
        return self._queue.qsize()

    def put(self, data: bytes) -> None:
        if self._failed is not None:
            raise self._failed
        self._queue.put(data)

    def close(self) -> None:
        """Once everything put is sent (or sending failed)."""
        self._queue.put(None)
        self._thread.join()

    def _send(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._failed is None:
                try:
                    self._pipe.send_bytes(data)
                except BaseException as exc:  # noqa: BLE001 - the next put raises it
                    self._failed = exc  # and what is still queued is dropped


def _widen(pipe: Connection) -> None:
    """Ask Linux for a pipe that holds a whole chunk (a pipe holds 64 KiB unless asked): the
    parent then takes a chunk in one read, not a dozen, each waking the child to write more."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:  # not Linux
        return
    with contextlib.suppress(OSError):  # refused above /proc/sys/fs/pipe-max-size: as it is
        fcntl.fcntl(pipe.fileno(), set_size, _PIPE_BYTES)


def _produce(
    start: Callable[[Callable[[Any], None]], Any],
    pipe: Connection,
    parents: Connection,
    seal: Sealer | None = None,
) -> None:
    # The parent's end, inherited by the fork, is closed here: a parent killed outright (SIGKILL)
    # then breaks the pipe and the child ends, instead of blocking on a full pipe for ever while
    # it holds the list open and the parent's stdout, as it did (found by tests/faults).
    parents.close()
    # A process of its own, which only reads: what it inherited stays out of every collection,
    # and the young generations are collected once per chunk (see refuge.intake.sweeps).
    gc.disable()
    gc.freeze()
    outbox = _Outbox(pipe)

    def note(kind: str, value: object) -> None:
        outbox.put(_NOTE + pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL))

    try:
        progress: list[Any] = []
        run = start(progress.append)
        sent_mappings = 0
        chunk: list[tuple[Result, RecordKey | None]] = []

        def flush() -> None:
            nonlocal sent_mappings
            if len(run.mappings) != sent_mappings:
                note("mappings", dict(run.mappings))
                sent_mappings = len(run.mappings)
            if chunk:
                sealer = seal if outbox.waiting() >= SEAL_BEHIND else None
                packed = [
                    (
                        pack_result(result),
                        (key.identity, key.content, key.basis) if key is not None else None,
                        pack_sealed(sealer(result))
                        if sealer is not None and isinstance(result, IntakeRecord)
                        else None,
                    )
                    for result, key in chunk
                ]
                outbox.put(_ROWS + marshal.dumps(packed))
                chunk.clear()
                sweep()
            for step in progress:
                note("progress", step)
            progress.clear()

        for prepared in run.keyed():
            chunk.append(prepared)
            if len(chunk) >= CHUNK:
                flush()
        flush()
        note("done", run.report)
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        error: Exception = exc
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own, to see it comes through
        except Exception:  # noqa: BLE001 - an error that does not, said as plainly as it can be
            error = RefugeError(f"reading failed: {type(exc).__name__}")
        note("error", error)
    finally:
        outbox.close()
        pipe.close()
