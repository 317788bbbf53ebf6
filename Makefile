# Rectified: one venv, pinned by requirements.lock, everything else runs inside it.
# Targets are .PHONY because `book/` and `tests/` are folders: without it `make book` would do nothing.
.PHONY: book test notebooks lint unit nbval build-check hygiene bench lab test-browser clean distclean lock help \
        student pdf torch venv offline-html screenshots numerics robustness grade grade-check

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every setting lives in bookkit/settings.py. Make includes what it prints: the numerics every
# process that make starts runs under (NumPy's SIMD paths, OpenBLAS's kernels and threads, the
# hash seed), exported over whatever the caller's environment says. `make numerics` shows them.
SETTINGS_MK := _build/settings.mk
$(SETTINGS_MK): bookkit/settings.py
	@mkdir -p $(@D)
	@$(PYTHON) bookkit/settings.py make > $@
include $(SETTINGS_MK)

# One recipe per pipeline step, all in bookkit/pipeline (run with python -m).
PIPELINE := $(BIN)/python -m bookkit.pipeline
# The kernels' own settings (IPython reads .venv/etc/ipython/): see the file for what and why.
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
# `make test` runs these side by side (see the test target) and prints the time each took.
TEST_STEPS := lint nbval unit build-check hygiene offline-html

help:
	@echo "make book      build the HTML book into _build/html (executes every chapter)"
	@echo "make test      all of: $(TEST_STEPS), side by side (prints each step's time)"
	@echo "  make lint         ruff on src, tests, benchmarks and the chapters"
	@echo "  make unit         unit tests and the docstring examples of src/"
	@echo "  make nbval        execute every chapter, compare with its stored outputs"
	@echo "  make build-check  -W build of the book from the stored outputs (no execution)"
	@echo "  make offline-html the built book loads nothing from another host (no browser)"
	@echo "  make hygiene      checks of the stored notebooks (structure, outputs; no execution)"
	@echo "make notebooks re-execute every chapter in place and store its outputs"
	@echo "make numerics  the numerics in effect, and whether they are the stored outputs'"
	@echo "make robustness every chapter under other numerics and seeds: every claim must hold"
	@echo "make bench     run the array benchmark of chapter 2"
	@echo "make torch     install CPU PyTorch into the venv (optional: enables the PyTorch comparisons)"
	@echo "make lab       open the chapters in JupyterLab"
	@echo "make test-browser  open every page of the built book in headless Chromium"
	@echo "make screenshots   the page tests of test-browser, saving every page's screenshots"
	@echo "make student   student edition without solutions: _build/student/{html,notebooks}"
	@echo "make pdf       the whole book as one PDF: _build/pdf/rectified.pdf (Debian chromium)"
	@echo "make grade SUBMISSIONS=dir  grade students' notebooks: _build/grades/{grades.csv,feedback/}"
	@echo "make grade-check  the grader's tests on stand-in submissions and a class folder (after make student)"
	@echo "make venv      create .venv from requirements.lock (every target does this first)"
	@echo "make lock      re-pin requirements.lock from pyproject.toml"
	@echo "make clean     remove _build and the tools' caches; make distclean also the venv"

# The venv is rebuilt only when the lock, the projects' metadata or the compiled loops change.
# The library (the root) and the book's code (bookkit/) are installed editable, side by side.
$(STAMP): requirements.lock pyproject.toml bookkit/pyproject.toml setup.py src/rectifiers/_relu.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e . -e ./bookkit
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

venv: $(STAMP)

$(KERNEL_CONFIG): bookkit/pipeline/ipython_kernel_config.py $(STAMP)
	mkdir -p $(@D)
	cp $< $@

book: $(STAMP) $(KERNEL_CONFIG)
	rm -f $(HTML_INDEX)
	$(MAKE) --no-print-directory $(HTML_INDEX)
	@echo "Book built: $(CURDIR)/_build/html/index.html"

# Each chapter is executed once (by nbval); the build renders the outputs nbval verifies.
# The steps run side by side, PARALLEL at a time (one per core, bookkit/settings.py), nbval's
# chapters in parallel too: each step's output appears when it ends, then every step's time
# and the wall time of the whole. A failed step does not stop the others (--keep-going).
TIMED := $(addprefix timed-,$(TEST_STEPS))
PRINT_TIMES := awk '$$1 == "wall" { wall = $$2; next } \
                    { printf "  %-13s %6.1f s%s\n", $$1, $$2 / 1000, $$3 ? "  FAILED" : "" } \
                    END { printf "  %-13s %6.1f s\n", "total (wall)", wall / 1000 }' _build/test-times.txt
test: $(STAMP) $(KERNEL_CONFIG)
	@mkdir -p _build; : > _build/test-times.txt; start=$$(date +%s%N); status=0; \
	$(MAKE) --no-print-directory -j$(PARALLEL) --output-sync=target --keep-going $(TIMED) \
	  || status=$$?; \
	echo "wall $$(( ($$(date +%s%N) - start) / 1000000 ))" >> _build/test-times.txt; \
	if [ $$status -ne 0 ]; then echo "make test: a step failed (see above). Time per step:"; \
	else echo "make test: all checks passed. Time per step:"; fi; \
	$(PRINT_TIMES); exit $$status

# One step of make test, timed: the step's name, milliseconds and exit status.
.PHONY: $(TIMED)
$(TIMED): timed-%: $(STAMP) $(KERNEL_CONFIG)
	@start=$$(date +%s%N); status=0; $(MAKE) --no-print-directory $* || status=$$?; \
	echo "$* $$(( ($$(date +%s%N) - start) / 1000000 )) $$status" >> _build/test-times.txt; \
	exit $$status
timed-offline-html: timed-build-check  # it reads the HTML that build-check writes

lint: $(STAMP)
	$(BIN)/ruff check src bookkit tests benchmarks book

# The library's tests and docstring examples, then the book code's.
unit: $(STAMP)
	$(BIN)/python -m pytest tests/library tests/bookkit src bookkit --doctest-modules -q

# Strict where this machine has the reference numerics, lax (every cell and claim, no digits)
# elsewhere: see bookkit/pipeline/nbval.py and `make numerics`.
nbval: $(STAMP) $(KERNEL_CONFIG)
	$(PIPELINE).nbval

build-check: $(STAMP) $(KERNEL_CONFIG)
	rm -rf _build/html
	$(PIPELINE).build stored

offline-html: $(STAMP)
	$(BIN)/python -m pytest tests/book/browser/test_offline_html.py -q -p no:randomly

hygiene: $(STAMP)
	$(BIN)/python -m pytest tests/book/notebooks -q

notebooks: $(STAMP) $(KERNEL_CONFIG)
	$(PIPELINE).execute

# The numerics in effect (settings, SIMD paths, BLAS kernels) and whether they are the ones the
# stored outputs were made under.
numerics: $(STAMP)
	$(BIN)/python -m bookkit.numerics

# Every chapter again under other numerics and other seeds: every claim must hold in each.
robustness: $(STAMP) $(KERNEL_CONFIG)
	$(PIPELINE).robustness

bench: $(STAMP)
	$(BIN)/python benchmarks/relu_arrays.py

# JupyterLab is an optional extra, not in the lock; -c keeps every locked package at its pin.
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock "jupyterlab>=4,<5"
	$(BIN)/jupyter lab book

# The browser tests open the built book: it is (re)built only when missing or older than its
# sources, so after `make test` (whose build-check builds it) they test that very build.
# A failed build leaves no index.html behind, so the next run builds again.
HTML_INDEX   := _build/html/index.html
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.ipynb book/*.md book/*.bib book/_static/*) \
                $(wildcard src/rectifiers/*.py bookkit/*.py bookkit/*/*.py)

$(HTML_INDEX): $(STAMP) $(KERNEL_CONFIG) $(BOOK_SOURCES)
	$(PIPELINE).build execute || { rm -f $@; exit 1; }
	touch $@

# Headless Debian Chromium (apt-get install chromium); fails, rather than skips, without it.
# Checks what a reader sees at 1280 px light/dark and 390 px (tests/book/browser/checks.py),
# two pages at a time (RECTIFIERS_BROWSER_WORKERS), and proves each check on the broken pages
# of tests/book/browser/fixtures. Screenshots go to _build/screenshots: only of a page and
# mode where a check failed; `make screenshots` runs the page tests and saves all of them.
test-browser: $(HTML_INDEX)
	RECTIFIERS_BROWSER_REQUIRED=1 $(BIN)/python -m pytest tests/book/browser -q

screenshots: $(HTML_INDEX)
	RECTIFIERS_BROWSER_REQUIRED=1 RECTIFIERS_SCREENSHOTS=1 \
	  $(BIN)/python -m pytest tests/book/browser/test_pages.py -q
	@echo "Screenshots: $(CURDIR)/_build/screenshots/"

# Optional: PyTorch for the library's comparison with torch (skipped without it). Not in the
# lock: its default PyPI wheels pull in gigabytes of CUDA libraries; CPU-only is all it needs.
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml bookkit/pyproject.toml --all-extras --universal \
	  --python-version 3.11 -o requirements.lock

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis

distclean: clean
	rm -rf $(VENV)

# Student edition and PDF: built from the stored, nbval-checked outputs (no re-execution),
# into their own folders; each target runs its tests. See book/instructors.md.
student: $(STAMP) $(KERNEL_CONFIG)
	$(PIPELINE).student
	$(BIN)/python -m pytest tests/book/editions/test_student_edition.py -q -p no:randomly
	@echo "Student edition: $(CURDIR)/_build/student/html/index.html and _build/student/notebooks/"

# The exercises' checks on a folder of students' notebooks (one student per file or sub-folder),
# each in its own kernel and folder, offline: see bookkit/grading/grade.py and book/instructors.md.
# Without SUBMISSIONS it grades the student edition as distributed (every check: not attempted;
# the default is settings.SUBMISSIONS_DEFAULT).
grade: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/python -m bookkit.grading.grade $(SUBMISSIONS)

# The grader on stand-in submissions of every bad kind, then on one class folder (the student
# edition, the chapters, the stand-ins): starts kernels, so CI runs it after `make student`.
grade-check: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/python -m pytest tests/book/grading -q -p no:randomly

# Debian's chromium (apt-get install chromium) prints the single-page build; pdftotext and
# pdfinfo (apt-get install poppler-utils) check the result.
pdf: $(STAMP)
	$(PIPELINE).pdf
	$(BIN)/python -m pytest tests/book/editions/test_pdf.py -q -p no:randomly
	@echo "PDF: $(CURDIR)/_build/pdf/rectified.pdf"
