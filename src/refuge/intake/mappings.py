"""Column mappings kept beside an import, and corrections of rejected rows checked against them.

A rejected row is checked again, after correction, with the very mapping its sheet was read
with: the mapping is stored as plain data (header texts, column indices, reading options; no
value from the list) and rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from refuge.domain.errors import InvalidConfiguration, InvalidInput
from refuge.intake.dates import DateOrder
from refuge.intake.fields import IntakeField
from refuge.intake.names import NameOrder
from refuge.intake.profiles import ColumnMapping
from refuge.intake.records import Provenance
from refuge.intake.sources import Column, Header, SourceRow

__all__ = ["corrected_row", "mapping_from_data", "mapping_to_data"]


def mapping_to_data(mapping: ColumnMapping) -> dict[str, Any]:
    """The mapping as JSON-ready data."""
    header = mapping.header
    return {
        "sheet": header.sheet,
        "header_row": header.row,
        "tag_row": header.tag_row,
        "columns": [[c.index, c.name, c.tag] for c in header.columns],
        "fields": {target.value: list(indices) for target, indices in mapping.columns.items()},
        "profile": mapping.profile,
        "date_order": mapping.date_order.value if mapping.date_order else None,
        "phone_region": mapping.phone_region,
        "phone_fallback_regions": list(mapping.phone_fallback_regions),
        "name_order": mapping.name_order.value,
        "sex_words": dict(mapping.sex_words),
        "relationship_words": dict(mapping.relationship_words),
    }


def mapping_from_data(data: Mapping[str, Any], file: str) -> ColumnMapping:
    """The mapping `mapping_to_data` wrote, for the sheet of `file` it was made for."""
    try:
        header = Header(
            file,
            data["sheet"],
            int(data["header_row"]),
            tuple(Column(int(i), str(name), tag) for i, name, tag in data["columns"]),
            data["tag_row"],
        )
        date_order = data["date_order"]
        return ColumnMapping(
            header,
            {IntakeField(k): tuple(int(i) for i in v) for k, v in data["fields"].items()},
            profile=data["profile"],
            date_order=DateOrder(date_order) if date_order else None,
            phone_region=str(data["phone_region"]),
            phone_fallback_regions=tuple(data["phone_fallback_regions"]),
            name_order=NameOrder(data["name_order"]),
            sex_words=dict(data["sex_words"]),
            relationship_words=dict(data["relationship_words"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidConfiguration(f"file {file}: the stored column mapping is damaged") from exc


def corrected_row(
    provenance: Provenance,
    values: tuple[tuple[str, str], ...],
    mapping: ColumnMapping,
    corrections: Mapping[IntakeField, str],
) -> tuple[SourceRow, ColumnMapping]:
    """The row as it was, with each corrected field's value put in its column (the first one
    mapped to it; the others of a multi-column field emptied), or in a column of its own when
    the sheet had none for it. An empty correction clears the field."""
    cells: list[str] = [text for _, text in values]
    columns = list(mapping.header.columns)
    fields = {target: tuple(indices) for target, indices in mapping.columns.items()}
    for target, value in corrections.items():
        indices = fields.get(target)
        if not indices:
            index = max(len(cells), len(columns))
            while len(columns) < index:
                columns.append(Column(len(columns), ""))
            columns.append(Column(index, target.value))
            cells += [""] * (index + 1 - len(cells))
            fields[target] = (index,)
            indices = (index,)
        while len(cells) <= max(indices):
            cells.append("")
        cells[indices[0]] = value
        for other in indices[1:]:
            cells[other] = ""
    if not fields:
        raise InvalidInput(f"{provenance.where()}: no column of its sheet maps to a field")
    header = Header(
        mapping.header.file,
        mapping.header.sheet,
        mapping.header.row,
        tuple(columns),
        mapping.header.tag_row,
    )
    rebuilt = ColumnMapping(
        header,
        fields,
        profile=mapping.profile,
        date_order=mapping.date_order,
        phone_region=mapping.phone_region,
        phone_fallback_regions=mapping.phone_fallback_regions,
        name_order=mapping.name_order,
        sex_words=mapping.sex_words,
        relationship_words=mapping.relationship_words,
    )
    row = SourceRow(
        provenance.file,
        provenance.content_hash,
        provenance.sheet,
        provenance.row,
        header,
        tuple(cells),
    )
    return row, rebuilt
