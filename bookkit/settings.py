"""Every setting of the book in one place: paths, the chapter list, seeds, numerics, timeouts,
the browser, the build's flags and every environment variable the project reads.

Python code reads it as ``bookkit.settings``. The Makefile includes what
``python3 bookkit/settings.py make`` prints: the numerics environment that ``make`` exports to
every process it starts. This module imports only the standard library at module level, so a
bare ``python3`` (no venv yet) can print that.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

# --- Paths ---------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BUILD = ROOT / "_build"
CONFIG = ROOT / "_config.yml"
TOC = ROOT / "_toc.yml"
LOCK = ROOT / "requirements.lock"
PIPELINE = Path(__file__).resolve().parent / "pipeline"
KERNEL_CONFIG = PIPELINE / "ipython_kernel_config.py"
NBVAL_SANITIZE = PIPELINE / "nbval_sanitize.cfg"
# The numerics the stored outputs were made under (written by `make notebooks`).
NUMERICS_RECORD = ROOT / "bookkit" / "numerics_reference.json"


# --- Environment variables -------------------------------------------------------------------
# Every variable the project reads, with what it does (the README lists this table; a test
# checks that no other RECTIFIERS_* name is read anywhere).
ENVIRONMENT = {
    "RECTIFIERS_SEED_OFFSET": "shift every seed the chapters use by this integer (default 0; "
                              "`make robustness` runs the chapters with 1 and 2)",
    "RECTIFIERS_NBVAL": "`strict` or `lax`: force nbval's mode (default: strict where the "
                        "numerics fingerprint equals the reference, lax elsewhere)",
    "RECTIFIERS_COMPILED_REQUIRED": "`1`: the install fails, and tests fail, without the "
                                    "compiled loops of relu (CI sets it)",
    "RECTIFIERS_TORCH_REQUIRED": "`1`: the PyTorch comparisons fail instead of skipping when "
                                 "torch is missing (CI sets it)",
    "RECTIFIERS_HTML_DIR": "the built book that the browser tests open (default _build/html)",
    "RECTIFIERS_SCREENSHOT_DIR": "where the browser tests save screenshots "
                                 "(default _build/screenshots)",
    "RECTIFIERS_SCREENSHOTS": "`1`: save screenshots of every page, not only of failing ones "
                              "(`make screenshots`)",
    "RECTIFIERS_CHROMIUM": "the Chromium executable (default /usr/bin/chromium)",
    "RECTIFIERS_BROWSER_REQUIRED": "`1`: the browser tests fail instead of skipping without "
                                   "Chromium or a built book (`make test-browser`)",
    "RECTIFIERS_BROWSER_WORKERS": "how many Chromiums open pages at once (default 2, or 1 "
                                  "on one core)",
    "RECTIFIERS_STUDENT_DIR": "the student edition its tests read (default _build/student)",
    "RECTIFIERS_PDF": "the PDF its tests read (default _build/pdf/rectified.pdf)",
}


def env(name: str, default: str = "") -> str:
    """The value of one of the project's variables (a name missing from ENVIRONMENT is a bug)."""
    if name not in ENVIRONMENT:
        raise KeyError(f"{name} is not one of the project's variables (bookkit/settings.py)")
    return os.environ.get(name, default)


# --- Seeds -----------------------------------------------------------------------------------
def seed_offset() -> int:
    """``RECTIFIERS_SEED_OFFSET`` as an int (0 when unset): added to every seed of the chapters."""
    value = env("RECTIFIERS_SEED_OFFSET", "0")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"RECTIFIERS_SEED_OFFSET must be an integer, not {value!r}") from None


# Python's hash seed: the outputs are stored under one and checked under another, so an output
# that depends on set or dict order fails nbval.
HASH_SEED_STORE = "0"
HASH_SEED_CHECK = "1"


# --- Numerics --------------------------------------------------------------------------------
# The reference numerics of the stored outputs (README, "One book on every machine"): NumPy's
# SIMD dispatch capped below AVX-512, OpenBLAS's kernels fixed to Haswell's, one thread. Both
# knobs name x86-64 features, so they are set on x86-64 only; elsewhere the outputs differ in
# their last bits anyway, and `make test` says so (bookkit.numerics).
X86_64_NUMERICS = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
}
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def numerics_env(machine: str | None = None) -> dict[str, str]:
    """The environment every run that stores or checks outputs executes under."""
    machine = (machine or platform.machine()).lower()
    pinned = X86_64_NUMERICS if machine in ("x86_64", "amd64") else {}
    return {**pinned, **THREADS, "PYTHONHASHSEED": HASH_SEED_STORE}


def apply_numerics() -> None:
    """Put :func:`numerics_env` into ``os.environ`` (for the kernels this process starts)."""
    os.environ.update(numerics_env())


# `make robustness`: every chapter once per variant; every claim must hold in each.
# Each changes the numerics (other SIMD paths, other BLAS kernels) and the seeds at once.
ROBUSTNESS_VARIANTS = {
    "baseline SIMD, Sandybridge BLAS, seeds +1": {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
        "OPENBLAS_CORETYPE": "Sandybridge",
        "RECTIFIERS_SEED_OFFSET": "1",
    },
    "AVX2 SIMD, Nehalem BLAS, seeds +2": {
        "OPENBLAS_CORETYPE": "Nehalem",
        "RECTIFIERS_SEED_OFFSET": "2",
    },
}


# --- Execution and build ---------------------------------------------------------------------
def cell_timeout() -> int:
    """Seconds one cell may run, in every execution (make notebooks, nbval, make book,
    robustness): ``execute.timeout`` of ``_config.yml``, which a plain build reads too."""
    import yaml

    return int(yaml.safe_load(CONFIG.read_text())["execute"]["timeout"])


# Chapters executed at once (nbval, make book, robustness): one per core.
PARALLEL = os.cpu_count() or 1
# jupyter-book's flags for every build: nitpicky, warnings are errors, all of them shown,
# every page re-read.
BUILD_FLAGS = ["-n", "-W", "--keep-going", "--all"]


def toc_files() -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (root first), in reading order, without suffix."""
    import yaml

    toc = yaml.safe_load(TOC.read_text())
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []) or []:
        walk(part.get("chapters"))
    return found


def chapters() -> list[Path]:
    """The numbered chapters (``book/NN_name.ipynb``) that ``_toc.yml`` lists, in order."""
    return [ROOT / f"{entry}.ipynb" for entry in toc_files()
            if Path(entry).name[:1].isdigit()]


# --- Browser ---------------------------------------------------------------------------------
CHROMIUM = Path(env("RECTIFIERS_CHROMIUM", "/usr/bin/chromium"))
# No GPU, no network beyond the page, nothing the browser does on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_TIMEOUT_MS = 30_000
# Printing the whole book as one page takes longer than opening one page of it.
PDF_TIMEOUT_MS = 120_000
BROWSER_WORKERS = int(env("RECTIFIERS_BROWSER_WORKERS", str(min(2, os.cpu_count() or 1))))
HTML_DIR = Path(env("RECTIFIERS_HTML_DIR", str(BUILD / "html"))).resolve()
SCREENSHOT_DIR = Path(env("RECTIFIERS_SCREENSHOT_DIR", str(HTML_DIR.parent / "screenshots")))
STUDENT_DIR = Path(env("RECTIFIERS_STUDENT_DIR", str(BUILD / "student")))
PDF = Path(env("RECTIFIERS_PDF", str(BUILD / "pdf" / "rectified.pdf")))


# --- Grading (`make grade`, bookkit/grading) ------------------------------------------------
# Where `make grade` writes grades.csv and one feedback file per student.
GRADES_DIR = BUILD / "grades"
# What `make grade` grades when SUBMISSIONS is not given: the student edition as distributed
# (every auto-graded exercise scores 0 there).
SUBMISSIONS_DEFAULT = STUDENT_DIR / "notebooks"
# Seconds one exercise may take, its answer cells and its check together; then its kernel is
# killed, the exercise scores 0 and the next exercise runs in a fresh kernel.
GRADE_EXERCISE_TIMEOUT = 20
# Seconds a kernel may take to start and import the chapter's modules.
GRADE_KERNEL_START_TIMEOUT = 60
# Bytes of output one exercise may print before its kernel is stopped; and the largest file a
# submission's code may write (RLIMIT_FSIZE in its kernel).
GRADE_OUTPUT_LIMIT = 1_000_000
GRADE_FILE_LIMIT = 50_000_000
# Notebooks graded at once, each in its own kernel: one per core.
GRADE_PARALLEL = PARALLEL


def _make_include() -> str:
    """The Makefile's view of these settings: ``export`` lines that override the caller's
    numerics, and how many steps of ``make test`` run at once."""
    exports = "".join(f"export {name} := {value}\n" for name, value in numerics_env().items())
    return exports + f"PARALLEL := {PARALLEL}\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["make"]:
        sys.stdout.write(_make_include())
    else:
        raise SystemExit("usage: python3 bookkit/settings.py make")
