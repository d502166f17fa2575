"""`refuge site`, `refuge arrive` and `refuge depart` as a coordinator and a reception officer use
them: a site, a flight expected and received, a warning before it fills, departures, occupancy,
a land-border list; counts and codes on the terminal, no personal data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.gate.building import build
from typer.testing import CliRunner, Result

from refuge.bootstrap import initialise
from refuge.cli import app
from refuge.config import Settings
from refuge.domain import InvalidInput, NotFound, Organisation, OrganisationKind
from refuge.gate import board, check_in


def refuge(*args: str, data_dir: Path) -> Result:
    return CliRunner().invoke(app, list(args), env={"REFUGE_DATA_DIR": str(data_dir)})


def test_a_flight_expected_received_and_moved_on_from_the_command_line(tmp_path: Path) -> None:
    _, wired = initialise(Settings(data_dir=tmp_path, database_url=None, key_file=None))
    now = dt.datetime.now(dt.UTC)
    try:
        boarding = build(wired.uow, {"RCH404": 2}, now=now - dt.timedelta(hours=6))
        with wired.uow() as uow:
            entries = uow.manifests.for_flight(boarding.flights["RCH404"].id)
        for entry in entries:
            for step in (check_in, board):
                step(wired.uow(), entry.id, flight_code="RCH404", gate_agent="g", now=now)
    finally:
        wired.close()
    numbers = list(boarding.households)

    added = refuge(
        "site", "add", "doha-1", "--name", "Hangar 1", "--capacity", "5", "--warn-at", "80",
        data_dir=tmp_path,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    expected = refuge("site", "expect", "doha-1", "--flight", "RCH404", data_dir=tmp_path)
    assert "inbound: flight RCH404 with 4 people" in expected.stdout
    assert "WARNING site doha-1: 0 present + 4 inbound on RCH404" in expected.stderr

    arrived = refuge("arrive", "flight", "RCH404", "--site", "doha-1", data_dir=tmp_path)
    assert arrived.exit_code == 0, arrived.output
    assert "site doha-1: 4 arrived" in arrived.stdout
    assert "2 case(s) moved to arrived" in arrived.stdout
    assert "WARNING site doha-1: 4 present = 4 of capacity 5 (80%)" in arrived.stderr

    gone = refuge("depart", "doha-1", "--case", numbers[0], "--to", "ramstein", data_dir=tmp_path)
    assert gone.stdout.strip() == "site doha-1: 2 departed to ramstein; 2 present"
    again = refuge("arrive", "case", numbers[1], "--site", "doha-1", data_dir=tmp_path)
    assert "0 arrived" in again.stdout
    assert "2 had arrived already" in again.stdout

    shown = refuge("site", "show", "doha-1", data_dir=tmp_path)
    assert "present 2" in shown.stdout
    assert shown.stderr == ""
    start = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:00")
    series = refuge("site", "occupancy", "doha-1", "--from", start, data_dir=tmp_path)
    assert series.exit_code == 0, series.output
    at = refuge(
        "site", "occupancy", "doha-1", "--at", (now + dt.timedelta(minutes=1)).isoformat(),
        data_dir=tmp_path,
    )  # fmt: skip
    assert "site doha-1: 2 present at" in at.stdout
    bad = refuge("site", "occupancy", "doha-1", "--at", "yesterday", data_dir=tmp_path)
    assert isinstance(bad.exception, InvalidInput)  # main() prints it as one line
    assert "--at: not an ISO 8601" in str(bad.exception)

    everything = "".join(
        r.output for r in (added, expected, arrived, gone, again, shown, series, at)
    )
    for household in boarding.households.values():
        for member in household.members:
            assert member.person.name.family not in everything
            assert member.person.documents[0].number not in everything


def test_a_land_border_list_is_received_at_its_reception_point(tmp_path: Path) -> None:
    _, wired = initialise(Settings(data_dir=tmp_path, database_url=None, key_file=None))
    try:
        with wired.uow() as uow:
            uow.organisations.add(Organisation("reception", "Reception", OrganisationKind.NGO))
            uow.commit()
    finally:
        wired.close()
    added = refuge(
        "site", "add", "torkham", "--name", "Torkham", "--capacity", "1000", "--kind",
        "land_border", "--org", "reception", "--point", "gate-1", data_dir=tmp_path,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = tmp_path / "arrivals.csv"
    listed.write_text(
        "Given name,Family name,Date of birth,Sex\r\nSynthgul,Testkhel,1985,M\r\n"
        "Synthbibi,Testkhel,1990,F\r\n",
        encoding="utf-8",
    )

    received = refuge("arrive", "land-border", str(listed), "--site", "torkham", data_dir=tmp_path)

    assert received.exit_code == 0, received.output
    assert "records: 2 new" in received.stdout
    assert "site torkham: 2 arrived" in received.stdout
    assert "Testkhel" not in received.output
    batch = received.stdout.split("(batch ")[1].split(")")[0]
    gone = refuge("depart", "torkham", "--batch", batch, data_dir=tmp_path)
    assert gone.stdout.strip() == "site torkham: 2 departed; 0 present"
    wrong = refuge("arrive", "flight", "RCH1", "--site", "torkham", data_dir=tmp_path)
    assert isinstance(wrong.exception, NotFound)  # no flight RCH1
