# deepnotes — a plain Makefile. `make help` lists the targets.
#
# Everything a fresh clone needs is installed by these rules:
#   - Python packages into .venv (pinned in requirements/dev.txt),
#   - npm packages into web/node_modules (from web/package-lock.json),
#   - Debian's chromium (apt) for the browser tests, when it is missing,
#   - Pyodide 0.27.7 with numpy + matplotlib into .cache/ (registries only, sha256-verified).

SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
NP20_VENV := .venv-numpy20
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv web chromium pyodide build serve test test-fast test-numpy20 lint bench screenshots clean

help:
	@echo "make serve   build the site (with Pyodide + the engine wheel) and serve it on http://$(HOST):$(PORT)"
	@echo "make test    install what is missing, then lint + every test (engine, quiz, demos, Pyodide, browser)"
	@echo "make build   mkdocs build --strict into site/"
	@echo "make bench   benchmarks; writes docs/performance.md"
	@echo "make lint    ruff"
	@echo "make screenshots  light and dark screenshots of every reader page (test-artifacts/pages/)"

# uv (from PyPI) installs the pinned packages in parallel and byte-compiles them on both cores:
# ~27 s instead of pip's ~64 s on a fresh clone. If uv cannot be had, pip does the same install.
UV_VERSION := 0.13.9

$(VENV)/.installed: requirements/dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if $(PIP) install --quiet uv==$(UV_VERSION) && \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode -r requirements/dev.txt && \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .; then :; \
	else \
	  echo "uv could not install the packages: pip does it instead"; \
	  $(PIP) install --quiet --upgrade pip && \
	  $(PIP) install --quiet -r requirements/dev.txt && \
	  $(PIP) install --quiet --no-deps -e .; \
	fi
	touch $@

venv: $(VENV)/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web: web/node_modules/.installed

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

pyodide: venv
	$(PY) tools/pyodide_dist.py

build: venv web pyodide
	$(PY) -m mkdocs build --strict

# The site is built for its local address (sitemap URLs: Material's instant navigation).
serve: venv web pyodide
	DEEPNOTES_SITE_URL=http://$(HOST):$(PORT)/ $(PY) -m mkdocs build --strict
	$(PY) tools/serve.py --host $(HOST) --port $(PORT) --root site

lint: venv
	$(PY) -m ruff check src tests tools demos hooks conftest.py
	$(PY) -m ruff format --check src tests tools demos hooks conftest.py

$(NP20_VENV)/.installed: requirements/numpy20.txt pyproject.toml
	test -x $(NP20_VENV)/bin/python || $(PYTHON) -m venv $(NP20_VENV)
	$(NP20_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NP20_VENV)/bin/python -m pip install --quiet -r requirements/numpy20.txt
	$(NP20_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

# The engine's tests again on NumPy 2.0.x, the version Pyodide 0.27.7 ships.
test-numpy20: $(NP20_VENV)/.installed
	$(NP20_VENV)/bin/python -m pytest -q -p no:randomly tests/engine

test-fast: venv
	$(PY) -m pytest -q -m "not browser and not pyodide"

# DEEPNOTES_FUZZ_EXAMPLES: 100 cases per hypothesis property, > 2,000 fuzz cases over the engine.
# NumPy 2.0.2 (what Pyodide ships) is covered by tests/pyodide, which runs the engine's test suite
# inside Pyodide itself; `make test-numpy20` runs it in CPython with NumPy 2.0 too.
# The test build leaves out the htmlproofer plugin (~15 s of a ~47 s build): the suite checks the
# same thing, every internal link and #anchor of every built page (tests/build/test_site.py).
test: export DEEPNOTES_CHECK_LINKS = false
test: venv web chromium lint build
	$(PY) -m deepnotes.quiz validate --site site
	DEEPNOTES_FUZZ_EXAMPLES=100 $(PY) -m pytest -q --durations=15 \
	  --cov=deepnotes --cov-report=term:skip-covered

$(VENV)/.bench-installed: requirements/bench.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements/bench.txt || echo "PyTorch not installable here: benchmarks run without it"
	touch $@

bench: build $(VENV)/.bench-installed
	$(PY) -m tools.bench

# Full-page screenshots (light and dark) of every reader page into test-artifacts/pages/.
screenshots: build chromium
	$(PY) -m tools.screenshots

clean:
	rm -rf site .cache/demos .cache/rendered-notebooks-* build dist
