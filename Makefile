# Rectified: one venv, pinned by requirements.lock, everything else runs inside it.
# Targets are .PHONY because `book/` and `tests/` are folders: without it `make book` would do nothing.
.PHONY: book test notebooks lint unit nbval build-check hygiene bench lab test-browser clean distclean lock help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# A fixed hash seed everywhere (the kernel keeps its inline backend: no MPLBACKEND here).
export PYTHONHASHSEED := 0
# One BLAS thread: the chapters' small matrix products are faster and bit-for-bit repeatable.
export OPENBLAS_NUM_THREADS := 1

CHAPTERS := $(sort $(wildcard book/[0-9]*.ipynb))
# --all: re-read every page, so every chapter is re-executed even when only src/ changed.
JB_BUILD := $(BIN)/jupyter-book build . --all -n -W --keep-going

help:
	@echo "make book      build the HTML book into _build/html (executes every chapter)"
	@echo "make test      lint, unit tests, strict nbval, -W book build, notebook hygiene"
	@echo "make notebooks re-execute every chapter in place and store its outputs"
	@echo "make bench     run the array benchmark of chapter 2"
	@echo "make torch     install CPU PyTorch into the venv (optional: enables tests/test_against_torch.py)"
	@echo "make lab       open the chapters in JupyterLab"
	@echo "make test-browser  open every page of the built book in headless Chromium"

# The venv is rebuilt only when the lock or the project metadata change.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(JB_BUILD)
	@echo "Book built: $(CURDIR)/_build/html/index.html"

test: $(STAMP) lint unit nbval build-check hygiene
	@echo "make test: all checks passed"

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard src tests benchmarks book)

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/notebooks --ignore=tests/browser -q

# Strict nbval: every stored output is compared; the sanitize file masks only machine-dependent text.
nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -p no:randomly -q $(CHAPTERS)

build-check: $(STAMP)
	rm -rf _build/html
	$(JB_BUILD)

hygiene: $(STAMP)
	$(BIN)/python -m pytest tests/notebooks -q

notebooks: $(STAMP)
	$(BIN)/python tests/notebooks/execute.py $(CHAPTERS)

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
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.ipynb book/*.md book/*.bib book/_ext/*.py) \
                $(wildcard src/rectifiers/*.py)

$(HTML_INDEX): $(STAMP) $(BOOK_SOURCES)
	$(JB_BUILD) || { rm -f $@; exit 1; }
	touch $@

# Headless Debian Chromium (apt-get install chromium); fails, rather than skips, without it.
test-browser: $(HTML_INDEX)
	RECTIFIERS_BROWSER_REQUIRED=1 $(BIN)/python -m pytest tests/browser -q

# Optional: PyTorch for tests/test_against_torch.py (skipped without it). Not in the lock:
# its default PyPI wheels pull in gigabytes of CUDA libraries; CPU-only is all the tests need.
.PHONY: torch
torch: $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis

distclean: clean
	rm -rf $(VENV)
