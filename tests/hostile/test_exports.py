"""Formula injection: whatever text a list brought in (names, document numbers), a manifest
exported as CSV or XLSX holds it as text a spreadsheet shows, never as a formula it runs."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from tests.exchange.builders import flight, passenger

from refuge.exchange import manifest_csv, manifest_xlsx

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT = st.one_of(
    st.text(max_size=20),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from([*FORMULA_STARTS, " =", "'=", '"="', "\n="]),
        st.sampled_from(["1+1", 'HYPERLINK("http://x")', "cmd|' /C calc'!A0", "SUM(A1:A9)", ""]),
    ),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def shown(original: str, cell: str) -> None:
    """A cell holds the text, with an apostrophe in front exactly when it would start a formula."""
    if original.startswith(FORMULA_STARTS):
        assert cell == "'" + original
    else:
        assert cell == original
        assert not cell.startswith(FORMULA_STARTS)


@FUZZ
@given(given_names=TEXT, family_name=TEXT)
def test_no_text_in_a_csv_manifest_is_read_as_a_formula(given_names: str, family_name: str) -> None:
    text = manifest_csv([passenger(given_names, family_name)]).decode("utf-8")
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))

    shown(given_names, row["given_names"])
    shown(family_name, row["family_name"])


@FUZZ
@given(given_names=TEXT.filter(lambda t: "\r" not in t and t.isprintable() or t == ""))
def test_no_text_in_an_xlsx_manifest_is_a_formula_cell(given_names: str) -> None:
    sheet = load_workbook(io.BytesIO(manifest_xlsx(flight(), [passenger(given_names)]))).active

    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    header = [cell.value for cell in sheet[1]]
    value = sheet.cell(2, header.index("given_names") + 1).value
    shown(given_names, value if value is not None else "")
