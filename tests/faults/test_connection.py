"""The database connection dropped under a running service (PostgreSQL restarted, a proxy or the
network cutting it: here pg_terminate_backend on every connection of the application): the
operation caught in flight fails and is rolled back whole, and the next one succeeds on the same
engine without a restart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text
from tests.conftest import _empty as empty

from refuge.cases.services import add_organisation, verify_audit
from refuge.domain import Organisation, OrganisationKind
from refuge.domain.errors import DatabaseUnavailable
from refuge.store import SqlUnitOfWork, make_engine

NOW = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """PostgreSQL only: the connections to a SQLite file cannot be cut from outside. The cut also
    reaches the session's own engine on the database: its pool is dropped before and after."""
    url, engine = request.getfixturevalue("postgres_database")
    engine.dispose()
    empty(engine)
    yield str(url)
    engine.dispose()


def cut_connections(engine: Engine) -> int:
    """Terminate every other connection to the engine's database, from a connection of its own."""
    with engine.connect() as connection:
        cut = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return int(cut)


def organisation(code: str) -> Organisation:
    return Organisation(code, f"Organisation {code}", OrganisationKind.NGO)


def test_after_connections_are_cut_between_operations_one_fails_clearly_the_next_succeeds(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    """Pooled connections are not pinged before use (a round trip every request would pay): the
    first operation on a dead one fails with our own error and drops the pool."""
    add_organisation(uow_factory(), organisation("first"), actor="t", now=NOW)
    other = make_engine(database_url)
    try:
        assert cut_connections(other) >= 1  # the pooled connection of the first operation
    finally:
        other.dispose()

    with pytest.raises(DatabaseUnavailable, match="connection to the database was lost"):
        add_organisation(uow_factory(), organisation("second"), actor="t", now=NOW)
    add_organisation(uow_factory(), organisation("second"), actor="t", now=NOW)

    with uow_factory() as uow:
        assert {o.code for o in uow.organisations.list()} == {"first", "second"}
    assert verify_audit(uow_factory()) == []


def test_an_operation_cut_off_mid_transaction_is_rolled_back_and_the_next_succeeds(
    database_url: str, uow_factory: Callable[[], SqlUnitOfWork]
) -> None:
    other = make_engine(database_url)
    try:
        with uow_factory() as uow:
            uow.organisations.list()  # a transaction open on a pooled connection
            uow.organisations.add(organisation("lost"))
            assert cut_connections(other) >= 1
            with pytest.raises(DatabaseUnavailable, match="connection to the database was lost"):
                uow.commit()
    finally:
        other.dispose()

    add_organisation(uow_factory(), organisation("kept"), actor="t", now=NOW)

    with uow_factory() as uow:
        assert {o.code for o in uow.organisations.list()} == {"kept"}
    assert verify_audit(uow_factory()) == []
