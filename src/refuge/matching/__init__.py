"""Matching: name normalisation for romanised and Perso-Arabic Dari, Pashto and Arabic names,
name similarity across scripts, the name keys record linkage compares and blocks on, and the
probabilistic linkage of records into persons and households (splink on DuckDB or Spark), with
its evaluation against a known truth; over stored records, `match` and the review queue with
decisions that are kept across runs and can be undone."""

from refuge.matching.clustering import connected_components, household_clusters
from refuge.matching.comparison import (
    NAME_KEY_COLUMNS,
    PersonNameKeys,
    key_similarity,
    name_similarity,
    person_name_keys,
)
from refuge.matching.decisions import cluster_with_decisions, stable_ids
from refuge.matching.evaluation import ClusterScores, score_clusters
from refuge.matching.linkage import (
    DEFAULT_REVIEW_BAND,
    DEFAULT_THRESHOLD,
    ENGINES,
    Engine,
    FieldVerdict,
    Linkage,
    ScoredPair,
    link_records,
)
from refuge.matching.names import (
    blocking_key,
    canonical_word,
    consonant_key,
    name_key,
    normalise_name,
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
from refuge.matching.records import LinkRecord, ListedPerson, link_record, linkage_rows
from refuge.matching.romanisation import romanise
from refuge.matching.services import (
    DecisionOutcome,
    MatchReport,
    decide,
    match,
    review_queue,
    undo,
)

__all__ = [
    "DEFAULT_REVIEW_BAND",
    "DEFAULT_THRESHOLD",
    "ENGINES",
    "NAME_KEY_COLUMNS",
    "ClusterScores",
    "Decision",
    "DecisionOutcome",
    "Engine",
    "FieldVerdict",
    "LinkRecord",
    "Linkage",
    "ListedPerson",
    "MatchReport",
    "MatchRepository",
    "MatchUnitOfWork",
    "Membership",
    "PairVerdict",
    "PersonNameKeys",
    "ReviewPair",
    "ScoredPair",
    "StoredLink",
    "blocking_key",
    "canonical_word",
    "cluster_with_decisions",
    "consonant_key",
    "connected_components",
    "decide",
    "household_clusters",
    "key_similarity",
    "link_record",
    "link_records",
    "linkage_rows",
    "match",
    "name_key",
    "name_similarity",
    "normalise_name",
    "person_name_keys",
    "review_queue",
    "romanise",
    "score_clusters",
    "stable_ids",
    "undo",
]
