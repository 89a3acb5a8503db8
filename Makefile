# Parley: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.PHONY: help install build run dev test test-js test-py test-sqlite test-mariadb size lint bench bench-quick soak clean

help:
	@echo "make run    install, build, migrate the SQLite database, seed a demo, serve on :$(PORT)"
	@echo "make test   install and run every test"
	@echo "make size   the widget's gzip sizes against its budgets"
	@echo "make lint   ruff and mypy --strict"
	@echo "make soak   the full fault run, then a soak of SOAK_MINUTES (30); not part of make test"

$(INSTALLED): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]'
	touch $@

install: $(INSTALLED)

$(NODE_INSTALLED): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Front ends exist once package.json does; until then there is nothing to build.
build: $(if $(wildcard package.json),$(NODE_INSTALLED))
	@if [ -f package.json ]; then npm run build; fi

run: install build
	$(BIN)/chatctl db upgrade
	$(BIN)/chatctl demo --port $(PORT)
	$(BIN)/chatctl serve --host $(HOST) --port $(PORT)

dev: install
	$(BIN)/chatctl db upgrade
	$(BIN)/chatctl serve --host $(HOST) --port $(PORT) --autoreload

# PARLEY_TEST_DATABASE_URL picks the database (default: a throwaway SQLite file).
# PYTEST_ARGS passes options through, e.g. PYTEST_ARGS='-m "not slow" -x'.
MARIADB_TEST_URL ?= mysql+asyncmy://parley:parley@127.0.0.1/parley_test

test: install build test-js test-py

# The Python suite alone (CI builds and runs the front ends' tests once, then this per database).
test-py: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The front ends' unit tests (Vitest).
test-js: build
	@if [ -f package.json ]; then npm test; fi

# The widget's loader and chat chunk, gzipped, against their budgets (fails over budget).
size: build
	npm run size

test-sqlite: install build
	PARLEY_TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-mariadb: install build
	PARLEY_TEST_DATABASE_URL='$(MARIADB_TEST_URL)' $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check chatserver cli tests migrations
	$(BIN)/mypy

# Benchmarks, not part of `make test` (bench/README.md): `make bench` (~10 min), `make
# bench-quick` (~1 min). The MariaDB bench database is dropped and re-created each run.
# BENCH_ARGS picks scenarios and options, e.g. BENCH_ARGS='relay --profile'.
BENCH_DATABASE_URL ?= mysql+asyncmy://parley:parley@127.0.0.1/parley_bench_test
BENCH_INSTALLED := $(VENV)/.bench-installed

$(BENCH_INSTALLED): $(INSTALLED)
	$(BIN)/pip install -q -e '.[test,dev,bench]'
	touch $@

bench: $(BENCH_INSTALLED)
	PARLEY_BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' $(BIN)/python -m bench.run $(or $(BENCH_ARGS),all)

bench-quick: $(BENCH_INSTALLED)
	PARLEY_BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' $(BIN)/python -m bench.run all --quick

# Reliability, not part of `make test` (tests/reliability/): the full fault run (~6 min: 50 chats,
# 3 SIGKILLs, the database stopped and then killed for 30 s each, dropped sockets), then a soak of
# SOAK_MINUTES (default 30) that checks memory and open files stay flat. Both use a private mariadbd.
SOAK_MINUTES ?= 30

soak: install
	$(BIN)/python -m tests.reliability.harness --full
	SOAK_MINUTES=$(SOAK_MINUTES) $(BIN)/python -m tests.reliability.soak

clean:
	rm -rf $(VENV) node_modules chatserver/static build dist *.egg-info
