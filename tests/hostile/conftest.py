"""Builders of list files in the shapes organisations send, written into tmp_path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

TODAY = dt.date(2026, 11, 25)

Rows = Sequence[Sequence[object]]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: Rows, *, name: str = "list.csv", delimiter: str = ",", encoding: str = "utf-8"
    ) -> Path:
        lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
        path = tmp_path / name
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def write(sheets: dict[str, Rows], *, name: str = "list.xlsx") -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
        path = tmp_path / name
        book.save(path)
        return path

    return write
