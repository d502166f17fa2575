"""The `operation` fixture: the service over a small operation on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from refuge.protect import KeyEncryptionKey

from .support import Operation, build_operation


@pytest.fixture
def operation(engine: Engine, kek: KeyEncryptionKey, tmp_path: Path) -> Iterator[Operation]:
    op = build_operation(engine, kek, tmp_path)
    yield op
    op.close()
