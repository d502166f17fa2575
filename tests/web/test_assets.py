"""The pages' script is the htmx release from the npm registry, served by Refuge itself with its
licence beside it."""

from __future__ import annotations

from pathlib import Path

from refuge import web

from .conftest import missing

STATIC = Path(web.__file__).parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def test_the_vendored_htmx_is_the_registry_release_with_its_licence() -> None:
    released = NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
    if not released.exists():
        missing("htmx.org (node_modules/htmx.org)")
    assert (STATIC / "htmx.min.js").read_bytes() == released.read_bytes()
    licence = (NODE_MODULES / "htmx.org" / "LICENSE").read_bytes()
    assert (STATIC / "htmx.LICENSE").read_bytes() == licence
