# Refuge's one entry point for people and CI: `make demo`, `make test`, `make check`, `make bench`.
# Everything is installed from requirements.lock (pinned, hashed; made from pyproject.toml by
# `make lock`) into .venv; nothing is assumed on the machine
# beyond python3 (3.11) and, for the PostgreSQL half of the tests, the local server.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: demo test check lint types bench sync lock postgres browser clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml requirements.lock | $(UV)
	test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --editable .
	touch $@

# Re-pin after changing dependencies in pyproject.toml.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 \
	  --universal --quiet -o requirements.lock

sync: $(VENV)/.synced

demo: sync
	$(BIN)/refuge demo

# The whole suite: lint, types, architecture contracts, then the tests on SQLite and PostgreSQL
# (the pages' tests in headless Debian Chromium, with axe-core for accessibility).
test: check postgres browser
	REFUGE_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider

check: lint types

lint: sync
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

types: sync
	$(BIN)/mypy

# Start the machine's PostgreSQL if it is down (CI machines start it before the run; this covers a
# developer machine where it stopped).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  (command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2) || true
	@pg_isready -h 127.0.0.1 -p 5432

# The browser tests' needs: Debian's chromium (no browser is downloaded by Playwright) and the
# npm registry's axe-core and htmx, pinned by package-lock.json.
browser: node_modules/.package-lock.json
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Every benchmark at its default size (long: minutes each); `support.py` is shared code.
bench: sync
	for b in benchmarks/*.py; do [ $$b = benchmarks/support.py ] || $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) node_modules .mypy_cache .ruff_cache .pytest_cache
