# The two commands: `make run` and `make test`. Both create .venv and install first.
# `make run` installs only what the server needs; `make test` adds the test extras.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# One stamp per install set: installing the server alone must not count as installing
# the tests' extras (nor the other way round).
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

run: $(RUN_STAMP)
	$(BIN)/pinsight serve --demo --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(TEST_STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/bench_pins.py
	$(BIN)/python bench/bench_analytics.py

clean:
	rm -rf $(VENV) data .pytest_cache
