# The two commands of the quick start: `make run` (demo) and `make test`.
# Each creates .venv when it is missing and installs the project into it first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= --quiet --disable-pip-version-check
# pytest-xdist: each test file on one worker (its module fixtures made once, a notebook's cells in one kernel).
PYTEST_PARALLEL ?= -n auto --maxprocesses=4 --dist loadfile

.PHONY: run test lint lab sample bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip
	$(BIN)/python -m pip install $(PIP_FLAGS) -e ".[test,dask,bench,docs]"
	touch $(STAMP)

## run: set up, then run the synthetic demo place (offline) into outputs/demo/
run: $(STAMP)
	$(BIN)/tuttotal run

## test: set up, then lint and run the whole test suite (library, command, notebooks), one worker a core (at most 4)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

## lab: set up, then open the explorer in JupyterLab (notebooks/explore.ipynb)
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/explore.ipynb

lint: $(STAMP)
	$(BIN)/ruff check .

## sample: regenerate data/sample/ (byte for byte the same files)
sample: $(STAMP)
	$(BIN)/python data/sample/make_sample.py

## bench: measure batch speed (benchmarks/batch.py; minutes, not part of the tests)
bench: $(STAMP)
	$(BIN)/python benchmarks/batch.py

## docs: set up, then build the documentation site into site/ (warnings are errors)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf site $(VENV) outputs/*/ outputs/.??*
