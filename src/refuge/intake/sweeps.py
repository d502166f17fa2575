"""Garbage collection while a long list is read and stored.

Python's cyclic garbage collector runs by allocation counts: after every few hundred new
objects it looks at the young ones, and every so often at every object the process holds. An
import makes objects by the million (values, records, rows) and keeps thousands alive in
caches and batches, so the full collections came often and took long. A third of an import's
time went to them, to find the few objects in reference cycles it makes: some 11,000 in a list
of 134,000 rows (measured with gc.callbacks; benchmarks/intake.py shows the difference).

While `young_sweeps()` is in force, automatic collection is off and the import calls `sweep()`
once per batch: a collection of the young generations only, which frees the cycles made since
the last batch. What survives it ages into the oldest generation, which is collected as usual
once the import is over. Memory stays flat, since a batch's garbage is freed after the batch.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["sweep", "young_sweeps"]

_lock = threading.Lock()
_active = 0  # imports (threads) inside young_sweeps
_was_enabled = False  # whether automatic collection was on when the first of them began


@contextlib.contextmanager
def young_sweeps() -> Iterator[None]:
    """Automatic collection off for the duration, as it was after (see the module docstring).
    Imports in several threads at once share one such period: the last to end restores it."""
    global _active, _was_enabled  # noqa: PLW0603 - the process's one collector, shared
    with _lock:
        if _active == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _was_enabled:
                gc.enable()


def sweep() -> None:
    """Collect the young generations: the cycles made since the last sweep."""
    gc.collect(1)
