"""The seeded generators every part of a scenario draws from, one per purpose and household, so
that a scenario is the same for the same seed whatever order its parts are built in."""

from __future__ import annotations

import random

__all__ = ["seeded"]


def seeded(seed: int, *parts: object) -> random.Random:
    """A generator for `parts` (purpose, household index, organisation...) under `seed`.

    Synthetic data, not secrets: Python's Mersenne Twister is right here, seeded from a string
    (hashed with SHA-512 by `random`), stable across runs and platforms."""
    key = ":".join(str(part) for part in (seed, *parts))
    return random.Random(key)  # noqa: S311 - reproducible synthetic data, not a secret
