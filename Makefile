# carelib: the everyday commands. `make report` and `make test` do all the set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.carelib-installed
LABSTAMP := $(VENV)/.carelib-lab-installed
MONTH  ?= latest
DATA   ?= data

.DEFAULT_GOAL := help
.PHONY: help report test bench lab lint format demo-data node clean-reports

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo-data: $(STAMP)  ## write the demo data into data/ if no month is there yet
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

test: $(STAMP) node  ## run every test
	$(BIN)/python -m pytest -q

bench: demo-data  ## run the performance benchmark (writes benchmarks/results.json)
	$(BIN)/python benchmarks/run.py

$(LABSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,lab]'
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
