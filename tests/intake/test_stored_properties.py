"""For any list, every row read is stored as exactly one record or one quarantined row, on SQLite
and PostgreSQL, whatever was imported before."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.cases.services import add_organisation
from refuge.domain import Organisation, OrganisationKind
from refuge.intake import import_list, list_quarantine
from refuge.store import SqlUnitOfWork

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
ORG = "kabul-ngo"
HEADER = ["ID", "Given name", "Family name", "Date of birth", "Sex", "Tazkira", "Phone"]

cells = {
    "ID": st.sampled_from(["", "K-1", "K-2", "K-3", "K-1 "]),
    "Given name": st.sampled_from(["", "Ahmad", "مریم", "Jawid", "  ", "Farid"]),
    "Family name": st.sampled_from(["", "Karimi", "احمدی", "Noorzai"]),
    "Date of birth": st.sampled_from(["", "1985", "12/05/1985", "31/02/1985", "1364/05/12", "x"]),
    "Sex": st.sampled_from(["", "M", "F", "زن", "?"]),
    "Tazkira": st.sampled_from(["", "1400-0101-12345", "12", "1398 1912 12560"]),
    "Phone": st.sampled_from(["", "0700 123 456", "+93 799 123 456", "12", "0799123456"]),
}
rows = st.lists(st.fixed_dictionaries(cells), min_size=1, max_size=12)
_files = itertools.count()


def as_csv(records: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(listed=rows, list_name=st.sampled_from(["staff", "families"]))
def test_every_row_read_is_stored_once_as_a_record_or_a_quarantined_row(
    uow_factory: Callable[[], SqlUnitOfWork],
    tmp_path: Path,
    listed: list[dict[str, str]],
    list_name: str,
) -> None:
    with uow_factory() as uow:
        known = [o.code for o in uow.organisations.list()]
    if ORG not in known:
        add_organisation(
            uow_factory(), Organisation(ORG, "Kabul NGO", OrganisationKind.NGO), actor="t", now=NOW
        )
    path = tmp_path / f"list-{next(_files)}.csv"
    path.write_bytes(as_csv(listed))

    outcome = import_list(
        uow_factory(), path, organisation=ORG, actor="t", now=NOW, list_name=list_name
    )

    if outcome.already:  # the same bytes as an earlier example: nothing may have been added
        assert outcome.report is None
        return
    report = outcome.report
    assert report is not None
    accepted = outcome.new + outcome.changed + outcome.unchanged + outcome.reapplied
    assert report.read == accepted + outcome.quarantined
    assert (report.accepted, report.rejected) == (accepted, outcome.quarantined)
    with uow_factory() as uow:
        stored = [
            s
            for s in uow.intake.records(ORG)
            if s.record.provenance.content_hash == outcome.file.content_hash
        ]
    assert len(stored) == accepted
    quarantined = [e for e in list_quarantine(uow_factory(), ORG) if e.file_id == outcome.file.id]
    assert len(quarantined) == outcome.quarantined
