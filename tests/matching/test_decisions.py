"""Clustering under a case officer's decisions: confirmed pairs always join, rejected pairs never
do, whatever the links say; ids survive a re-clustering where the groups allow."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from refuge.matching import cluster_with_decisions, connected_components, stable_ids

IDS = ["a", "b", "c", "d", "e"]


def test_links_alone_join_records_into_connected_groups() -> None:
    groups = cluster_with_decisions(IDS, [("a", "b", 0.95), ("b", "c", 0.92)])
    assert groups == (("a", "b", "c"), ("d",), ("e",))


def test_a_confirmed_pair_joins_without_any_link() -> None:
    groups = cluster_with_decisions(IDS, [], confirmed=[("a", "e")])
    assert ("a", "e") in groups


def test_a_rejected_pair_is_split_at_the_weakest_link_of_the_chain_joining_it() -> None:
    links = [("a", "b", 0.99), ("b", "c", 0.91), ("c", "d", 0.98)]
    groups = cluster_with_decisions(IDS, links, rejected=[("a", "d")])
    assert groups == (("a", "b"), ("c", "d"), ("e",))


def test_a_rejection_outweighs_a_confirmation_that_would_join_its_pair() -> None:
    groups = cluster_with_decisions(
        IDS, [], confirmed=[("a", "b"), ("b", "c")], rejected=[("a", "c")]
    )
    assert not any({"a", "c"} <= set(group) for group in groups)


def test_decisions_on_records_no_longer_present_are_ignored() -> None:
    groups = cluster_with_decisions(
        ["a", "b"], [], confirmed=[("a", "gone")], rejected=[("b", "x")]
    )
    assert groups == (("a",), ("b",))


@settings(max_examples=60, deadline=None)
@given(
    links=st.lists(
        st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.floats(0.9, 1.0)), max_size=12
    ),
    rejected=st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=4),
)
def test_no_group_ever_holds_both_records_of_a_rejected_pair(
    links: list[tuple[str, str, float]], rejected: list[tuple[str, str]]
) -> None:
    rejected = [(a, b) for a, b in rejected if a != b]
    groups = cluster_with_decisions(IDS, links, rejected=rejected)
    assert sorted(itertools.chain.from_iterable(groups)) == IDS
    for a, b in rejected:
        assert not any({a, b} <= set(group) for group in groups)


def test_a_group_keeps_the_id_most_of_its_members_had_and_a_split_off_part_gets_a_new_one() -> None:
    previous = {"a": 1, "b": 1, "c": 1, "d": 2}
    fresh = iter([10, 11])
    ids = stable_ids([("a", "b"), ("c",), ("d", "e")], previous, lambda: next(fresh))
    assert ids == {"a": 1, "b": 1, "c": 10, "d": 2, "e": 2}


@settings(max_examples=60, deadline=None)
@given(
    links=st.lists(
        st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.floats(0.9, 1.0)), max_size=12
    )
)
def test_without_rejections_the_groups_are_the_connected_components_of_links_and_confirmations(
    links: list[tuple[str, str, float]],
) -> None:
    confirmed = [("a", "e")]
    expected = connected_components(IDS, [*((a, b) for a, b, _ in links), *confirmed])
    assert cluster_with_decisions(IDS, links, confirmed=confirmed) == expected
