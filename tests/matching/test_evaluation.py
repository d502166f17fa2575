"""Scores of a clustering against the truth, on clusterings small enough to count by hand."""

from __future__ import annotations

import pytest

from refuge.domain import InvalidInput
from refuge.matching import score_clusters

TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}


def test_the_true_clustering_scores_perfectly() -> None:
    scores = score_clusters([("a", "b", "c"), ("d",), ("e",)], TRUTH)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    assert (scores.bcubed_precision, scores.bcubed_recall, scores.exact) == (1.0, 1.0, 1.0)


def test_a_split_person_costs_recall_and_a_false_merge_costs_precision() -> None:
    scores = score_clusters([("a", "b"), ("c", "d"), ("e",)], TRUTH)
    assert scores.true_pairs == 3
    assert scores.predicted_pairs == 2
    assert scores.correct_pairs == 1
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.4)
    # a, b: 2/2 right of 3 true; c: 1/2 of its cluster, 1/3 of its person; d: 1/2, 1/1; e: 1, 1.
    assert scores.bcubed_precision == pytest.approx((1 + 1 + 0.5 + 0.5 + 1) / 5)
    assert scores.bcubed_recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert scores.exact == pytest.approx(1 / 3)  # only e is found whole


def test_every_record_must_be_clustered_exactly_once() -> None:
    with pytest.raises(InvalidInput):
        score_clusters([("a", "b", "c"), ("d",)], TRUTH)
    with pytest.raises(InvalidInput):
        score_clusters([("a", "b", "c"), ("c", "d"), ("e",)], TRUTH)
