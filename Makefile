# Shaodian. Two set-up commands: `make demo` (run with demo data) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python >= 3.12: the first interpreter found on PATH or in pyenv's versions that runs.
PYTHON_SYS := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12 \
	/usr/local/bin/python3.13 /usr/local/bin/python3.12; do \
	if $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then \
	command -v $$p || echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := shaodian.settings

.PHONY: help install assets messages system-test-deps setup-db demo serve test lint bench clean

help:
	@echo "make demo   install everything, build a demo province on SQLite and run Shaodian"
	@echo "make test   install everything and run the whole suite (unit, API, browser)"
	@echo "make bench  run the benchmarks (set DATABASE_URL to a PostgreSQL database)"

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON_SYS)" || { echo "Python >= 3.12 not found (looked on PATH and in ~/.pyenv)"; exit 1; }
	$(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed assets messages

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Build the few front-end files the pages load from node_modules into build/static/vendor
# (shaodian/assets.py), then collect every static file into build/collected with a hashed
# name and its gzip and brotli versions, as the server serves them.
assets: $(VENV)/.installed node_modules/.installed
	$(PY) -m shaodian.assets
	$(PY) manage.py collectstatic --no-input -v 0

messages: $(VENV)/.installed
	$(PY) -m shaodian.messages

# Debian packages the browser tests need: chromium and a CJK font.
system-test-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk\|wqy'; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi

setup-db: install
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_regions

demo: setup-db
	$(PY) manage.py generate_province --demo --if-empty
	$(PY) manage.py run_demo --host $(HOST) --port $(PORT)

# The suite runs at a fixed Beijing time (shaodian/testing/clock.py); the browser tests run
# at each of these times of day, so a page that works only in the morning fails here.
# `make test PYTEST_ARGS=…` runs only what was asked, at the suite's fixed time.
TEST_CLOCKS ?= 07:10 12:30 18:40

test: install system-test-deps
	$(VENV)/bin/ruff check .
	@if [ -n "$(PYTEST_ARGS)" ]; then \
		SHAODIAN_FAST_HASHER=1 $(VENV)/bin/pytest -q $(PYTEST_ARGS); \
	else \
		SHAODIAN_FAST_HASHER=1 $(VENV)/bin/pytest -q -m "not browser" || exit 1; \
		for t in $(TEST_CLOCKS); do \
			echo "== browser tests at $$t Beijing time =="; \
			SHAODIAN_TEST_NOW=$$t SHAODIAN_FAST_HASHER=1 $(VENV)/bin/pytest -q -m browser || exit 1; \
		done; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

bench: install
	$(PY) -m bench --readme

clean:
	rm -rf $(VENV) node_modules build data
