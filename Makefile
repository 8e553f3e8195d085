# ccdata: newcomer entry points. `make demo` and `make test` work on a fresh machine
# that has only Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test setup lab clean-demo

$(STAMP): pyproject.toml
	@echo "ccdata: creating $(VENV) and installing ccdata with its dependencies (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e ".[test]"
	touch $(STAMP)
	@echo "ccdata: installed in $(VENV)"

setup: $(STAMP)

## Generate the fictional demo place, build its cache, report on it, print the HTML path.
demo: $(STAMP)
	$(VENV)/bin/ccdata demo

## Run the whole test suite, slow tests included (real-data tests run when CCDATA_MIRROR or
## ../shared/data exist); the slowest tests are listed at the end.
test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n 2 --dist loadfile --durations=15

## Register this environment as the Jupyter kernel "ccdata" and open JupyterLab on notebooks/.
lab: $(STAMP)
	$(PY) -m ipykernel install --user --name ccdata --display-name "Python (ccdata)"
	$(VENV)/bin/jupyter lab notebooks/

clean-demo:
	rm -rf data/raw/demo data/processed/demo reports/demo
