"""Time-ordered identifiers: standard version 7 UUIDs, in the order they were made, unique."""

from __future__ import annotations

import pickle
import time
import uuid

from refuge.domain import time_ordered_id


def test_a_time_ordered_id_is_a_version_7_uuid_carrying_the_time_it_was_made() -> None:
    before = time.time_ns() // 1_000_000
    made = time_ordered_id()
    after = time.time_ns() // 1_000_000

    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after
    # Whole UUIDs, as any other: equal to the same value parsed, hashed and pickled alike.
    parsed = uuid.UUID(str(made))
    assert (made, hash(made), made.is_safe) == (parsed, hash(parsed), parsed.is_safe)
    assert pickle.loads(pickle.dumps(made)) == made  # noqa: S301 - our own bytes


def test_ids_made_in_later_milliseconds_sort_after_earlier_ones_and_none_repeats() -> None:
    ids = []
    for _ in range(3):
        ids += [time_ordered_id() for _ in range(5000)]
        time.sleep(0.002)
    by_time = [made.int >> 80 for made in ids]

    assert by_time == sorted(by_time)
    assert len(set(ids)) == len(ids)
    assert sorted(ids, key=lambda made: made.int >> 80)[-1].int >> 80 > ids[0].int >> 80
