"""Aggregated statistics for publication: counts of people by day, program, nationality and site,
with small counts suppressed and complementary cells suppressed too, written as HXL-tagged CSV.

A table has one or more row dimensions, one column dimension, a total column, and a total row.
Every count below the threshold (zeros included: absence is not told either) is shown as `<5`
(for the default threshold of 5). That alone is not enough: with the totals published, a lone
suppressed cell in a row is the total minus the rest. So further cells are suppressed, shown as
`x`, until no suppressed cell's value follows from the published ones, the totals, and what the
markers tell (a `<5` cell holds 0 to 4, an `x` cell 5 or more, a listed row or column at least
1). This is checked exactly, not by rule of thumb: a suppressed cell is safe when the published
table also fits a second table in which that cell differs, found as a cycle of suppressed cells
along which counts can move by one within their bounds.

What one table cannot know: two tables cut differently from the same people (by site, then by
program) can be laid side by side to recover what each hides. Publish one cut per population, or
check the cuts together.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from refuge.domain.errors import InvalidInput
from refuge.exchange.manifests import spreadsheet_safe

__all__ = [
    "DEFAULT_THRESHOLD",
    "Countable",
    "Dimension",
    "Movement",
    "Protection",
    "ProtectedTable",
    "protect_counts",
    "statistics_hxl",
]

DEFAULT_THRESHOLD = 5
_COMPLEMENTARY_MARK = "x"


class Dimension(enum.StrEnum):
    DAY = "day"
    PROGRAM = "program"
    NATIONALITY = "nationality"
    SITE = "site"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def hashtag(self) -> str:
        return _HASHTAGS[self]


_HASHTAGS = {
    Dimension.DAY: "#date",
    Dimension.PROGRAM: "#meta+program",
    Dimension.NATIONALITY: "#country+code",
    Dimension.SITE: "#loc+name",
}


class Countable(Protocol):
    """Anything with the four attributes statistics count by; nothing else of it is read."""

    @property
    def day(self) -> dt.date: ...

    @property
    def program(self) -> str: ...

    @property
    def nationality(self) -> str: ...

    @property
    def site(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Movement:
    """One person counted once: arrived, departed or registered on `day`."""

    day: dt.date
    program: str
    nationality: str
    site: str


class Protection(enum.Enum):
    PUBLISHED = "published"
    SMALL = "small"  # below the threshold
    COMPLEMENTARY = "complementary"  # suppressed so that a small one cannot be worked out


Cell = tuple[int, int]
_Vertex = tuple[str, int]  # ("r", row) or ("c", column) of the table, totals included


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    """Counts with their protection. Index len(row_keys) is the total row, len(column_keys) the
    total column."""

    row_dimensions: tuple[Dimension, ...]
    column_dimension: Dimension
    row_keys: tuple[tuple[str, ...], ...]
    column_keys: tuple[str, ...]
    counts: dict[Cell, int]
    protection: dict[Cell, Protection]
    threshold: int

    def shown(self, cell: Cell) -> str:
        """The cell as published: its count, `<threshold`, or `x`."""
        protection = self.protection[cell]
        if protection is Protection.SMALL:
            return f"<{self.threshold}"
        if protection is Protection.COMPLEMENTARY:
            return _COMPLEMENTARY_MARK
        return str(self.counts[cell])


def protect_counts(
    records: Iterable[Countable],
    *,
    rows: tuple[Dimension, ...] = (Dimension.DAY, Dimension.PROGRAM, Dimension.SITE),
    columns: Dimension = Dimension.NATIONALITY,
    threshold: int = DEFAULT_THRESHOLD,
) -> ProtectedTable:
    """Count `records` by `rows` and `columns` and suppress what would disclose small counts.

    Raises InvalidInput for a threshold below 3, and for a table whose shape alone gives a count
    away however much is suppressed (one site, two nationalities of one person each, threshold
    3: each listed nationality holds somebody, and the site fewer than 3).
    """
    if threshold < 3:
        # A listed row holds somebody, so "<2" on its total would say exactly one.
        raise InvalidInput("statistics threshold must be at least 3")
    if not rows or columns in rows or len(set(rows)) != len(rows):
        raise InvalidInput("statistics: row dimensions must be distinct and exclude the column one")
    tallies: dict[tuple[tuple[str, ...], str], int] = {}
    for record in records:
        key = (tuple(_value(record, d) for d in rows), _value(record, columns))
        tallies[key] = tallies.get(key, 0) + 1
    row_keys = tuple(sorted({r for r, _ in tallies}))
    column_keys = tuple(sorted({c for _, c in tallies}))
    row_index = {key: i for i, key in enumerate(row_keys)}
    column_index = {key: j for j, key in enumerate(column_keys)}
    total_row, total_column = len(row_keys), len(column_keys)
    counts = {(i, j): 0 for i in range(total_row + 1) for j in range(total_column + 1)}
    for (r, c), n in tallies.items():
        i, j = row_index[r], column_index[c]
        for cell in ((i, j), (i, total_column), (total_row, j), (total_row, total_column)):
            counts[cell] += n
    protection = {cell: Protection.PUBLISHED for cell in counts}
    if tallies:
        _Suppression(counts, protection, total_row, total_column, threshold).run()
    return ProtectedTable(rows, columns, row_keys, column_keys, counts, protection, threshold)


def statistics_hxl(
    records: Iterable[Countable],
    *,
    rows: tuple[Dimension, ...] = (Dimension.DAY, Dimension.PROGRAM, Dimension.SITE),
    columns: Dimension = Dimension.NATIONALITY,
    threshold: int = DEFAULT_THRESHOLD,
) -> bytes:
    """The protected table as UTF-8 CSV: a header row, an HXL hashtag row, one row per
    combination of the row dimensions, and a total row."""
    table = protect_counts(records, rows=rows, columns=columns, threshold=threshold)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [d.label for d in rows] + [spreadsheet_safe(key) for key in table.column_keys] + ["Total"]
    )
    writer.writerow(
        [d.hashtag for d in rows]
        + [f"#affected+num+{_attribute(columns, key)}" for key in table.column_keys]
        + ["#affected+num+total"]
    )
    width = len(table.column_keys) + 1
    for i, key in enumerate(table.row_keys):
        cells = [table.shown((i, j)) for j in range(width)]
        writer.writerow([spreadsheet_safe(part) for part in key] + cells)
    total = len(table.row_keys)
    writer.writerow(
        ["Total"] + [""] * (len(rows) - 1) + [table.shown((total, j)) for j in range(width)]
    )
    return buffer.getvalue().encode("utf-8")


def _value(record: Countable, dimension: Dimension) -> str:
    if dimension is Dimension.DAY:
        return record.day.isoformat()
    if dimension is Dimension.PROGRAM:
        return record.program
    if dimension is Dimension.NATIONALITY:
        return record.nationality
    return record.site


def _attribute(dimension: Dimension, key: str) -> str:
    """An HXL attribute naming one value of the column dimension: lower-case letters, digits, _."""
    slug = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
    return f"{dimension.value}_{slug}" if slug else dimension.value


class _Suppression:
    """Primary and complementary suppression of one table with its totals.

    Seen with signs, the table is a bipartite graph: a vertex per row and per column (totals
    included), an edge per cell, and each line's cells sum to zero once the total is counted
    negative. Changing suppressed cells by one in turn around a cycle keeps every sum, so a
    suppressed cell is hidden exactly when such a cycle through it exists whose cells can all
    move one step within their bounds: a path in the residual graph below.
    """

    def __init__(
        self,
        counts: dict[Cell, int],
        protection: dict[Cell, Protection],
        total_row: int,
        total_column: int,
        threshold: int,
    ) -> None:
        self.counts = counts
        self.protection = protection
        self.total_row = total_row
        self.total_column = total_column
        self.threshold = threshold
        self.suppressed: list[Cell] = []
        self.arcs: dict[_Vertex, list[tuple[_Vertex, Cell]]] = {}

    def run(self) -> None:
        for cell, count in self.counts.items():
            if count < self.threshold:
                self._add(cell, Protection.SMALL)
        checked = 0
        # Suppressing a cell only adds edges, so a cell once shown safe stays safe: each needs
        # checking until it is, and cells suppressed on the way join the end of the queue.
        while checked < len(self.suppressed):
            cell = self.suppressed[checked]
            while not self._hidden(cell):
                self._suppress_beside(cell)
            checked += 1

    def _bounds(self, cell: Cell) -> tuple[int, float]:
        i, j = cell
        is_total = i == self.total_row or j == self.total_column
        low = 1 if is_total else 0  # a listed row or column holds somebody
        if self.protection[cell] is Protection.SMALL:
            return low, self.threshold - 1
        return max(low, self.threshold), float("inf")

    def _sign(self, cell: Cell) -> int:
        i, j = cell
        return (-1 if i == self.total_row else 1) * (-1 if j == self.total_column else 1)

    def _can_move(self, cell: Cell, step: int) -> bool:
        """Whether the cell's signed value can move by `step` (+1 or -1) within its bounds."""
        low, high = self._bounds(cell)
        value = self.counts[cell] + step * self._sign(cell)
        return low <= value <= high

    def _hidden(self, cell: Cell) -> bool:
        row, column = ("r", cell[0]), ("c", cell[1])
        up = self._can_move(cell, 1) and self._path(column, row, cell)
        return up or (self._can_move(cell, -1) and self._path(row, column, cell))

    def _path(self, start: _Vertex, goal: _Vertex, without: Cell) -> bool:
        """A path in the residual graph: row to column along a cell that can go up, column to
        row along one that can go down, never using `without`."""
        seen = {start}
        stack = [start]
        # Depth first: in the dense graphs of real tables a path back is usually a few steps away
        # along the first branch, where breadth first would list whole rows and columns first.
        while stack:
            for following, cell in self.arcs.get(stack.pop(), ()):
                if cell == without or following in seen:
                    continue
                if following == goal:
                    return True
                seen.add(following)
                stack.append(following)
        return False

    def _add(self, cell: Cell, protection: Protection) -> None:
        self.protection[cell] = protection
        self.suppressed.append(cell)
        row, column = ("r", cell[0]), ("c", cell[1])
        if self._can_move(cell, 1):
            self.arcs.setdefault(row, []).append((column, cell))
        if self._can_move(cell, -1):
            self.arcs.setdefault(column, []).append((row, cell))

    def _suppress_beside(self, cell: Cell) -> None:
        """Suppress the smallest published cell in the same row or column (or, failing that,
        anywhere), preferring inner cells to totals."""
        i, j = cell
        published = [c for c, p in self.protection.items() if p is Protection.PUBLISHED]
        beside = [c for c in published if c[0] == i or c[1] == j] or published
        if not beside:
            raise InvalidInput(
                "statistics: this table is too small to publish without disclosing a count"
            )

        def cost(c: Cell) -> tuple[int, bool, Cell]:
            return self.counts[c], c[0] == self.total_row or c[1] == self.total_column, c

        self._add(min(beside, key=cost), Protection.COMPLEMENTARY)
