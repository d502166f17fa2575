"""Published statistics: counts by day, program, nationality and site as HXL-tagged CSV, with no
personal data, small counts shown as "<5", and enough further cells suppressed that no hidden
count can be worked out from the totals, checked by enumerating every table that fits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass, replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refuge.domain import InvalidInput
from refuge.exchange import (
    Dimension,
    Movement,
    ProtectedTable,
    Protection,
    protect_counts,
    statistics_hxl,
)

DAY = dt.date(2021, 8, 20)


@dataclass(frozen=True)
class Arrival:
    """A record as the reception desk holds it: personal fields beside the counted ones."""

    day: dt.date
    program: str
    nationality: str
    site: str
    given_name: str
    family_name: str
    document_number: str
    phone: str


def records(counts: dict[tuple[str, str], int]) -> list[Movement]:
    """`counts[(site, nationality)]` people arriving on DAY under program siv."""
    return [
        Movement(DAY, "siv", nationality, site)
        for (site, nationality), n in counts.items()
        for _ in range(n)
    ]


def by_site(counts: dict[tuple[str, str], int], threshold: int = 5) -> ProtectedTable:
    return protect_counts(
        records(counts), rows=(Dimension.SITE,), columns=Dimension.NATIONALITY, threshold=threshold
    )


def read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_no_personal_field_ever_reaches_the_output() -> None:
    names = ["Zahra", "Ahmadi", "Farid", "Rahimi", "Nadia", "Karimi"]
    people = [
        Arrival(
            DAY + dt.timedelta(days=i % 3),
            ["siv", "p2"][i % 2],
            ["AFG", "AFG", "USA"][i % 3],
            ["Doha", "Ramstein"][i // 2 % 2],
            names[i % 6],
            names[(i + 1) % 6] + "zai",
            f"P{9000000 + i}",
            f"+9370{1000000 + i}",
        )
        for i in range(120)
    ]

    text = statistics_hxl(people).decode("utf-8")

    for person in people:
        for secret in (person.given_name, person.family_name, person.document_number, person.phone):
            assert secret not in text
    assert (
        text.count("\r\n") == 2 + 12 + 1
    )  # header, hashtags, 3 days x 2 programs x 2 sites, total


def test_the_output_is_hxl_tagged_with_a_header_and_a_hashtag_row() -> None:
    counts = {("Doha", "AFG"): 40, ("Doha", "USA"): 12, ("Ramstein", "AFG"): 30}
    rows = read(
        statistics_hxl(
            records(counts),
            rows=(Dimension.DAY, Dimension.PROGRAM, Dimension.SITE),
            columns=Dimension.NATIONALITY,
        )
    )

    assert rows[0] == ["Day", "Program", "Site", "AFG", "USA", "Total"]
    assert rows[1] == [
        "#date",
        "#meta+program",
        "#loc+name",
        "#affected+num+nationality_afg",
        "#affected+num+nationality_usa",
        "#affected+num+total",
    ]
    assert rows[2][:3] == ["2021-08-20", "siv", "Doha"]
    assert rows[-1][0] == "Total"


def test_large_counts_and_their_totals_are_published_as_they_are() -> None:
    counts = {
        ("Doha", "AFG"): 40,
        ("Doha", "USA"): 12,
        ("Ramstein", "AFG"): 30,
        ("Ramstein", "USA"): 9,
    }
    rows = read(statistics_hxl(records(counts), rows=(Dimension.SITE,)))

    assert rows[2:] == [
        ["Doha", "40", "12", "52"],
        ["Ramstein", "30", "9", "39"],
        ["Total", "70", "21", "91"],
    ]


def test_a_small_count_is_shown_as_below_the_threshold_and_cannot_be_subtracted_out() -> None:
    counts = {
        ("Doha", "AFG"): 40,
        ("Doha", "USA"): 3,
        ("Ramstein", "AFG"): 30,
        ("Ramstein", "USA"): 9,
    }
    rows = read(statistics_hxl(records(counts), rows=(Dimension.SITE,)))

    doha, ramstein, total = rows[2], rows[3], rows[4]
    assert doha[2] == "<5"
    # Its row and its column each hide a second cell, or 3 = 43 - 40 and 3 = 12 - 9.
    assert sum(c in ("<5", "x") for c in doha[1:]) >= 2
    assert sum(c in ("<5", "x") for c in (doha[2], ramstein[2], total[2])) >= 2
    assert "3" not in [c for row in rows[2:] for c in row[1:]]


def test_the_threshold_can_be_raised_or_lowered() -> None:
    counts = {
        ("Doha", "AFG"): 40,
        ("Doha", "USA"): 8,
        ("Ramstein", "AFG"): 30,
        ("Ramstein", "USA"): 9,
    }

    assert by_site(counts, threshold=10).shown((0, 1)) == "<10"
    assert by_site(counts, threshold=5).shown((0, 1)) == "8"
    assert by_site(counts, threshold=3).shown((0, 1)) == "8"
    for useless in (0, 1, 2):
        with pytest.raises(InvalidInput):
            by_site(counts, threshold=useless)


def test_a_table_whose_very_shape_discloses_a_count_is_refused() -> None:
    # One person of each of two nationalities at one site, threshold 3: each listed column holds
    # somebody and the site fewer than 3, so each column holds exactly one, whatever is hidden.
    with pytest.raises(InvalidInput, match="too small"):
        by_site({("Doha", "AFG"): 1, ("Doha", "USA"): 1}, threshold=3)


def test_a_single_person_is_hidden_everywhere() -> None:
    table = by_site({("Doha", "AFG"): 1})

    assert {table.shown(cell) for cell in table.counts} == {"<5"}
    assert_nothing_recoverable(table)


def test_zero_is_a_small_count_too() -> None:
    counts = {("Doha", "AFG"): 40, ("Ramstein", "AFG"): 30, ("Ramstein", "USA"): 9}

    table = by_site(counts)

    assert table.counts[(0, 1)] == 0
    assert table.shown((0, 1)) == "<5"


def test_labels_that_look_like_formulas_are_neutralised() -> None:
    people = [Movement(DAY, "=cmd|' /C calc'!A0", "AFG", "@SUM(A1)") for _ in range(6)]

    rows = read(statistics_hxl(people, rows=(Dimension.PROGRAM, Dimension.SITE)))

    assert rows[2][:2] == ["'=cmd|' /C calc'!A0", "'@SUM(A1)"]


def test_row_and_column_dimensions_must_differ() -> None:
    with pytest.raises(InvalidInput):
        protect_counts([], rows=(Dimension.SITE,), columns=Dimension.SITE)


def test_nothing_to_count_gives_a_zero_total() -> None:
    assert read(statistics_hxl([], rows=(Dimension.SITE,)))[2:] == [["Total", "0"]]


# An independent check of the whole promise: go through every table that agrees with what was
# published (values, "<5" meaning 0 to 4, "x" meaning 5 or more, listed rows and columns
# holding at least one person) and see that each hidden cell takes more than one value.


def can_differ(table: ProtectedTable, target: tuple[int, int]) -> bool:
    """Whether some table that fits what was published has another value at `target`."""
    rows, columns = len(table.row_keys), len(table.column_keys)
    # Inner cells one step beyond the truth are all a cycle of moves needs.
    limit = max(v for (i, j), v in table.counts.items() if i < rows and j < columns) + 1
    t = table.threshold
    truth = table.counts

    def allowed(cell: tuple[int, int], value: int) -> bool:
        if cell == target and value == truth[cell]:
            return False
        total = cell[0] == rows or cell[1] == columns
        if total and value < 1:
            return False
        protection = table.protection[cell]
        if protection is Protection.PUBLISHED:
            return value == truth[cell]
        if protection is Protection.SMALL:
            return value < t
        return value >= t

    def most(j: int) -> int:
        protection = table.protection[(rows, j)]
        if protection is Protection.PUBLISHED:
            return truth[(rows, j)]
        return t - 1 if protection is Protection.SMALL else limit * rows

    def distance(i: int, values: tuple[int, ...]) -> int:
        return sum(abs(v - truth[(i, j)]) for j, v in enumerate(values))

    # Rows nearest the truth first: a table differing by one around a cycle is found at once.
    options = [
        sorted(
            (
                values
                for values in itertools.product(
                    *([v for v in range(limit + 1) if allowed((i, j), v)] for j in range(columns))
                )
                if allowed((i, columns), sum(values))
            ),
            key=lambda values, i=i: distance(i, values),
        )
        for i in range(rows)
    ]

    def extend(i: int, sums: list[int]) -> bool:
        if i == rows:
            return all(allowed((rows, j), s) for j, s in enumerate(sums)) and allowed(
                (rows, columns), sum(sums)
            )
        for values in options[i]:
            following = [s + v for s, v in zip(sums, values, strict=True)]
            if all(s <= most(j) for j, s in enumerate(following)) and extend(i + 1, following):
                return True
        return False

    return extend(0, [0] * columns)


def assert_nothing_recoverable(table: ProtectedTable) -> None:
    for cell, protection in table.protection.items():
        if protection is Protection.PUBLISHED:
            assert table.counts[cell] >= table.threshold
        else:
            assert can_differ(table, cell), f"cell {cell} can be worked out"


def test_the_check_itself_sees_through_primary_suppression_alone() -> None:
    table = by_site({("A", "AFG"): 3, ("A", "USA"): 10, ("B", "AFG"): 10, ("B", "USA"): 10})
    only_small = {
        cell: Protection.SMALL if count < 5 else Protection.PUBLISHED
        for cell, count in table.counts.items()
    }

    assert not can_differ(replace(table, protection=only_small), (0, 0))  # 13 - 10


def test_the_classic_lone_small_cell_is_protected() -> None:
    table = by_site({("A", "AFG"): 3, ("A", "USA"): 10, ("B", "AFG"): 10, ("B", "USA"): 10})

    assert table.protection[(0, 0)] is Protection.SMALL
    assert Protection.COMPLEMENTARY in table.protection.values()
    assert_nothing_recoverable(table)


def test_a_small_row_total_is_protected_as_well() -> None:
    table = by_site({("A", "AFG"): 1, ("A", "USA"): 2, ("B", "AFG"): 12, ("B", "USA"): 20})

    assert table.protection[(0, 2)] is Protection.SMALL
    assert_nothing_recoverable(table)


@settings(max_examples=60, deadline=None)
@given(
    shape=st.sampled_from([(1, 2), (2, 1), (2, 2), (2, 3), (3, 2), (1, 3), (3, 1), (3, 3)]),
    data=st.data(),
)
def test_no_suppressed_cell_can_be_worked_out_from_any_table(
    shape: tuple[int, int], data: st.DataObject
) -> None:
    rows, columns = shape
    values = data.draw(
        st.lists(
            st.one_of(st.integers(0, 4), st.integers(5, 9)),
            min_size=rows * columns,
            max_size=rows * columns,
        )
    )
    assume(sum(values) > 0)  # an empty table hides nothing; tested above
    counts = {
        (f"site{i}", f"N{j}"): values[i * columns + j] for i in range(rows) for j in range(columns)
    }

    threshold = data.draw(st.sampled_from([3, 5]))

    try:
        table = by_site(counts, threshold=threshold)
    except InvalidInput:
        # Refused: then even hiding every cell must leave one that can be worked out.
        shape_only = by_site(counts, threshold=1000)
        everything = {
            cell: Protection.SMALL if n < threshold else Protection.COMPLEMENTARY
            for cell, n in shape_only.counts.items()
        }
        hidden = replace(shape_only, protection=everything, threshold=threshold)
        assert not all(can_differ(hidden, cell) for cell in hidden.counts)
    else:
        assert_nothing_recoverable(table)
