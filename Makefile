# supervision_kit: `make app` serves the apps on a demo database; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/demo.sqlite
PORT ?= 8866

.PHONY: install system-deps app-deps demo app test bench mutation clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	# uv installs the stack in seconds; plain pip is the fallback when uv cannot be had.
	($(BIN)/python -m pip install -q uv && $(BIN)/uv pip install -q --python $(BIN)/python -e '.[test]') \
	  || $(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	sh scripts/system-deps.sh

app-deps:
	sh scripts/system-deps.sh app

$(DB): | $(VENV)/.installed
	$(BIN)/supervision-kit demo --db $(DB)

demo: install $(DB)

app: install app-deps demo
	$(BIN)/supervision-kit serve --db $(DB) --port $(PORT) --preheat

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install system-deps
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Mutation testing of the evidence-critical modules (slow; not part of `make test`):
# `make mutation` runs every group of scripts/mutation.toml, `make mutation GROUPS=hashing`
# one; survivors and scores go to reports/mutation.txt.
mutation: install
	$(BIN)/python scripts/mutation.py $(GROUPS)

clean:
	rm -rf $(VENV) data tests/artifacts
