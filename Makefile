# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench install clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/pinwheel run $(ARGS)

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot/domain bot/sim db
	$(BIN)/python -m pytest -q $(ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot db

bench: $(BIN)/.installed
	$(BIN)/python bench/event_store.py
	$(BIN)/python bench/governance.py
	$(BIN)/python bench/sim.py
	$(BIN)/python bench/season.py
	$(BIN)/python bench/presentation.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/web_counters.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
