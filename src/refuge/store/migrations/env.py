"""Alembic's entry point for Refuge: runs migrations on the connection `refuge.store.migrate`
hands over (there is no alembic.ini; the database URL comes from Refuge's settings)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from refuge.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations through refuge.store.migrate(engine) or `refuge init`")
    _run(connection)


_main()
