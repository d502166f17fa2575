"""The pages and the API share one application: no page takes a path an API router uses, and the
pages stay out of the API's description."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute
from sqlalchemy import Engine

from refuge.api import create_app
from refuge.bootstrap import Refuge
from refuge.config import Settings
from refuge.protect import KeyEncryptionKey
from refuge.store import make_session_factory
from refuge.web.pages import PageRoute, page_routers


def test_no_page_shares_a_path_prefix_with_the_api(
    engine: Engine, kek: KeyEncryptionKey, tmp_path: Path
) -> None:
    refuge = Refuge(Settings(data_dir=tmp_path), engine, make_session_factory(engine), kek)
    api = set(create_app(refuge).openapi()["paths"])
    routes = [r for router in page_routers() for r in router.routes if isinstance(r, APIRoute)]
    assert all(isinstance(r, PageRoute) for r in routes)
    pages = {r.path for r in routes}
    assert {"/", "/sign-in", "/dashboard"} <= pages
    api_prefixes = {path.split("/")[1] for path in api}
    assert not {path.split("/")[1] for path in pages if path != "/"} & api_prefixes
    assert not pages & api
