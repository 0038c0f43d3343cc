# Two commands do everything on a fresh machine: `make lab` and `make test`.
# Both create .venv on first use and reinstall when the requirements change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# TensorFlow is silent and deterministic with these, in every process and kernel we start.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

LANDING := notebooks/00_start_here.ipynb
# Jupyter refuses to start as root (containers, CI machines) unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup browser-deps lab test test-fast notebooks exercises grade bench lint clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
	@touch $@

# JupyterLab reads overrides.json from its app-settings directory; the browser tests check it took effect.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_OVERRIDES): jupyter/overrides.json | $(STAMP)
	install -D -m 644 $< $@

## browser-deps: Debian's chromium for tests/browser (apt-get, as root)
browser-deps:
	@sh tools/install_chromium.sh

## lab: JupyterLab on the landing notebook, bound to 127.0.0.1 with a random token
lab: setup $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) \
		--LabApp.default_url=/lab/tree/$(LANDING) $(ALLOW_ROOT)

## test: the whole suite, serially: unit tests, doctests, strict nbval on every notebook
test: setup browser-deps $(LAB_OVERRIDES)
	$(BIN)/python -m pytest

## test-fast: everything but the real-browser suite
test-fast: setup
	$(BIN)/python -m pytest -m "not browser"

## notebooks: re-run every notebook and store normalised outputs (then regenerate the exercises)
notebooks: setup
	$(BIN)/python tools/execute_notebooks.py notebooks solutions
	$(MAKE) exercises

## exercises: write exercises/ from solutions/ (solution regions become stubs), run them
exercises: setup
	$(BIN)/python tools/make_exercises.py

## grade: grade learners' notebooks, e.g. make grade SUBMISSIONS=submissions
SUBMISSIONS ?= exercises
grade: setup
	$(BIN)/python -m poolutils.grade $(SUBMISSIONS)

## bench: speed of poolutils against TensorFlow (prints a table of ratios)
bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(BIN)/python benchmarks/bench_pooling.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check poolutils tests tools benchmarks

clean:
	rm -rf $(VENV) build .pytest_cache
