"""Persons out of pairwise links under a case officer's decisions: confirmed pairs are always one
person, rejected pairs never are, and everything else follows the model's links."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

__all__ = ["cluster_with_decisions", "stable_ids"]

T = TypeVar("T")


def cluster_with_decisions(
    ids: Iterable[str],
    links: Iterable[tuple[str, str, float]],
    *,
    confirmed: Iterable[tuple[str, str]] = (),
    rejected: Iterable[tuple[str, str]] = (),
) -> tuple[tuple[str, ...], ...]:
    """Groups of ids, each sorted, in order of their first id.

    Confirmed pairs are joined first, then links from the most probable down; a join that would
    put both records of a rejected pair in one group is skipped. So a rejected pair stays apart
    even when a chain of other links would have joined it, and the weakest link of that chain is
    the one given up. Pairs naming an id not in `ids` (a record since withdrawn) are ignored."""
    members: dict[str, set[str]] = {i: {i} for i in ids}
    group_of = {i: i for i in members}
    apart: dict[str, set[str]] = {}
    for a, b in rejected:
        if a in group_of and b in group_of:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)

    def join(a: str, b: str) -> None:
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            return
        small, large = (ga, gb) if len(members[ga]) <= len(members[gb]) else (gb, ga)
        if any(apart.get(item, set()) & members[large] for item in members[small]):
            return
        for item in members[small]:
            group_of[item] = large
        members[large] |= members.pop(small)

    for a, b in confirmed:
        if a in group_of and b in group_of:
            join(a, b)
    for a, b, _ in sorted(links, key=lambda link: (-link[2], link[0], link[1])):
        if a in group_of and b in group_of:
            join(a, b)
    return tuple(sorted(tuple(sorted(group)) for group in members.values()))


def stable_ids(
    groups: Sequence[Sequence[str]], previous: Mapping[str, T], new: Callable[[], T]
) -> dict[str, T]:
    """An id for each group's members, kept from the last clustering where it can be: a group
    takes the id most of its members had, unless a larger group took it first."""
    taken: set[T] = set()
    out: dict[str, T] = {}
    for group in sorted(groups, key=lambda g: (-len(g), g[0] if g else "")):
        counts = Counter(previous[item] for item in group if item in previous)
        chosen = next(
            (
                candidate
                for candidate, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
                if candidate not in taken
            ),
            None,
        )
        if chosen is None:
            chosen = new()
        taken.add(chosen)
        for item in group:
            out[item] = chosen
    return out
