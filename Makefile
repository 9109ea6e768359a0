# Every target bootstraps what it needs: a fresh clone needs no other step.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint fix bench docs clean

# The browser tests drive Debian's Chromium (Playwright cannot download browsers offline);
# the CJK fonts make failure screenshots legible.
CHROMIUM := /usr/bin/chromium
# The job-queue tests start a throwaway PostgreSQL server of Debian's package.
INITDB := /usr/lib/postgresql/15/bin/initdb
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[hosted,voice]" --group dev
	touch $(STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium fonts-noto-cjk

$(INITDB):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq postgresql

run: $(STAMP)
	$(BIN)/viva serve

test: $(STAMP) $(CHROMIUM) $(INITDB)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP) $(INITDB)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/cli_bench.py
	$(BIN)/python bench/practice_bench.py
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/hosted_bench.py
	$(BIN)/python bench/follow_up_bench.py
	$(BIN)/python bench/speech_bench.py

docs: $(STAMP)
	$(BIN)/python -m viva.cli.docs > docs/cli.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
