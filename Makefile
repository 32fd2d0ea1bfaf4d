# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check -q
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint typecheck unit docs docs-serve bench schema examples clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall when pyproject.toml changes.
$(VENV)/.cli-installed: pyproject.toml | $(PY)
	$(PIP) install -e '.[cli]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev]'
	touch $@

$(VENV)/.bench-installed: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev,bench]'
	touch $@

demo: $(VENV)/.cli-installed
	$(BIN)/okta-pki-events summary examples/pki-events.ndjson

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy --strict src tests scripts

unit: $(VENV)/.dev-installed
	$(BIN)/pytest -q

docs: $(VENV)/.dev-installed
	$(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(VENV)/.dev-installed
	$(BIN)/mkdocs serve

test: lint typecheck unit docs

schema: $(VENV)/.dev-installed
	$(PY) scripts/export_schema.py

examples: $(VENV)/.dev-installed
	$(PY) scripts/make_examples.py

bench: $(VENV)/.bench-installed
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache .hypothesis
