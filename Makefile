# carelib: the everyday commands. `make report` and `make test` do all the set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
# The lock: every package's exact version, for every platform and Python 3.11+. Every
# install below is constrained by it, so next year's install gives this year's numbers.
# `make lock` regenerates it from pyproject.toml.
LOCK   := constraints.txt
RUNSTAMP := $(VENV)/.carelib-run-installed
STAMP  := $(VENV)/.carelib-installed
LABSTAMP := $(VENV)/.carelib-lab-installed
LOWEST := .venv-lowest
MONTH  ?= latest
DATA   ?= data

.DEFAULT_GOAL := help
.PHONY: help report test bench lab lint format demo-data node clean-reports lock \
	wheel wheel-check lowest

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

# What running needs, nothing more (no test, lint or browser tooling): `make report`.
$(RUNSTAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -c $(LOCK) -e .
	touch $(RUNSTAMP)

# Plus test, lint and build tooling: `make test`, `make lint`.
$(STAMP): $(RUNSTAMP)
	$(PIP) install -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

demo-data: $(RUNSTAMP)  ## write the demo data into data/ if no month is there yet
	@if ls -d $(DATA)/[0-9][0-9][0-9][0-9]-[0-9][0-9] >/dev/null 2>&1; then \
	  echo "Data found in $(DATA)/ (demo data not regenerated)"; \
	else $(BIN)/carelib demo-data --out $(DATA); fi

report: demo-data  ## build the latest month's reports (MONTH=2025-09 or MONTH=all to choose)
	$(BIN)/carelib report --data $(DATA) --month $(MONTH)

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

node:
	@$(MAKE) --no-print-directory node_modules/axe-core/axe.min.js || true

# Two workers (pytest-xdist), one test file each at a time; the report builds the tests
# share are made once per run (tests/conftest.py). `make test PYTEST_ARGS=-n0` runs serially.
PYTEST_ARGS ?= -n 2 --dist loadfile
test: $(STAMP) node  ## run every test
	$(BIN)/python -m pytest -q --durations=15 $(PYTEST_ARGS)

bench: demo-data  ## run the performance benchmark (writes benchmarks/results.json)
	$(BIN)/python benchmarks/run.py

$(LABSTAMP): $(STAMP)
	$(PIP) install -c $(LOCK) -e '.[dev,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name carelib --display-name "Python (carelib)"
	$(BIN)/pre-commit install >/dev/null 2>&1 || true
	touch $(LABSTAMP)

lab: $(LABSTAMP) demo-data  ## open JupyterLab on the notebooks with the carelib kernel
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)  ## ruff over the package, tests and notebooks
	$(BIN)/ruff check carelib tests notebooks benchmarks tools
	$(BIN)/ruff format --check carelib tests notebooks benchmarks tools

format: $(STAMP)  ## format the code
	$(BIN)/ruff format carelib tests notebooks benchmarks tools

lock: $(STAMP)  ## regenerate constraints.txt (uv pip compile) from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
	  --upgrade --quiet --annotation-style line --custom-compile-command "make lock" -o $(LOCK)

wheel: $(STAMP)  ## build the wheel into dist/ (what a council's IT installs)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

wheel-check: $(STAMP)  ## build the wheel, install it with the locked dependencies into a fresh venv, run a month
	$(BIN)/python tools/wheel_check.py --lock $(LOCK)

# The lowest versions pyproject.toml allows (uv's lowest-direct resolution), in a venv
# of their own: a one-month report and a quick subset of the tests must pass there.
lowest: $(STAMP)  ## prove the declared lower bounds: lowest-versions install, a month's report, quick tests
	rm -rf $(LOWEST) && $(PYTHON) -m venv --without-pip $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e .
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python pytest
	$(BIN)/python tools/wheel_check.py --report-only --python $(LOWEST)/bin/python
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider tests/test_config.py \
	  tests/test_loading.py tests/test_workforce.py tests/test_plan.py tests/test_contracts.py \
	  tests/test_privacy_scan.py tests/test_disclosure_audit.py tests/test_retention.py tests/test_publish.py
	@$(LOWEST)/bin/python -c "from carelib import runner; v = runner.package_versions(); \
	  print('lowest versions verified:', ', '.join(f'{n} {v[n]}' for n in ('python', \
	  'pandas', 'numpy', 'great-expectations', 'matplotlib', 'seaborn', 'papermill', \
	  'nbconvert', 'nbformat', 'ipykernel', 'openpyxl', 'filelock', 'pyahocorasick', \
	  'scipy', 'lifelines') if n in v))"
