"""Migration 0004_eligibility builds the eligibility tables from nothing exactly as the models
describe them, and takes them away again, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from refuge.store import SqlUnitOfWork, make_engine, migrate
from refuge.store.database import MIGRATIONS
from refuge.store.models import Base

TABLES = {"case_facts", "case_decisions", "quotas"}
assert SqlUnitOfWork  # importing the store registers the eligibility models on Base


def test_the_eligibility_tables_are_built_from_nothing_as_the_models_describe(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        assert set(Base.metadata.tables) >= TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        # Only what concerns the eligibility tables: other parts have tests of their own.
        assert [d for d in differences if any(f"'{t}'" in repr(d) for t in TABLES)] == []
    finally:
        engine.dispose()


def test_downgrading_0004_removes_the_eligibility_tables_and_nothing_else(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        migrate(engine)
        before = set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004_eligibility@-1")
        after = set(inspect(engine).get_table_names())
        assert before - after == TABLES
        migrate(engine)
        assert set(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()
