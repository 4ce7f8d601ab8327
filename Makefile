# IG Portal: `make run` for a working demo on http://127.0.0.1:8000, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest install install-dev frontend browser migrate worker beat bench bench-claim wrk clean help lock lock-check audit audit-if-reachable sbom

help:
	@echo "make run    set up, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up, check the lock, and run ruff, mypy, the audit and the whole pytest suite"
	@echo "make lock   re-resolve pyproject.toml into requirements.lock (LOCK_ARGS=--upgrade to take new releases)"
	@echo "make audit  check requirements.lock and package-lock.json for known vulnerabilities"
	@echo "make sbom   write CycloneDX SBOMs of the locked Python and npm packages to sbom/"
	@echo "make bench  seed PostgreSQL at ICB scale and write bench/RESULTS.md (about 8 minutes; bench/README.md)"

# --- Locked dependencies (SECURITY.md) ---------------------------------------------------------
# requirements.lock is the one lock: pip installs it with --require-hashes, the runtime part for
# make run, the whole file (with the dev extra, pip itself included) for make test.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(VENV)/bin/python
	@$(PY) tools/lock.py check
	$(PY) tools/lock.py runtime > $(VENV)/requirements-runtime.txt
	$(PY) -m pip install --quiet --require-hashes -r $(VENV)/requirements-runtime.txt
	touch $@

$(VENV)/.installed-dev: requirements.lock pyproject.toml | $(VENV)/bin/python
	@$(PY) tools/lock.py check
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@ $(VENV)/.installed

# Keeps every pin it can; LOCK_ARGS="--upgrade" or "--upgrade-package NAME" takes newer releases.
# Runs with the lock that is out of date (that is when it is needed), so it skips the check.
lock: | $(VENV)/bin/python
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) tools/lock.py lock $(LOCK_ARGS)

lock-check: | $(VENV)/bin/python
	@$(PY) tools/lock.py check

# Fails on a known vulnerability not excepted in audit-exceptions.toml, and when the advisory data
# cannot be reached; inside make test that last case is one line and no failure (SECURITY.md).
audit: install-dev
	$(PY) tools/audit.py

audit-if-reachable: install-dev
	$(PY) tools/audit.py --skip-if-unreachable

# What the image ships: the runtime part of requirements.lock and package-lock.json without dev packages.
SBOM_DIR ?= sbom
sbom: install-dev
	@mkdir -p $(SBOM_DIR)
	$(PY) tools/lock.py runtime > $(VENV)/requirements-runtime.txt
	$(VENV)/bin/cyclonedx-py requirements --pyproject pyproject.toml --of JSON -o $(SBOM_DIR)/python.cdx.json $(VENV)/requirements-runtime.txt
	npm sbom --omit dev --package-lock-only --sbom-format cyclonedx --sbom-type application > $(SBOM_DIR)/npm.cdx.json.part
	mv $(SBOM_DIR)/npm.cdx.json.part $(SBOM_DIR)/npm.cdx.json
	@echo "$(SBOM_DIR)/python.cdx.json and $(SBOM_DIR)/npm.cdx.json written (CycloneDX JSON)"
# -----------------------------------------------------------------------------------------------

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

test: lock-check lint typecheck audit-if-reachable pytest

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
	rm -rf $(VENV) node_modules sbom staticfiles db.sqlite3 .pytest_cache .mypy_cache .ruff_cache test-artifacts
