"""Persons from links, and households from persons and the households lists put them in."""

from __future__ import annotations

from refuge.matching import connected_components, household_clusters


def test_links_chain_records_into_one_person() -> None:
    groups = connected_components("abcde", [("b", "a"), ("c", "b"), ("e", "d")])
    assert groups == (("a", "b", "c"), ("d", "e"))


def test_two_lists_sharing_two_members_of_a_family_make_one_household() -> None:
    # List 1 household H: a (father), b (mother), c (child). List 2 household K: d, e = a, b.
    persons = (("a", "d"), ("b", "e"), ("c",))
    households = {"a": "1/H", "b": "1/H", "c": "1/H", "d": "2/K", "e": "2/K"}
    assert household_clusters(persons, households) == (("a", "b", "c", "d", "e"),)


def test_one_shared_person_does_not_join_two_families() -> None:
    # A relative listed with the wrong family on list 2 (or one wrong person link) must not merge
    # the two families: they share one person though each has more.
    persons = (("a", "x"), ("b",), ("c",), ("y",), ("z",))
    households = {"a": "1/H", "b": "1/H", "c": "1/H", "x": "2/K", "y": "2/K", "z": "2/K"}
    result = household_clusters(persons, households)
    assert any({"b", "c"} <= set(group) for group in result)
    assert any({"y", "z"} <= set(group) for group in result)
    assert not any({"b", "y"} <= set(group) for group in result)


def test_a_lone_listing_joins_the_household_of_its_person() -> None:
    # d is the same person as a, listed alone on another list: one shared person is all there
    # can be, so d's listing joins a's family.
    persons = (("a", "d"), ("b",))
    households = {"a": "1/H", "b": "1/H", "d": "2/K"}
    assert household_clusters(persons, households) == (("a", "b", "d"),)


def test_a_person_in_no_household_is_a_household_alone() -> None:
    persons = (("a",), ("b",))
    assert household_clusters(persons, {"a": None, "b": "1/H"}) == (("a",), ("b",))
