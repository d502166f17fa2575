"""Re-import keys rest on the JSON text of a record's values: the text must never change, or
every record of a re-imported list would look changed."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from refuge.intake import json_text

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(st.characters(), max_size=20)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)


@given(VALUES)
def test_the_json_text_of_any_values_is_what_json_dumps_writes(value: object) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False)
