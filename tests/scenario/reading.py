"""Reading a written scenario back, the way an importer without Refuge would."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def manifest(out_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((out_dir / "scenario.json").read_text(encoding="utf-8"))
    return loaded


def read_rows(out_dir: Path, entry: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of one list file, as the manifest describes it."""
    path = out_dir / entry["file"]
    if entry["format"] == "csv":
        with path.open(encoding=entry["encoding"], newline="") as handle:
            rows = list(csv.reader(handle, delimiter=entry["delimiter"]))
    else:
        book = load_workbook(path, read_only=True)
        rows = [list(row) for row in book.active.iter_rows(values_only=True)]
        book.close()
    header = [str(cell) for cell in rows[entry["header_row"] - 1]]
    return header, rows[entry["first_data_row"] - 1 :]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
