"""The gate service tests' fixture: a flight with manifested households, on SQLite and
PostgreSQL (through the shared `uow_factory`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from refuge.store import SqlUnitOfWork

from .building import Boarding, build


@pytest.fixture
def boarding(uow_factory: Callable[[], SqlUnitOfWork]) -> Boarding:
    return build(uow_factory, {"RCH101": 2, "RCH202": 1})
