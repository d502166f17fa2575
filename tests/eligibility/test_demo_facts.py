"""The demo operation's cases carry screening facts, so `refuge screen` on a demo has every
outcome to show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from refuge.bootstrap import initialise
from refuge.config import Settings
from refuge.demo import load_scenario
from refuge.eligibility import Outcome, screen_and_record, shipped_programs
from refuge.scenario import generate

NOW = dt.datetime(2021, 8, 20, 9, 0, tzinfo=dt.UTC)


def test_a_loaded_scenario_with_facts_screens_to_every_outcome(tmp_path: Path) -> None:
    _created, app = initialise(Settings(data_dir=tmp_path))
    try:
        loaded = load_scenario(app, generate(400, 5), now=NOW, with_facts=True)
        report = screen_and_record(app.uow(), actor="t", now=NOW, programs=shipped_programs())
    finally:
        app.close()

    assert report.screened == loaded
    assert report.without_program == ()
    assert set(report.counts) == set(Outcome)
