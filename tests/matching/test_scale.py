"""What keeps linkage within a national operation's means: blocking that does not pair every
holder of a common name with every other, training on a sample of pairs, and no personal data
left on disk however the run ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refuge.matching.linkage as linkage_module
from refuge.domain import PartialDate, PersonName
from refuge.matching import LinkRecord, link_records, score_clusters

from .listed import Listed


def _strangers(count: int) -> list[LinkRecord]:
    """`count` girls called Bahar born in 2012, each of another family (no two alike in their
    consonants, which would make them spellings of one name) and listed alone."""
    families = [f"{a}a{b}i{c}zai" for a in "bdgkmnprst" for b in "lnrs" for c in "dfhjk"]
    return [
        LinkRecord(
            f"stranger-{i}", f"org-{i % 7}", PersonName("Bahar", families[i]), PartialDate(2012)
        )
        for i in range(count)
    ]


def test_strangers_with_a_common_name_and_year_are_not_all_compared(listed: Listed) -> None:
    alone = link_records(listed.records)
    crowded = link_records([*listed.records, *_strangers(200)])
    # A rule on given name and year alone would add all 19,900 pairs of them.
    assert crowded.pairs_compared - alone.pairs_compared < 200
    assert all(
        len([r for r in cluster if r.startswith("stranger-")]) <= 1 for cluster in crowded.persons
    )


def test_a_much_changed_family_name_is_still_compared_through_a_relative(listed: Listed) -> None:
    def family(list_name: str, spelling: str) -> list[LinkRecord]:
        return [
            LinkRecord(
                f"{list_name}:{given}",
                list_name,
                PersonName(given, spelling),
                PartialDate(year),
                household_reference="H-1",
            )
            for given, year in (("Kifayatullah", 1990), ("Shahzada", 1962), ("Umaid", 2012))
        ]

    records = [*listed.records, *family("list-a", "Farahi"), *family("list-b", "Farrari")]
    linkage = link_records(records)
    person_of = linkage.person_of()
    assert person_of["list-a:Kifayatullah"] == person_of["list-b:Kifayatullah"]
    assert person_of["list-a:Umaid"] == person_of["list-b:Umaid"]
    assert person_of["list-a:Umaid"] != person_of["list-a:Kifayatullah"]


def test_training_on_a_sample_of_pairs_still_learns_the_model(
    monkeypatch: pytest.MonkeyPatch, listed: Listed
) -> None:
    conditions: list[str] = []
    sample = linkage_module._sample

    def recorded(*args: object) -> str:
        condition = sample(*args)  # type: ignore[arg-type]
        conditions.append(condition)
        return condition

    monkeypatch.setattr(linkage_module, "_TRAINING_PAIRS", 20)
    monkeypatch.setattr(linkage_module, "_sample", recorded)
    sampled = link_records(listed.records)
    assert any(condition.startswith("l.sample_bucket < ") for condition in conditions)
    assert score_clusters(sampled.persons, listed.person).f1 >= 0.95


@given(
    st.lists(st.text("bcdfghjklmnpqrstvwxz", min_size=1, max_size=6), max_size=8),
    st.lists(st.text("bcdfghjklmnpqrstvwxz", min_size=1, max_size=6), max_size=8),
    st.text("bcdfghjklmnpqrstvwxz", min_size=1, max_size=6),
)
def test_records_with_a_relative_in_common_always_share_a_bit(
    left: list[str], right: list[str], shared: str
) -> None:
    a = linkage_module._relative_bits([*left, shared])
    b = linkage_module._relative_bits([shared, *right])
    assert any(x & y for x, y in zip(a, b, strict=True) if x is not None and y is not None)


def test_no_relatives_have_no_bits() -> None:
    assert set(linkage_module._relative_bits(None)) == {None}
    assert set(linkage_module._relative_bits([])) == {None}


_LONG_QUERY = textwrap.dedent(
    """
    import sys
    from refuge.matching.linkage import _database

    with _database("duckdb", partitions=1) as database:
        print(sys.argv[1], flush=True)
        connection = database.api._con
        connection.execute("select count(*) from range(1000000000000) a")
    """
)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_a_signalled_run_stops_its_engine_and_removes_its_scratch(
    tmp_path: Path, signal_number: int
) -> None:
    environment = {**os.environ, "TMPDIR": str(tmp_path)}
    with subprocess.Popen(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", _LONG_QUERY, "started"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "started"
        (scratch,) = tmp_path.glob("refuge-match-*")
        process.send_signal(signal_number)
        # The query would run for hours; the signal ends it at once.
        assert process.wait(timeout=60) == 128 + signal_number
    assert not scratch.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_killed_runs_scratch_is_removed_by_the_next_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    abandoned = tmp_path / f"refuge-match-{dead.stdout.strip()}-x1"
    abandoned.mkdir()
    (abandoned / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    running = tmp_path / f"refuge-match-{os.getppid()}-x2"  # a process that is alive
    running.mkdir()
    with linkage_module._database("duckdb", partitions=1):
        pass
    assert not abandoned.exists()
    assert running.exists()
