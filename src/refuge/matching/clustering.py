"""Clusters of records: connected components of pairwise links into persons, and persons into
households through the households their lists put them in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["connected_components", "household_clusters"]


class _Forest:
    """Union-find over string ids, with the smallest id as the root so results are stable."""

    def __init__(self, ids: Iterable[str]) -> None:
        self._parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self._parent[rb] = ra

    def groups(self) -> tuple[tuple[str, ...], ...]:
        out: defaultdict[str, list[str]] = defaultdict(list)
        for item in self._parent:
            out[self.find(item)].append(item)
        return tuple(sorted(tuple(sorted(group)) for group in out.values()))


def connected_components(
    ids: Iterable[str], links: Iterable[tuple[str, str]]
) -> tuple[tuple[str, ...], ...]:
    """Groups of ids joined by links, each sorted, in order of their first id."""
    forest = _Forest(ids)
    for a, b in links:
        forest.union(a, b)
    return forest.groups()


def household_clusters(
    persons: Sequence[Sequence[str]],
    source_household: Mapping[str, str | None],
    *,
    min_shared: int = 2,
) -> tuple[tuple[str, ...], ...]:
    """Households as groups of record ids, from person clusters and each record's household on
    its own list.

    Records listed together on one list belong to one household. Two households from different
    lists are one when they share persons: at least `min_shared` of them, or every person of the
    smaller one when it has fewer. Requiring two shared persons where both could have had them
    is the guard against over-merging: one wrong person link, or one relative listed under
    another family's reference, does not join two families."""
    person_of = {record: i for i, cluster in enumerate(persons) for record in cluster}
    persons_in: defaultdict[str, set[int]] = defaultdict(set)
    for record, household in source_household.items():
        if household is not None:
            persons_in[household].add(person_of[record])
    households_of: defaultdict[int, set[str]] = defaultdict(set)
    for household, members in persons_in.items():
        for person in members:
            households_of[person].add(household)

    forest = _Forest(persons_in)
    for household, members in sorted(persons_in.items()):
        neighbours = {other for person in members for other in households_of[person]}
        for other in sorted(neighbours):
            if other <= household:
                continue
            shared = len(members & persons_in[other])
            needed = min(min_shared, len(members), len(persons_in[other]))
            if shared >= needed:
                forest.union(household, other)

    # Each person goes with the household most of its records' lists put it in; a person no list
    # put in a household is a household of its own.
    records_of_household: defaultdict[str, list[str]] = defaultdict(list)
    for index, cluster in enumerate(persons):
        counts: defaultdict[str, int] = defaultdict(int)
        for record in cluster:
            household = source_household.get(record)
            if household is not None:
                counts[forest.find(household)] += 1
        if counts:
            chosen = min(counts, key=lambda h: (-counts[h], h))
            records_of_household[chosen].extend(cluster)
        else:
            records_of_household[f"\x00person{index}"].extend(cluster)
    return tuple(sorted(tuple(sorted(group)) for group in records_of_household.values()))
