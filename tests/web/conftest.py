"""Browser fixtures: a running Refuge (`site`, per test module, on SQLite and on PostgreSQL),
headless Debian Chromium driven by Playwright (never a downloaded browser), a fresh browser
context per test (`page`), and `shoot` for screenshots under the test's tmp dir.

Chromium comes from Debian (`make test` installs it) and axe-core from the npm registry (`make
test` runs `npm ci`); without them these tests are skipped with the reason, unless CI is set,
when they fail, like the PostgreSQL half of the suite.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from refuge.protect import KeyEncryptionKey
from refuge.store import make_engine, migrate

from .site import Site, seed_operation, serving

CHROMIUM = "/usr/bin/chromium"
# No GPU, no network beyond the test server, nothing downloaded or synchronised on the side.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; `make test` installs it")
    pytest.skip(f"{what} is missing; `make test` installs it")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        missing("Debian's chromium (/usr/bin/chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """Refuge serving a generated operation, for the tests of one module on one database."""
    folder = tmp_path_factory.mktemp("site")
    postgres = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'refuge.db'}"
    else:
        postgres = request.getfixturevalue("postgres_server")
        url = postgres.create()
    engine = make_engine(url)
    try:
        migrate(engine)
        refuge, seeded = seed_operation(engine, KeyEncryptionKey.generate(), folder)
        with serving(seeded) as running:
            yield running
    finally:
        engine.dispose()
        if postgres is not None:
            postgres.drop(url)


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    context = browser.new_context(base_url=site.url, viewport={"width": 412, "height": 915})
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def shoot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot under the test's tmp dir and check it holds an image."""

    def take(tab: Page, name: str) -> Path:
        path = tmp_path / "screenshots" / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000, f"screenshot {name} is empty"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        return path

    return take


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        missing("axe-core (node_modules/axe-core)")
    return AXE.read_text(encoding="utf-8")
