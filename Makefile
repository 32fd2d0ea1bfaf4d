# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check -q
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test lint typecheck unit docs-build docs bench schema examples clean

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

DEMO_DATA := examples/pki-events.ndjson

# Mermaid for the docs site, bundled so that diagrams render offline: the pinned release's
# mermaid.min.js from npm, checked against its SHA-256.
MERMAID_VERSION := 11.17.2
MERMAID_SHA256 := 581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8
MERMAID_JS := docs/assets/javascripts/mermaid.min.js

$(MERMAID_JS):
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null \
	  && tar -xzf mermaid-$(MERMAID_VERSION).tgz package/dist/mermaid.min.js) \
	  && echo "$(MERMAID_SHA256)  $$tmp/package/dist/mermaid.min.js" | sha256sum -c --quiet \
	  && mv $$tmp/package/dist/mermaid.min.js $@; status=$$?; rm -rf $$tmp; exit $$status

# The example data holds a few broken lines on purpose: validate reports them and exits 1.
demo: $(VENV)/.cli-installed
	@echo "== okta-pki-events validate $(DEMO_DATA)"
	@$(BIN)/okta-pki-events validate $(DEMO_DATA) || { status=$$?; [ $$status -eq 1 ] || exit $$status; \
		echo "(exit 1: the example data holds broken lines on purpose)"; }
	@echo "== okta-pki-events summary $(DEMO_DATA)"
	@$(BIN)/okta-pki-events summary $(DEMO_DATA)
	@echo "== okta-pki-events lifecycle $(DEMO_DATA)"
	@$(BIN)/okta-pki-events lifecycle $(DEMO_DATA) --limit 10
	@echo "== python examples/quickstart.py (the library on the same data)"
	@$(PY) examples/quickstart.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy checks everything, benchmarks/ with the bench extra installed (the reference parsers'
# own types); pyright checks the typing tests (tests/typing, [tool.pyright]).
typecheck: $(VENV)/.bench-installed
	$(BIN)/mypy --strict src tests scripts benchmarks examples
	$(BIN)/pyright

unit: $(VENV)/.dev-installed $(MERMAID_JS)
	$(BIN)/pytest -q

docs-build: $(VENV)/.dev-installed $(MERMAID_JS)
	$(BIN)/mkdocs build --strict --site-dir site

docs: $(VENV)/.dev-installed $(MERMAID_JS)
	$(BIN)/mkdocs serve

test: lint typecheck unit docs-build

schema: $(VENV)/.dev-installed
	$(PY) scripts/export_schema.py

examples: $(VENV)/.dev-installed
	$(PY) scripts/make_examples.py

bench: $(VENV)/.bench-installed
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.exports

clean:
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache .hypothesis
