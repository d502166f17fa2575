"""Shared scenarios for the generator's tests. The names-dataset extraction is cached in the
default cache directory, so the full dataset is loaded at most once, on a machine's first run."""

from __future__ import annotations

from pathlib import Path

import pytest

from refuge.scenario import Scenario, ScenarioFiles, generate, load_name_book, write_scenario
from refuge.scenario.names import NameBook


@pytest.fixture(scope="session")
def name_book() -> NameBook:
    return load_name_book()


@pytest.fixture(scope="session")
def scenario(name_book: NameBook) -> Scenario:
    return generate(5000, seed=11)


@pytest.fixture(scope="session")
def written(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    return write_scenario(scenario, tmp_path_factory.mktemp("scenario") / "out")


@pytest.fixture(scope="session")
def out_dir(written: ScenarioFiles) -> Path:
    return written.out_dir
