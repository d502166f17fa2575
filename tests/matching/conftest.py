"""The operation the linkage tests share, generated and read once for the session."""

from __future__ import annotations

import pytest

from .listed import Listed, read_scenario


@pytest.fixture(scope="session")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Listed:
    return read_scenario(tmp_path_factory.mktemp("matching") / "lists", 800, seed=11)
