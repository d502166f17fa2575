"""How good a clustering of records is against the truth: pairwise precision, recall and F1,
B-cubed precision and recall, and the share of true clusters found exactly."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import comb

from refuge.domain import InvalidInput

__all__ = ["ClusterScores", "score_clusters"]


@dataclass(frozen=True, slots=True)
class ClusterScores:
    """Pairwise figures count pairs of records put together; B-cubed figures average, over
    records, how much of a record's predicted cluster is right (precision) and how much of its
    true cluster was found (recall); `exact` is the share of true clusters reproduced whole."""

    records: int
    true_clusters: int
    predicted_clusters: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    bcubed_precision: float
    bcubed_recall: float
    exact: float

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        return _harmonic(self.precision, self.recall)

    @property
    def bcubed_f1(self) -> float:
        return _harmonic(self.bcubed_precision, self.bcubed_recall)


def _harmonic(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


def score_clusters(
    predicted: Iterable[Sequence[str]], truth: Mapping[str, Hashable]
) -> ClusterScores:
    """Score `predicted` clusters of record ids against `truth` (record id -> true cluster).
    Every record must be in exactly one predicted cluster and have a truth."""
    clusters = [tuple(cluster) for cluster in predicted]
    seen = [record for cluster in clusters for record in cluster]
    if len(seen) != len(set(seen)) or set(seen) != set(truth):
        raise InvalidInput("predicted clusters must hold each scored record exactly once")
    true_sizes = Counter(truth.values())
    true_members: defaultdict[Hashable, set[str]] = defaultdict(set)
    for record, label in truth.items():
        true_members[label].add(record)

    correct = 0
    bcubed_p = bcubed_r = 0.0
    exact = 0
    for cluster in clusters:
        overlap = Counter(truth[record] for record in cluster)
        correct += sum(comb(count, 2) for count in overlap.values())
        for label, count in overlap.items():
            # Each of the `count` records shares `count` of its cluster with its true cluster.
            bcubed_p += count * count / len(cluster)
            bcubed_r += count * count / true_sizes[label]
        if len(overlap) == 1:
            (label,) = overlap
            if true_sizes[label] == len(cluster):
                exact += 1
    records = len(truth)
    return ClusterScores(
        records=records,
        true_clusters=len(true_sizes),
        predicted_clusters=len(clusters),
        true_pairs=sum(comb(size, 2) for size in true_sizes.values()),
        predicted_pairs=sum(comb(len(cluster), 2) for cluster in clusters),
        correct_pairs=correct,
        bcubed_precision=bcubed_p / records if records else 1.0,
        bcubed_recall=bcubed_r / records if records else 1.0,
        exact=exact / len(true_sizes) if true_sizes else 1.0,
    )
