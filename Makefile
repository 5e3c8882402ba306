# Two commands on a fresh Debian machine:
#   make demo   set up, then ingest the bundled samples and print what was archived and verified
#   make test   set up, then run the test suite
# Both install only what is missing; a second run is fast and changes nothing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: all setup system venv demo test test-fast bench lint format clean

all: test

setup: system venv

system:
	@scripts/bootstrap-system.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip 2>/dev/null || true
	@echo "sohoa: installing the Python package into $(VENV)"
	@$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: setup
	$(BIN)/sohoa demo

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	@$(BIN)/python -c 'import ocrmypdf, sklearn' 2>/dev/null || $(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/bench_ocr.py
	$(BIN)/python bench/bench_real.py
	$(BIN)/python bench/bench_metadata.py
	$(BIN)/python bench/bench_handwriting.py
	$(BIN)/python bench/bench_signing.py
	$(BIN)/python bench/bench_archive.py
	$(BIN)/python bench/bench_watch.py
	$(BIN)/python bench/bench_progress.py

lint: venv
	$(BIN)/ruff check sohoa tests samples bench
	$(BIN)/ruff format --check sohoa tests samples bench

format: venv
	$(BIN)/ruff format sohoa tests samples bench
	$(BIN)/ruff check --fix sohoa tests samples bench

clean:
	rm -rf demo-archive .pytest_cache .ruff_cache build dist *.egg-info
