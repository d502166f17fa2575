"""Probabilistic record linkage with splink: the model (comparisons, blocking rules), its
parameters estimated from the data, match probabilities, persons and households, and the pairs
in the uncertain band for review. The same model runs on DuckDB (default) or Spark.

splink, pyarrow and the engines are imported when a run starts, not with the package: intake
imports matching's name functions and should not pay for them.

Personal data stays in memory: DuckDB runs on an in-memory database whose spill directory, like
Spark's local directory, is a temporary directory removed when the run ends.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from refuge.domain import InvalidInput
from refuge.matching.clustering import connected_components, household_clusters
from refuge.matching.comparison import key_similarity
from refuge.matching.records import LinkRecord, linkage_rows

__all__ = [
    "DEFAULT_REVIEW_BAND",
    "DEFAULT_THRESHOLD",
    "ENGINES",
    "Engine",
    "FieldVerdict",
    "Linkage",
    "ScoredPair",
    "link_records",
]

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
DEFAULT_THRESHOLD = 0.9
DEFAULT_REVIEW_BAND = (0.5, 0.9)
# The name comparison of refuge.matching.comparison.key_similarity (word alignment, consonant
# skeletons across scripts), registered as a SQL function on each engine.
NAME_SIMILARITY = "refuge_name_similarity"
_GUARD = 0.7

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("unique_id", "string"),
    ("name_full", "string"),
    ("name_full_sorted", "string"),
    ("name_given", "string"),
    ("name_family", "string"),
    ("name_block", "string"),
    ("name_consonants", "string"),
    ("given_block", "string"),
    ("family_block", "string"),
    ("given_initial", "string"),
    ("family_initial", "string"),
    ("dob_year", "int64"),
    ("dob_year_even", "int64"),
    ("dob_year_odd", "int64"),
    ("dob_month", "string"),
    ("dob_full", "string"),
    ("dob_swapped", "string"),
    ("sex", "string"),
    ("nationality", "string"),
    ("passport", "string"),
    ("tazkira", "string"),
    ("phone", "string"),
    ("household", "string"),
    ("co_members", "list<string>"),
    ("sample_bucket", "int64"),
    *((f"relatives_{word}", "int64") for word in range(4)),
)
# The relatives' keys as bits (a Bloom filter, in _RELATIVE_WORDS words of 63 bits): two records
# with a relative in common share a set bit; two without one seldom do. Blocking rules test it
# with a bitwise and, where a test on the lists themselves costs ten times the join.
_RELATIVE_WORDS = 4
# Training draws its pairs from records in the first k of this many buckets (by a hash of the
# record id, so the same records whatever the engine or the order they came in).
_BUCKETS = 64
# Expectation maximisation on at most about this many pairs per session: m probabilities
# estimated from a random part of the blocked pairs are as good, and cost a fraction.
_TRAINING_PAIRS = 400_000


@dataclass(frozen=True, slots=True)
class FieldVerdict:
    """What one comparison found for a pair: the level reached (e.g. "year agrees"), and whether
    the model reads it as agreement, disagreement or missing data."""

    field: str
    level: str
    verdict: Literal["agrees", "disagrees", "missing"]
    bayes_factor: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    left: str
    right: str
    probability: float
    fields: tuple[FieldVerdict, ...]


@dataclass(frozen=True, slots=True)
class Linkage:
    """The result of a run. `persons` and `households` are groups of record ids, each sorted,
    in order of their first id; `review` the pairs with a probability in the review band, most
    uncertain first; `links` every pair at or above the threshold."""

    engine: Engine
    threshold: float
    review_band: tuple[float, float]
    records: int
    pairs_compared: int
    persons: tuple[tuple[str, ...], ...]
    households: tuple[tuple[str, ...], ...]
    links: tuple[tuple[str, str, float], ...]
    review: tuple[ScoredPair, ...]
    seconds: float

    def person_of(self) -> dict[str, int]:
        return {record: i for i, cluster in enumerate(self.persons) for record in cluster}

    def household_of(self) -> dict[str, int]:
        return {record: i for i, cluster in enumerate(self.households) for record in cluster}


def _name_part_comparison(part: str, other: str) -> Any:
    """Given names, or family names, compared apart: relatives share a family name and differ
    in the given one, which one comparison of whole names blurs. Exact agreement is weighed by
    how common the name is (Mohammad agrees often by chance, Zmarai seldom); a part written
    where the other record has the other part (given and family exchanged) is a level of its
    own; then the cross-script similarity of the keys, in bands."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    column, swapped = f"name_{part}", f"name_{other}"
    return cl.CustomComparison(
        output_column_name=f"{part}_name",
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
                label_for_charts=f"same {part} name"
            ),
            cll.CustomLevel(
                f"{column}_l = {swapped}_r or {swapped}_l = {column}_r",
                label_for_charts=f"{part} name written as the other's {other} name",
            ),
            _similar(column, 0.92, f"{part} names very alike"),
            _similar(column, 0.8, f"{part} names alike"),
            _similar(column, 0.65, f"{part} names somewhat alike"),
            cll.ElseLevel(),
        ],
    )


def _similar(column: str, at_least: float, label: str) -> Any:
    """Names at least this alike. Jaro-Winkler on the keys goes first, as a cheap guard: the
    Python function only runs on pairs that pass it, not on the millions of random pairs drawn
    to estimate u."""
    import splink.comparison_level_library as cll

    return cll.And(
        cll.JaroWinklerLevel(column, min(_GUARD, at_least)),
        cll.CustomLevel(f"{NAME_SIMILARITY}({column}_l, {column}_r) >= {at_least}"),
    ).configure(label_for_charts=label)


def _date_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            cll.ExactMatchLevel("dob_full").configure(label_for_charts="same full date"),
            cll.CustomLevel(
                "dob_swapped_l = dob_full_r", label_for_charts="day and month exchanged"
            ),
            cll.ExactMatchLevel("dob_month").configure(label_for_charts="same year and month"),
            # Year agreement is only worth as much as the less precise side can tell.
            cll.CustomLevel(
                "dob_year_l = dob_year_r and (dob_month_l is null or dob_month_r is null)",
                label_for_charts="same year, no more known",
            ),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="same year, month differs"),
            cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 1", label_for_charts="year one apart"),
            cll.ElseLevel(),
        ],
    )


def _document_comparison(column: str) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.LevenshteinLevel(column, 1).configure(label_for_charts="one character apart"),
            cll.ElseLevel(),
        ],
    )


def _household_comparison() -> Any:
    """The family around each record (its list household's other members, by name key).
    Finding one record's name among the other's relatives is a level of its own, placed before
    the shared-members levels: brothers listed on two lists share most of their family, yet
    each is listed beside the other, which one person never is."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            cll.NullLevel("co_members").configure(label_for_charts="listed alone"),
            cll.CustomLevel(
                "array_contains(co_members_l, given_block_r)"
                " or array_contains(co_members_r, given_block_l)",
                label_for_charts="listed as each other's relative",
            ),
            cll.ArrayIntersectLevel("co_members", 4),
            cll.ArrayIntersectLevel("co_members", 2),
            cll.ArrayIntersectLevel("co_members", 1),
            cll.ElseLevel(),
        ],
    )


# A list names each member of a household once: two records under one household reference of
# one list are two people, never compared (intake reports a row repeated within a list).
_DIFFERENT_LIST_HOUSEHOLDS = (
    "(l.household is null or r.household is null or l.household <> r.household)"
)
# Months of birth that do not tell the two apart: one unknown, equal, or day and month exchanged.
_SAME_MONTH = (
    "(l.dob_month is null or r.dob_month is null or l.dob_month = r.dob_month"
    " or l.dob_full = r.dob_swapped or l.dob_swapped = r.dob_full)"
)
_SAME_SEX = "(l.sex is null or r.sex is null or l.sex = r.sex)"


def _apart(*columns: str, where: str = "") -> Any:
    """A blocking rule on equal `columns`, less the pairs from one list household, and less the
    pairs that fail `where`. Plain SQL that DuckDB and Spark read alike."""
    from splink.blocking_rule_library import CustomRule

    equal = " and ".join(f"l.{column} = r.{column}" for column in columns)
    extra = f" and {where}" if where else ""
    return CustomRule(f"{equal} and {_DIFFERENT_LIST_HOUSEHOLDS}{extra}")


def _blocking_rules(engine: Engine) -> list[Any]:
    """The pairs scored. Each rule is an equality that a hash join finds, narrowed by checks that
    cost little next to scoring a pair; and each equality is narrow enough that the pairs it
    puts together grow with the records rather than with the square of how common a name is
    (at a national operation's scale, a given name and a year of birth alone pair a thousand
    Bahars born in 2012 with each other).

    The name rules: the consonants of every name word, whatever the vowels and word order, and
    years of birth at most one apart (two rules, as two equalities), or one year unknown with
    nothing else telling the two apart. The others look for what the name rules miss: one
    name part much changed (a slip of the hand, another spelling, another script) but still
    beginning with the same letter, with the other part, the year of birth and a relative in
    common; the same full date of birth, a name part roughly alike and a relative in common;
    or a document or phone number."""
    from splink.internals.dialects import SplinkDialect

    jaro_winkler = SplinkDialect.from_string(engine).jaro_winkler_function_name
    relative = " or ".join(
        f"(l.relatives_{word} & r.relatives_{word}) <> 0" for word in range(_RELATIVE_WORDS)
    )
    relative = f"({relative})"
    no_other_family = f"(l.relatives_0 is null or r.relatives_0 is null or {relative})"

    def alike(part: str) -> str:
        return f"{jaro_winkler}(l.name_{part}, r.name_{part}) >= {_GUARD}"

    return [
        _apart("name_consonants", "dob_year_even"),
        _apart("name_consonants", "dob_year_odd"),
        *(
            _apart("name_consonants", where=f"{side}.dob_year is null and {no_other_family}")
            for side in ("l", "r")
        ),
        _apart(
            "given_block",
            "dob_year",
            "family_initial",
            where=f"{relative} and {_SAME_MONTH} and {_SAME_SEX} and {alike('family')}",
        ),
        _apart(
            "family_block",
            "dob_year",
            "given_initial",
            where=f"{relative} and {_SAME_MONTH} and {_SAME_SEX} and {alike('given')}",
        ),
        *(
            _apart(
                "dob_full", initial, where=f"{relative} and ({alike('given')} or {alike('family')})"
            )
            for initial in ("given_initial", "family_initial")
        ),
        _apart("passport"),
        _apart("tazkira"),
        _apart("phone"),
    ]


def _settings(engine: Engine) -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            _name_part_comparison("given", "family"),
            _name_part_comparison("family", "given"),
            _date_comparison(),
            _document_comparison("passport"),
            _document_comparison("tazkira"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("sex"),
            _household_comparison(),
        ],
        blocking_rules_to_generate_predictions=_blocking_rules(engine),
        # Gamma values (which level each pair reached) come only with the matching columns.
        retain_matching_columns=True,
        # The match weight of each comparison, for what agreed and disagreed in review.
        retain_intermediate_calculation_columns=True,
    )


@dataclass(frozen=True, slots=True)
class _Database:
    api: Any
    serial: Callable[[], contextlib.AbstractContextManager[None]]


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextlib.contextmanager
def _one_duckdb_thread(connection: Any) -> Iterator[None]:
    """DuckDB's seeded sampling repeats only on one thread (and sums in a fixed order only on
    one); training runs so, prediction on all."""
    (threads,) = connection.execute("select current_setting('threads')").fetchone()
    connection.execute("set threads = 1")
    try:
        yield
    finally:
        connection.execute(f"set threads = {int(threads)}")


@contextlib.contextmanager
def _database(engine: Engine, *, partitions: int) -> Iterator[_Database]:
    """A splink database API over a store that lives in memory, with a temporary directory
    for anything the engine spills, removed on the way out: on an error, and on SIGTERM or
    SIGINT too, which stop the engine's work in progress. A directory left by a run that was
    killed outright (SIGKILL, power) is removed by the next run."""
    _remove_abandoned_scratch()
    with (
        tempfile.TemporaryDirectory(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-") as scratch,
        _StopOnSignal() as stop,
    ):
        if engine == "duckdb":
            import duckdb
            from duckdb.func import ARROW
            from splink import DuckDBAPI

            connection = duckdb.connect(
                ":memory:",
                config={
                    "temp_directory": scratch,
                    "memory_limit": _memory_limit(),
                    "preserve_insertion_order": False,
                },
            )
            stop.interrupt = connection.interrupt
            # Called once per vector of pairs (arrow), not once per pair.
            connection.create_function(
                NAME_SIMILARITY,
                _similarity_vector,
                [duckdb.sqltype("VARCHAR"), duckdb.sqltype("VARCHAR")],
                duckdb.sqltype("DOUBLE"),
                type=ARROW,
                side_effects=False,
            )
            try:
                yield _Database(
                    DuckDBAPI(connection=connection),
                    functools.partial(_one_duckdb_thread, connection),
                )
            finally:
                connection.close()
        elif engine == "spark":
            try:
                from pyspark.sql import SparkSession
                from splink import SparkAPI
                from splink.backends.spark import similarity_jar_location
            except ImportError as exc:  # pragma: no cover - pyspark is a dependency
                raise InvalidInput("the spark engine needs pyspark installed") from exc
            # Python workers run the name similarity function, so they must be this
            # interpreter, which has Refuge; PySpark reads the choice from this variable only.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            session = (
                SparkSession.builder.master(f"local[{partitions}]")
                .appName("refuge-match")
                .config("spark.local.dir", scratch)
                .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                # Splink's string similarity functions (Jaro-Winkler) for Spark SQL.
                .config("spark.jars", similarity_jar_location())
                .config("spark.sql.shuffle.partitions", str(partitions))
                .config("spark.default.parallelism", str(partitions))
                .config("spark.driver.memory", "2g")
                .getOrCreate()
            )
            session.sparkContext.setLogLevel("ERROR")
            stop.interrupt = session.sparkContext.cancelAllJobs
            from pyspark.sql.types import DoubleType

            session.udf.register(NAME_SIMILARITY, _spark_similarity, DoubleType())
            session.sparkContext.setCheckpointDir(f"{scratch}/checkpoints")
            try:
                # splink's SparkAPI is untyped.
                api = SparkAPI(  # type: ignore[no-untyped-call]
                    spark_session=session,
                    break_lineage_method="persist",
                    num_partitions_on_repartition=partitions,
                )
                yield _Database(api, _nothing)
            finally:
                session.catalog.clearCache()
                session.stop()
        else:
            raise InvalidInput(f"unknown matching engine {engine}; use one of {', '.join(ENGINES)}")


_SCRATCH_PREFIX = "refuge-match-"


def _memory_limit() -> str:
    """Half the machine's memory for the engine, the rest for Python's side of the run; the
    engine spills to its temporary directory beyond that rather than take the machine down."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{total // 2 // 2**20}MB"


def _remove_abandoned_scratch() -> None:
    """Temporary directories of runs whose process is gone (killed before it could clean up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_SCRATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(_SCRATCH_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _StopOnSignal:
    """SIGTERM and SIGINT, while a run holds personal data in its engine, become an exception
    in the run: the engine's query in progress is interrupted (from a thread that hears the
    signal at once; Python's own handler only runs once the query returns), the exception
    unwinds, and the temporary directory goes with it. Only in the main thread, where Python
    allows handlers; elsewhere nothing changes."""

    _SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.interrupt: Callable[[], object] | None = None
        self.heard: int | None = None
        self._previous: dict[int, Any] = {}
        self._wakeup: tuple[int, int] | None = None
        self._previous_fd = -1

    def __enter__(self) -> _StopOnSignal:
        if threading.current_thread() is not threading.main_thread():
            return self
        read, write = os.pipe()
        os.set_blocking(write, False)
        self._wakeup = (read, write)
        self._previous_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        for number in self._SIGNALS:
            self._previous[number] = signal.signal(number, self._raise)
        threading.Thread(target=self._listen, args=(read,), daemon=True).start()
        return self

    def _listen(self, read: int) -> None:
        try:
            while True:
                # Once a signal is heard, interrupt again every tenth of a second until the run
                # unwinds: a query only starting when the first interrupt came would run on,
                # and Python's own handler waits for it.
                waiting = None if self.heard is None else 0.1
                ready, _, _ = select.select([read], [], [], waiting)
                if ready:
                    data = os.read(read, 64)
                    if not data:  # the run is over and closed its end
                        return
                    self.heard = next((n for n in data if n in self._SIGNALS), self.heard)
                if self.heard is not None and self.interrupt is not None:
                    with contextlib.suppress(Exception):
                        self.interrupt()
        finally:
            os.close(read)

    def _raise(self, number: int, _frame: object) -> None:
        self.heard = number
        raise SystemExit(128 + number)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _trace: object
    ) -> None:
        if self._wakeup is None:
            return
        signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        os.close(self._wakeup[1])  # the listening thread reads the end, and closes its side
        self._wakeup = None
        # The engine's interruption may unwind the run before Python's handler has run, and
        # the handler is gone now: the run ends as the signal asked, whatever reached here.
        if self.heard is not None and kind is not SystemExit:
            raise SystemExit(128 + self.heard) from error


def _relative_bits(members: Sequence[str] | None) -> tuple[int | None, ...]:
    if not members:
        return (None,) * _RELATIVE_WORDS
    words = [0] * _RELATIVE_WORDS
    for member in members:
        hashed = zlib.crc32(member.encode())
        words[hashed % _RELATIVE_WORDS] |= 1 << (hashed // _RELATIVE_WORDS % 63)
    return tuple(words)


def _table(rows: Sequence[Mapping[str, Any]]) -> Any:
    # pyarrow ships no type information.
    import pyarrow as pa  # type: ignore[import-untyped]

    types = {"string": pa.string(), "int64": pa.int64(), "list<string>": pa.list_(pa.string())}
    columns = {
        name: pa.array([row[name] for row in rows], type=types[kind])
        for name, kind in _COLUMNS
        if name != "sample_bucket" and not name.startswith("relatives_")
    }
    columns["sample_bucket"] = pa.array(
        [zlib.crc32(str(row["unique_id"]).encode()) % _BUCKETS for row in rows], type=pa.int64()
    )
    relatives = [_relative_bits(row["co_members"]) for row in rows]
    for word in range(_RELATIVE_WORDS):
        columns[f"relatives_{word}"] = pa.array([bits[word] for bits in relatives], type=pa.int64())
    return pa.Table.from_pydict(columns, schema=pa.schema([(n, types[k]) for n, k in _COLUMNS]))


@functools.lru_cache(maxsize=1 << 16)
def _similarity(a: str, b: str) -> float:
    # Each name level asks again about the same pair; the cache answers the repeats.
    return key_similarity(a, b)


def _similarity_vector(left: Any, right: Any) -> Any:
    import pyarrow as pa

    return pa.array(
        [
            None if a is None or b is None else _similarity(a, b)
            for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True)
        ],
        type=pa.float64(),
    )


def _spark_similarity(a: str | None, b: str | None) -> float | None:
    return None if a is None or b is None else _similarity(a, b)


def _register(db_api: Any, engine: Engine, table: Any) -> Any:
    if engine == "spark":
        frame = db_api.spark.createDataFrame(table)
        return db_api.register(frame, dataset_display_name="records")
    return db_api.register(table, dataset_display_name="records")


def link_records(
    records: Iterable[LinkRecord],
    *,
    engine: Engine = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    review_band: tuple[float, float] = DEFAULT_REVIEW_BAND,
    seed: int = 1,
    max_u_pairs: float = 2e6,
    min_shared_household_members: int = 2,
    partitions: int = 2,
) -> Linkage:
    """Link records into persons and households.

    u probabilities come from random sampling (seeded, so a run is repeatable), m probabilities
    from expectation maximisation on blocked pairs; nothing is hand-tuned. Pairs at or above
    `threshold` join persons (connected components); pairs with probability in
    `[review_band[0], review_band[1])` are returned for a case officer, with what agreed.
    """
    low, high = review_band
    if not 0.0 < low <= high <= 1.0 or not 0.0 < threshold <= 1.0:
        raise InvalidInput("threshold and review band must lie in (0, 1], low <= high")
    started = time.perf_counter()
    # In record id order, so that the seeded sampling draws the same pairs whatever order the
    # records came in.
    rows = sorted(linkage_rows(records), key=lambda row: str(row["unique_id"]))
    ids = [str(row["unique_id"]) for row in rows]
    if len(set(ids)) != len(ids):
        raise InvalidInput("record ids must be unique")
    households = {str(row["unique_id"]): _str_or_none(row["household"]) for row in rows}
    if len(rows) < 2:
        alone = tuple((i,) for i in ids)
        seconds = round(time.perf_counter() - started, 3)
        return Linkage(engine, threshold, review_band, len(rows), 0, alone, alone, (), (), seconds)
    from splink import Linker

    table = _table(rows)
    del rows
    floor = min(low, threshold)
    with _database(engine, partitions=partitions) as database:
        registered = _register(database.api, engine, table)
        del table
        linker = Linker(registered, _settings(engine), log_level=logging.ERROR)
        with database.serial():
            _train(linker, registered.physical_name, seed=seed, max_u_pairs=max_u_pairs)
        # The blocked pairs are counted, then scored; only pairs at or above the lower of the
        # threshold and the review band come back out of the engine.
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        pairs_compared = _count(linker, blocked.physical_name)
        predictions = linker.inference.predict(
            threshold_match_probability=floor, warning_mode="never"
        )
        blocked.drop_table_from_database_and_remove_from_cache()
        linked, uncertain = _read_predictions(
            linker, predictions.physical_name, threshold, low, high
        )
        model = linker.misc.save_model_to_json()
    links = tuple(sorted(linked))
    persons = connected_components(ids, ((a, b) for a, b, _ in links))
    review = tuple(
        sorted(
            (_scored_pair(row, model) for row in uncertain),
            key=lambda pair: (abs(pair.probability - 0.5), pair.left, pair.right),
        )
    )
    return Linkage(
        engine=engine,
        threshold=threshold,
        review_band=review_band,
        records=len(ids),
        pairs_compared=pairs_compared,
        persons=persons,
        households=household_clusters(persons, households, min_shared=min_shared_household_members),
        links=links,
        review=review,
        seconds=round(time.perf_counter() - started, 3),
    )


def _train(linker: Any, records: str, *, seed: int, max_u_pairs: float) -> None:
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    training = linker.training
    # Records sharing a document number, or a name and full date, are nearly always one person;
    # how many pairs they make gives the prior chance that two records match.
    training.estimate_probability_two_random_records_match(
        [block_on("passport"), block_on("tazkira"), block_on("name_full", "dob_full")],
        recall=0.7,
    )
    training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed, num_chunks=1)
    # Each session estimates m for every comparison but those it blocks on; together they
    # cover all of them. Blocking on the compared columns themselves (not on a key made from
    # them) is what tells splink to leave those comparisons' m alone in that session: pairs
    # chosen for agreeing names say nothing about how often matches disagree on names.
    try:
        for columns in (("dob_full",), ("name_given", "name_family")):
            training.estimate_parameters_using_expectation_maximisation(
                _apart(*columns, where=_sample(linker, records, columns)),
                estimate_without_term_frequencies=True,
            )
    except EMTrainingException as exc:
        raise InvalidInput(
            "too few records that look alike for the model to learn from; link more records at once"
        ) from exc


def _sample(linker: Any, table: str, columns: Sequence[str]) -> str:
    """A condition keeping about `_TRAINING_PAIRS` of the pairs that agree on `columns`: those
    whose left record falls in the first buckets. Nothing is left out of a small run."""
    present = " and ".join(f"{column} is not null" for column in columns)
    keys = ", ".join(columns)
    (row,) = linker.misc.query_sql(
        f"select coalesce(sum(n * (n - 1) / 2), 0) as pairs from "  # noqa: S608 - our own column names
        f"(select count(*) as n from {table} where {present} group by {keys})"
    ).as_record_list()
    pairs = float(row["pairs"])
    if pairs <= _TRAINING_PAIRS:
        return ""
    kept = max(1, int(_BUCKETS * _TRAINING_PAIRS / pairs))
    return f"l.sample_bucket < {kept}"


def _count(linker: Any, table: str) -> int:
    (row,) = linker.misc.query_sql(f"select count(*) as n from {table}").as_record_list()  # noqa: S608 - splink's own table name
    return int(row["n"])


def _read_predictions(
    linker: Any, table: str, threshold: float, low: float, high: float
) -> tuple[list[tuple[str, str, float]], list[dict[str, Any]]]:
    """The pairs at or above `threshold` as (left, right, probability), left before right; and
    the pairs in the review band whole, with what each comparison found. Read as plain records
    (no pandas, which PySpark does not fully support in version 3), and only the columns used:
    a national operation links hundreds of thousands of pairs."""
    links = linker.misc.query_sql(
        "select least(unique_id_l, unique_id_r) as l, greatest(unique_id_l, unique_id_r) as r,"  # noqa: S608 - splink's own table name, floats we format
        f" match_probability as p from {table} where match_probability >= {threshold:.12f}"
    ).as_record_list()
    review = linker.misc.query_sql(
        f"select * from {table} where match_probability >= {low:.12f}"  # noqa: S608 - as above
        f" and match_probability < {high:.12f}"
    ).as_record_list()
    return [(str(row["l"]), str(row["r"]), float(row["p"])) for row in links], list(review)


def _scored_pair(row: dict[str, Any], model: dict[str, Any]) -> ScoredPair:
    fields = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = int(row[f"gamma_{name}"])
        level = _level(comparison["comparison_levels"], gamma)
        factor = 2.0 ** float(row[f"mw_{name}"])
        if level.get("is_null_level"):
            verdict: Literal["agrees", "disagrees", "missing"] = "missing"
        else:
            verdict = "agrees" if factor > 1.0 else "disagrees"
        fields.append(FieldVerdict(name, str(level.get("label_for_charts", "")), verdict, factor))
    left, right = _ordered(row)
    return ScoredPair(left, right, float(row["match_probability"]), tuple(fields))


def _level(levels: Sequence[dict[str, Any]], gamma: int) -> dict[str, Any]:
    """The level a comparison vector value stands for: -1 the null level, else counted down
    from the most specific non-null level."""
    if gamma == -1:
        return next(level for level in levels if level.get("is_null_level"))
    ordinary = [level for level in levels if not level.get("is_null_level")]
    return ordinary[len(ordinary) - 1 - gamma]


def _ordered(row: dict[str, Any]) -> tuple[str, str]:
    left, right = str(row["unique_id_l"]), str(row["unique_id_r"])
    return (left, right) if left <= right else (right, left)


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
