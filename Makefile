# IG Portal: `make run` for a working demo on http://127.0.0.1:8000, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint typecheck pytest install install-dev frontend browser migrate worker beat bench bench-claim wrk clean help

help:
	@echo "make run    set up, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run ruff, mypy and the whole pytest suite"
	@echo "make test-fast  pytest without the slow tests (browser, benchmark, real workers), for the edit-test loop"
	@echo "make bench  seed PostgreSQL at ICB scale and write bench/RESULTS.md (about 8 minutes; bench/README.md)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium; Playwright's own browser download is never used.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; \
	  else \
	    echo "make test: the browser tests need Debian's chromium at $(CHROMIUM): run 'sudo apt-get install chromium fonts-liberation'." >&2; \
	    exit 1; \
	  fi; \
	fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
frontend: node_modules/.installed

migrate: install frontend
	$(PY) manage.py migrate --noinput

# The newcomer path: the embedded default (SQLite, tasks inline) unless DATABASE_URL / CELERY_BROKER_URL are set.
# MFA is off for this demo server only, so the demo officers log in with a password; production refuses it.
run: migrate
	$(PY) manage.py seed_demo
	@echo "Serving IG Portal on http://$(HOST):$(PORT)/ (Ctrl+C to stop; MFA is off on this demo server)"
	MFA_REQUIRED=false $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-dev
	$(VENV)/bin/mypy .

# Chooses PostgreSQL and Redis when they answer (required under CI=true), else SQLite with service tests skipped.
pytest: install-dev frontend browser
	@exports="$$($(PY) tests/services.py)" && eval "$$exports" && $(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# The edit-test loop: everything but the tests marked slow (tests/conftest.py says which); no browser.
test-fast: install-dev frontend
	@exports="$$($(PY) tests/services.py)" && eval "$$exports" && $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A igportal worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A igportal beat --loglevel=info

# The load generator for make bench, from Debian's packages like the browser.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else \
	    echo "make bench: needs wrk: run 'sudo apt-get install wrk'." >&2; \
	    exit 1; \
	  fi; \
	fi

# Never part of make test. Re-creates the databases named by BENCH_DATABASE_URL (default igportal_bench)
# and igportal_bench_small on the PostgreSQL it names; BENCH_ARGS passes options (bench/README.md).
bench: install-dev frontend wrk
	$(PY) -m bench.suite $(BENCH_ARGS)

# Times a sweep's claim over 1,000,000 milestones against raw SQL; re-creates BENCH_DATABASE_URL (bench/README.md).
bench-claim: install
	$(PY) bench/claim_bench.py --results bench/RESULTS-claim.md

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .pytest_cache .mypy_cache .ruff_cache test-artifacts
