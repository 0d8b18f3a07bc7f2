# supervision_kit: `make app` serves the apps on a demo database; `make test` runs every test;
# `make hub` runs JupyterHub with sign-in for a team on this machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/demo.sqlite
PORT ?= 8866
HUB_PORT ?= 8000

.PHONY: install system-deps app-deps hub-deps demo app hub test bench mutation screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	# uv installs the stack in seconds; plain pip is the fallback when uv cannot be had.
	# --compile-bytecode: every Voilà kernel imports pandas, SQLAlchemy, ipywidgets and
	# matplotlib; without .pyc files (uv writes none by default, and PYTHONDONTWRITEBYTECODE
	# stops Python caching them) each kernel compiles them from source again.
	($(BIN)/python -m pip install -q uv && $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[test]') \
	  || $(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

system-deps:
	sh scripts/system-deps.sh

app-deps:
	sh scripts/system-deps.sh app

# JupyterHub's proxy comes from npm, pinned in package.json/package-lock.json, into node_modules/.
NODE_PROXY := node_modules/.bin/configurable-http-proxy
$(NODE_PROXY): package.json package-lock.json
	sh scripts/system-deps.sh hub
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub-deps: $(NODE_PROXY)

$(DB): | $(VENV)/.installed
	$(BIN)/supervision-kit demo --db $(DB)

demo: install $(DB)

app: install app-deps demo
	$(BIN)/supervision-kit serve --db $(DB) --port $(PORT) --preheat

hub: install app-deps hub-deps demo
	$(BIN)/supervision-kit hub --db $(DB) --port $(HUB_PORT)

test: install system-deps hub-deps
	$(BIN)/python -m pytest -q

bench: install system-deps
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Mutation testing of the evidence-critical modules (slow; not part of `make test`):
# `make mutation` runs every group of scripts/mutation.toml, `make mutation GROUPS=hashing`
# one; survivors and scores go to reports/mutation.txt.
mutation: install
	$(BIN)/python scripts/mutation.py $(GROUPS)

# Every app at 1280×900 and 1024×768 into docs/screenshots/ (a fresh demo database, Voilà, Chromium).
screenshots: install system-deps
	PYTHONPATH=. $(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) data tests/artifacts node_modules
