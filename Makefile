# The two quick-start commands (README): `make serve` and `make test`.
# Both set up everything they need on a fresh Debian machine, so CI and a new user
# run exactly what the README says.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint typecheck validate check runtime-deps system-deps node-deps assets docs docs-tables clean

# The pages' scripts: bundled by esbuild from the npm packages web/package-lock.json pins,
# into the Python package (git ignores them; the wheel carries them). The manifest is
# written last, so it stands for a complete build.
ASSETS := src/rarekg/server/static/dist/manifest.json
WEB_SOURCES := web/package.json web/build.mjs $(shell find web/src -name '*.js' 2>/dev/null)

# Debian packages: Java runs HermiT whenever the graph is reasoned (serving included);
# the tests also need Chromium for the browser tests and Virtuoso as a second real store.
runtime-deps:
	@command -v java >/dev/null 2>&1 || { \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    default-jre-headless; }

system-deps:
	@command -v java >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
	  && command -v virtuoso-t >/dev/null 2>&1 || { \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    default-jre-headless chromium virtuoso-opensource; }

# Node and npm run the build step; Debian's are enough when the machine has none.
node-deps:
	@command -v npm >/dev/null 2>&1 || { \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    nodejs npm; }

web/node_modules/.package-lock.json: web/package-lock.json | node-deps
	cd web && npm ci

$(ASSETS): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

assets: $(ASSETS)

$(STAMP): pyproject.toml | $(ASSETS)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,stats]'
	touch $(STAMP)

serve: $(STAMP) $(ASSETS) runtime-deps
	$(VENV)/bin/rarekg serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(ASSETS) system-deps
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

validate: $(STAMP)
	$(VENV)/bin/rarekg validate

check: lint typecheck test validate

# Human-readable ontology documentation, rendered offline by pyLODE (CSS inlined).
docs: $(STAMP)
	mkdir -p build/docs
	$(VENV)/bin/pylode ontology/rarekg.ttl -o build/docs/ontology.html -c true -s

# The README's command table and queries/README.md's question table, from the click
# commands and the query headers (tests/test_docs.py fails when they are stale).
docs-tables: $(STAMP)
	$(PY) -m rarekg.docs

clean:
	rm -rf $(VENV) build dist web/node_modules src/rarekg/server/static/dist
