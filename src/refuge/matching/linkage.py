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
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    ("dob_year", "int64"),
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
)


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


def _apart(*columns: str) -> Any:
    """A blocking rule on equal `columns`, less the pairs from one list household. Plain SQL
    that DuckDB and Spark read alike."""
    from splink.blocking_rule_library import CustomRule

    equal = " and ".join(f"l.{column} = r.{column}" for column in columns)
    return CustomRule(f"{equal} and {_DIFFERENT_LIST_HOUSEHOLDS}")


def _settings() -> Any:
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
        blocking_rules_to_generate_predictions=[
            # Consonants of every name word, whatever the vowels and word order.
            _apart("name_consonants"),
            # One name part much changed (a slip of the hand, a different spelling), the other
            # part and the year of birth kept.
            _apart("given_block", "dob_year"),
            _apart("family_block", "dob_year"),
            _apart("dob_full"),
            _apart("passport"),
            _apart("tazkira"),
            _apart("phone"),
        ],
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
    for anything the engine spills, removed on the way out."""
    with tempfile.TemporaryDirectory(prefix="refuge-match-") as scratch:
        if engine == "duckdb":
            import duckdb
            from duckdb.func import ARROW
            from splink import DuckDBAPI

            connection = duckdb.connect(":memory:", config={"temp_directory": scratch})
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


def _table(rows: list[dict[str, Any]]) -> Any:
    # pyarrow ships no type information.
    import pyarrow as pa  # type: ignore[import-untyped]

    types = {"string": pa.string(), "int64": pa.int64(), "list<string>": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in _COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


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

    table = _table([dict(row) for row in rows])
    floor = min(low, threshold)
    with _database(engine, partitions=partitions) as database:
        linker = Linker(
            _register(database.api, engine, table), _settings(), log_level=logging.ERROR
        )
        with database.serial():
            _train(linker, seed=seed, max_u_pairs=max_u_pairs)
        predictions = linker.inference.predict(warning_mode="never")
        pairs_compared, scored = _read_predictions(linker, predictions, floor)
        model = linker.misc.save_model_to_json()
    links = tuple(
        (*_ordered(row), float(row["match_probability"]))
        for row in scored
        if float(row["match_probability"]) >= threshold
    )
    persons = connected_components(ids, ((a, b) for a, b, _ in links))
    review = tuple(
        sorted(
            (
                _scored_pair(row, model)
                for row in scored
                if low <= float(row["match_probability"]) < high
            ),
            key=lambda pair: (abs(pair.probability - 0.5), pair.left, pair.right),
        )
    )
    return Linkage(
        engine=engine,
        threshold=threshold,
        review_band=review_band,
        records=len(rows),
        pairs_compared=pairs_compared,
        persons=persons,
        households=household_clusters(persons, households, min_shared=min_shared_household_members),
        links=tuple(sorted(links)),
        review=review,
        seconds=round(time.perf_counter() - started, 3),
    )


def _train(linker: Any, *, seed: int, max_u_pairs: float) -> None:
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
        training.estimate_parameters_using_expectation_maximisation(
            _apart("dob_full"), estimate_without_term_frequencies=True
        )
        training.estimate_parameters_using_expectation_maximisation(
            _apart("name_given", "name_family"), estimate_without_term_frequencies=True
        )
    except EMTrainingException as exc:
        raise InvalidInput(
            "too few records that look alike for the model to learn from; link more records at once"
        ) from exc


def _read_predictions(
    linker: Any, predictions: Any, floor: float
) -> tuple[int, list[dict[str, Any]]]:
    """How many pairs were scored, and those at or above `floor`, as plain records (no pandas,
    which PySpark does not fully support in version 3)."""
    table = predictions.physical_name
    counted = linker.misc.query_sql(f"select count(*) as n from {table}").as_record_list()  # noqa: S608 - splink's own table name
    scored = linker.misc.query_sql(
        f"select * from {table} where match_probability >= {floor:.12f}"  # noqa: S608 - a float we format
    ).as_record_list()
    return int(counted[0]["n"]), list(scored)


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
