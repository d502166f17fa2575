"""Garbage collection during an import: automatic collection off while the list is stored, the
cycles of each batch still freed, and the collector as it was once the import ends."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from refuge.intake.sweeps import sweep, young_sweeps


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return weakref.ref(first)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_a_sweep_frees_the_cycles_made_since_the_last_one_while_collection_is_off() -> None:
    with young_sweeps():
        assert not gc.isenabled()
        gone = _cycle()
        assert gone() is not None  # nothing collects it on its own now
        sweep()
        assert gone() is None
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_restored_when_the_import_fails() -> None:
    with pytest.raises(RuntimeError), young_sweeps():
        raise RuntimeError("the list could not be read")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with young_sweeps():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_imports_in_two_threads_share_one_period_and_the_last_to_end_restores_it() -> None:
    first_in, second_done, first_may_end = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with young_sweeps():
            first_in.set()
            first_may_end.wait(5)
            seen.append(gc.isenabled())

    def second() -> None:
        first_in.wait(5)
        with young_sweeps():
            pass
        seen.append(gc.isenabled())  # the first is still importing
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(5)
    first_may_end.set()
    for thread in threads:
        thread.join(5)

    assert seen == [False, False]
    assert gc.isenabled()
