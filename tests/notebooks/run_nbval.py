"""Strict nbval on every chapter, one pytest per chapter, as many at a time as there are cores.

    python tests/notebooks/run_nbval.py book/00_why_relu.ipynb book/01_relu_max.ipynb ...

Each chapter runs in its own ``pytest --nbval`` (its own kernel), the largest notebooks
first; each report is printed whole, so reports never interleave. What one chapter's run
checks is exactly what ``pytest --nbval ... book/NN_name.ipynb`` checks (CONTRIBUTING.md).
The exit status is non-zero when any chapter fails. Extra pytest options go after ``--``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with",
         str(ROOT / "tests" / "nbval_sanitize.cfg"), "-p", "no:randomly", "-q"]


# A kernel that never came up (a busy machine, two kernels racing for one free port) says
# nothing about the chapter: that run is repeated once, and the report says so.
NO_KERNEL = "Kernel didn't respond"


def run(path: Path, extra: list[str]) -> tuple[Path, int, str, float]:
    start = time.perf_counter()
    command = [sys.executable, "-m", "pytest", *NBVAL, *extra, str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    report = done.stdout + done.stderr
    if done.returncode != 0 and NO_KERNEL in report:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        report = (f"(the kernel did not start on the first try; run again)\n"
                  f"{done.stdout}{done.stderr}")
    return path, done.returncode, report, time.perf_counter() - start


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    paths = [Path(a) for a in (argv[:argv.index("--")] if "--" in argv else argv)]
    if not paths:
        raise SystemExit(__doc__)
    # Largest first: the long chapters start early and the short ones fill the gaps.
    paths.sort(key=lambda p: p.stat().st_size, reverse=True)
    failed = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for path, code, report, seconds in pool.map(lambda p: run(p, extra), paths):
            print(f"--- nbval {path} ({seconds:.1f} s)\n{report.rstrip()}", flush=True)
            if code != 0:
                failed.append(str(path))
    print(f"nbval: {len(paths) - len(failed)} passed, {len(failed)} failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
