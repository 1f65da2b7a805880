# Dossierhuis — the two commands a newcomer needs:
#   make run    set up .venv, create a demo archive in ./var on first run, serve on :8000
#   make test   ruff, then the whole suite on SQLite and on PostgreSQL (browser tests on both)
#
# System packages (libmagic, Debian's chromium) are installed with apt-get when missing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for both runs (each worker has its own SQLite file, or its own
# PostgreSQL database <name>_gw0, <name>_gw1 … made and dropped by tests/conftest.py).
WORKERS ?= 2
# Where a local PostgreSQL is tried when TEST_DATABASE_URL is not set.
PG_SERVER_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432
RESULTS ?= test-results
PYTEST_ARGS ?=

# root installs directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
INSTALLED := $(VENV)/.installed

.PHONY: help run serve init test test-sqlite test-postgres lint fmt clean distclean \
	venv system-deps browser translations axe

help:
	@echo "make run    start Dossierhuis on http://$(HOST):$(PORT) with demo data"
	@echo "make test   ruff + pytest on SQLite (incl. browser test) and PostgreSQL"
	@echo "make lint   ruff check + ruff format --check"
	@echo "make fmt    ruff format + ruff check --fix"
	@echo "make clean  remove caches and test output (never ./var, which holds the archive)"

# -- set-up ---------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

venv: $(INSTALLED)

# python-magic needs the C library libmagic.
system-deps: $(INSTALLED)
	@if ! $(BIN)/python -c "import magic" >/dev/null 2>&1; then
	  echo "libmagic ontbreekt: installeren met apt-get"
	  $(SUDO) apt-get update -q
	  $(APT_INSTALL) libmagic1
	fi

# The browser test drives Debian's chromium (Playwright cannot download its own here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then
	  echo "chromium ontbreekt: installeren met apt-get"
	  $(SUDO) apt-get update -q
	  $(APT_INSTALL) chromium fonts-liberation
	fi

# The load generator for benchmarks/api_bench.py (Debian's wrk), installed when missing.
.PHONY: bench-deps
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then
	  echo "wrk ontbreekt: installeren met apt-get"
	  $(SUDO) apt-get update -q
	  $(APT_INSTALL) wrk
	fi

# axe-core for the accessibility checks in the browser test, from the npm registry (not in git).
AXE_VERSION ?= 4.14.1
AXE := tests/e2e/vendor/axe-$(AXE_VERSION).min.js

$(AXE):
	@mkdir -p $(@D)
	tmp="$$(mktemp -d)"
	trap 'rm -rf "$$tmp"' EXIT
	echo "axe-core $(AXE_VERSION) ophalen met npm pack"
	(cd "$$tmp" && npm pack --silent "axe-core@$(AXE_VERSION)" >/dev/null)
	tar -xzf "$$tmp"/axe-core-$(AXE_VERSION).tgz -C "$$tmp" package/axe.min.js
	mv "$$tmp/package/axe.min.js" $@

axe: $(AXE)

# Compiled catalogues (.mo) are kept in git so a plain install has them; refreshed here.
translations: $(INSTALLED)
	@$(BIN)/pybabel compile -d web/translations 2>&1 | grep -v '^compiling catalog' || true

# -- running --------------------------------------------------------------------------------

init: system-deps translations
	$(BIN)/dossierhuis init --demo

run: init
	@data_dir="$${DOSSIERHUIS_DATA_DIR:-var}"
	echo
	echo "Open http://$(HOST):$(PORT) — log in with the accounts in $$data_dir/demo-wachtwoorden.txt"
	echo
	exec $(BIN)/dossierhuis serve --host $(HOST) --port $(PORT)

serve: system-deps translations
	exec $(BIN)/dossierhuis serve --host $(HOST) --port $(PORT)

# -- quality --------------------------------------------------------------------------------

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# SQLite, in parallel, with the browser test.
test-sqlite: system-deps translations browser $(AXE)
	mkdir -p $(RESULTS)
	AXE_JS=$(AXE) env -u TEST_DATABASE_URL $(BIN)/pytest -n $(WORKERS) \
	  --junitxml=$(RESULTS)/sqlite.xml $(PYTEST_ARGS)

# A tiny admin client for the throw-away test database (ping, create, drop).
define PGADMIN_PY
import sys
import psycopg
server, verb, name = sys.argv[1:4]
url = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
try:
    with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
        if verb == "create":
            conn.execute(f'CREATE DATABASE "{name}"')
        elif verb == "drop":
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
except psycopg.Error as exc:
    sys.exit(f"PostgreSQL ({verb}): {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
endef
export PGADMIN_PY
PGADMIN = $(BIN)/python -c "$$PGADMIN_PY" "$(PG_SERVER_URL)"

# PostgreSQL: TEST_DATABASE_URL if given, else a throw-away database on the local server,
# dropped afterwards. In parallel: each xdist worker migrates and uses a database of its own
# named after that one (<name>_gw0 …, dropped at the end); `-p no:xdist` in PYTEST_ARGS runs
# one process on TEST_DATABASE_URL itself (its schema is reset).
# Skipped when no PostgreSQL answers, unless REQUIRE_POSTGRES=1.
test-postgres: system-deps translations browser $(AXE)
	@mkdir -p $(RESULTS)
	url="$${TEST_DATABASE_URL:-}"
	if [ -z "$$url" ]; then
	  if ! $(PGADMIN) ping - ; then
	    if [ "$${REQUIRE_POSTGRES:-0}" = 1 ]; then
	      echo "PostgreSQL op $(PG_SERVER_URL) antwoordt niet, en REQUIRE_POSTGRES=1." >&2
	      exit 1
	    fi
	    echo "Geen PostgreSQL op $(PG_SERVER_URL): de PostgreSQL-run wordt overgeslagen."
	    echo "Zet TEST_DATABASE_URL of start PostgreSQL om die ook te draaien."
	    exit 0
	  fi
	  name="dossierhuis_test_$$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')"
	  $(PGADMIN) create "$$name"
	  trap '$(PGADMIN) drop "$$name"' EXIT
	  url="$(PG_SERVER_URL)/$$name"
	  echo "PostgreSQL-testdatabase $$name (wordt na afloop verwijderd)"
	fi
	echo "$(BIN)/pytest -n $(WORKERS) (PostgreSQL, browser tests included)"
	AXE_JS=$(AXE) TEST_DATABASE_URL="$$url" $(BIN)/pytest -n $(WORKERS) \
	  --junitxml=$(RESULTS)/postgresql.xml $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis $(RESULTS) build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) tests/e2e/vendor
