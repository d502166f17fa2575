"""`refuge match` and `refuge review` as a case officer uses them: counts after matching, the
queue with probabilities and field verdicts, and confirm / reject / undo by pair id, with no
personal data printed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refuge.bootstrap import initialise
from refuge.cases.services import add_organisation
from refuge.cli import app
from refuge.config import Settings
from refuge.domain import Conflict, Organisation, OrganisationKind
from refuge.intake import IntakeRecord, import_list, read_list
from refuge.scenario import generate, write_scenario

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
BAND = ("--threshold", "0.999", "--review-from", "0.001")
PAIR_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def refuge(*args: str, data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, list(args), env={"REFUGE_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A data folder with a 400-person scenario's lists imported, and their names."""
    root = tmp_path_factory.mktemp("match-cli")
    files = write_scenario(generate(400, seed=5), root / "lists")
    folder = root / "data"
    _, wired = initialise(Settings(data_dir=folder, database_url=None, key_file=None))
    names: set[str] = set()
    try:
        for path in files.lists:
            add_organisation(
                wired.uow(),
                Organisation(path.stem, path.stem, OrganisationKind.NGO),
                actor="test",
                now=NOW,
            )
            import_list(
                wired.uow(), path, organisation=path.stem, actor="test", now=NOW, today=NOW.date()
            )
            for result in read_list(path, organisation=path.stem, today=NOW.date()):
                if isinstance(result, IntakeRecord):
                    names.update(
                        n
                        for n in (result.name.given_romanised, result.name.family_romanised)
                        if n and len(n) >= 5
                    )
    finally:
        wired.close()
    return folder, names


def test_match_then_review_by_pair_id_prints_counts_and_field_names_only(
    imported: tuple[Path, set[str]],
) -> None:
    data_dir, names = imported

    # A small operation has few uncertain pairs: the band is widened to have some to decide.
    code, out = refuge("match", *BAND, data_dir=data_dir)
    assert code == 0, out
    for label in ("records", "persons", "households", "links", "review pairs"):
        assert label in out
    review = int(re.search(r"review pairs\s*│?\s*(\d+)", out).group(1))  # type: ignore[union-attr]
    assert review > 2

    code, listing = refuge("review", "list", data_dir=data_dir)
    assert code == 0, listing
    pairs = PAIR_ID.findall(listing)
    assert len(pairs) == review
    assert re.search(r"0\.\d\d\d", listing)
    printed = out + listing
    assert [n for n in names if n in printed] == []

    code, said = refuge("review", "confirm", pairs[0], data_dir=data_dir)
    assert code == 0, said
    assert f"review pair {pairs[0]} confirmed" in said
    code, said = refuge("review", "reject", pairs[1], data_dir=data_dir)
    assert code == 0, said
    assert "rejected" in said
    code, listing = refuge("review", "list", data_dir=data_dir)
    assert pairs[0] not in listing
    assert pairs[1] not in listing

    code, said = refuge("review", "undo", pairs[0], data_dir=data_dir)
    assert code == 0, said
    assert "reopened" in said
    code, listing = refuge("review", "list", data_dir=data_dir)
    assert pairs[0] in listing

    # Deciding a decided pair is refused (`main` prints it as one line); a bad id is a usage error.
    with pytest.raises(Conflict, match="undo it first"):
        refuge("review", "reject", pairs[1], data_dir=data_dir)
    code, _ = refuge("review", "confirm", "not-an-id", data_dir=data_dir)
    assert code == 2

    code, again = refuge("match", *BAND, data_dir=data_dir)
    assert code == 0, again
    assert re.search(r"decisions kept\s*│?\s*1\b", again)
