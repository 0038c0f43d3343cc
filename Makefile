# Two commands do everything on a fresh machine: `make lab` and `make test`.
# Both create .venv on first use and reinstall when the requirements change. `make help` lists the rest.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# JupyterLab's overrides and the kernel's HiDPI figure format, installed into .venv as
# Binder's postBuild installs them (tools/install_jupyter_settings.py says where).
SETTINGS := $(VENV)/.jupyter-settings
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

LANDING := notebooks/00_start_here.ipynb
# Jupyter refuses to start as root (containers, CI machines) unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup setup-test browser-deps sandbox-deps lab test test-fast notebooks exercises grade submissions-folder bench bench-grade bench-suite \
	lint clean

## help: this list
help:
	@awk '/^## / { sub(/^## /, ""); i = index($$0, ": "); \
		printf "  make %-13s %s\n", substr($$0, 1, i - 1), substr($$0, i + 2) }' $(MAKEFILE_LIST)

## setup: .venv with the learner's runtime (requirements.txt), poolutils and the Jupyter settings
setup: $(STAMP) $(SETTINGS)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt -e .
	@touch $@

## setup-test: setup, plus the test and lint tools (requirements-test.txt)
setup-test: setup $(TEST_STAMP)

$(TEST_STAMP): requirements-test.txt $(STAMP)
	$(PIP) -r requirements.txt -r requirements-test.txt
	@touch $@

$(SETTINGS): $(wildcard jupyter/*.json) tools/install_jupyter_settings.py | $(STAMP)
	$(BIN)/python tools/install_jupyter_settings.py
	@touch $@

## browser-deps: Debian's chromium for tests/browser (apt-get, as root; one line of output)
browser-deps:
	@sh tools/install_chromium.sh

## sandbox-deps: Debian's bubblewrap, for the grader's per-kernel sandbox (apt-get, as root; silent when present)
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && \
		echo "sandbox-deps: installing bubblewrap with apt-get" && \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; }; }; } || \
		echo "sandbox-deps: no bubblewrap (install it as root: apt-get install bubblewrap); the grader runs kernels unsandboxed"

## lab: JupyterLab on the landing notebook, bound to 127.0.0.1 with a random token
lab: setup
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) \
		--LabApp.default_url=/lab/tree/$(LANDING) $(ALLOW_ROOT)

## test: the whole suite on every core: unit tests, doctests, strict nbval, the browser and Binder replays
# One pytest-xdist worker per core, at most 4 (each may load TensorFlow); the root conftest says
# which tests must share a worker. Unbuffered: a log cut short (CI's time limit) still shows the
# test that was running. TEST_JOBS=0 runs everything in one process.
TEST_JOBS ?= auto
test: setup-test browser-deps sandbox-deps
	PYTHONUNBUFFERED=1 $(BIN)/python -m pytest -n $(TEST_JOBS) --maxprocesses=4

## test-fast: everything but the real-browser suite and the Binder replay
test-fast: setup-test
	$(BIN)/python -m pytest -n $(TEST_JOBS) --maxprocesses=4 -m "not browser and not binder"

## notebooks: re-run every notebook and store normalised outputs (then regenerate the exercises)
notebooks: setup
	$(BIN)/python tools/execute_notebooks.py notebooks solutions
	$(MAKE) exercises

## exercises: write exercises/ from solutions/ (solution regions become stubs), run them
exercises: setup
	$(BIN)/python tools/make_exercises.py

## grade: grade submissions/<learner>/*.ipynb (or SUBMISSIONS=folder); table, grades/grades.csv, feedback, summary
SUBMISSIONS ?= submissions
GRADE_ARGS ?= --csv grades/grades.csv --feedback grades/feedback --summary grades/summary
grade: submissions-folder setup sandbox-deps
	$(BIN)/python -m poolutils.grade $(SUBMISSIONS) $(GRADE_ARGS)

# Checked before anything is installed.
submissions-folder:
	@test -d "$(SUBMISSIONS)" || { \
		echo "make grade: there is no folder '$(SUBMISSIONS)'. Put each learner's notebooks in" \
			"$(SUBMISSIONS)/<learner>/, or name another folder: make grade SUBMISSIONS=path/to/folder"; \
		exit 1; }

## bench: speed of poolutils against TensorFlow (prints a table of ratios)
bench: setup
	$(PIP) -r requirements-bench.txt
	$(BIN)/python benchmarks/bench_pooling.py

## bench-grade: how long grading 30 learners x 6 notebooks takes, and one kernel's memory (4-15 min)
bench-grade: setup
	$(BIN)/python benchmarks/bench_grade.py --kernel-memory

## bench-suite: where make test's CPU time goes, per work unit, and the wall-time floor it sets (as long as make test)
bench-suite: setup-test browser-deps sandbox-deps
	$(BIN)/python benchmarks/bench_suite.py $(if $(filter auto,$(TEST_JOBS)),,--jobs $(TEST_JOBS))

## lint: ruff check and ruff format --check
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check poolutils tests tools benchmarks

## clean: remove .venv, build/ and pytest's cache
clean:
	rm -rf $(VENV) build .pytest_cache
