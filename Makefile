# Two commands for a newcomer: `make app` (install + dashboard) and `make test` (install + all tests).
# Every target installs what it needs; nothing is installed by hand.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
PORT ?= 8765
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
ASSETS := $(VENV)/.assets-installed

.PHONY: install app test test-fast lint bench experiment browser-deps docs clean

install: $(STAMP) $(ASSETS)

# Reinstalls only when pyproject.toml changes, so `make test` is fast on a warm machine.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 12), f"Python >= 3.12 needed, venv has {sys.version}"'
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

# Solara's front-end bundles, fetched from the npm registry into Solara's CDN cache (offline dashboard).
$(ASSETS): $(STAMP) scripts/install_assets.sh
	bash scripts/install_assets.sh $(VENV)
	@touch $@

# Debian's Chromium for the real-browser tests (installed with apt only when missing).
browser-deps:
	@bash scripts/ensure_chromium.sh

app: install
	@echo "Dashboard: http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	SOLARA_TELEMETRY_MIXPANEL_ENABLE=false PYTHONWARNINGS="ignore:Cookies with samesite=none:UserWarning" \
		$(VENV)/bin/solara run app.py --host $(HOST) --port $(PORT) --production --no-open

test: install browser-deps
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not browser and not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m benchmarks

experiment: install
	$(PY) -m experiments run experiments/specs/example.toml --out out/ --resume
	$(PY) -m experiments plot out/example

docs: install
	$(PY) scripts/gen_param_table.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out artifacts
