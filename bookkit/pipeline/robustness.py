"""Re-execute every chapter under other numerics and other seeds (``make robustness``).

    python -m bookkit.pipeline.robustness [book/NN_name.ipynb ...]

Each variant of settings.ROBUSTNESS_VARIANTS changes NumPy's SIMD paths, OpenBLAS's kernels
and every seed of the chapters (RECTIFIERS_SEED_OFFSET). Nothing is stored and no digit is
compared: a variant passes when every cell runs, that is when every claim beside a sentence
of the prose (bookkit.claims) holds. A failed claim names the sentence.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nbclient.exceptions import CellExecutionError

from .. import numerics, settings
from .execute import execute


def run(path: Path, name: str, changes: dict[str, str]) -> tuple[str, float]:
    """``""`` when ``path`` runs through under the variant, else what failed."""
    env = {**settings.numerics_env(), **changes}
    start = time.perf_counter()
    try:
        execute(path, env)
    except CellExecutionError as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        claims = [line for line in lines if "ClaimFailed" in line]
        return (claims or lines[-1:])[-1], time.perf_counter() - start
    return "", time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or settings.chapters()
    # A variant that computes the reference's bits would test the seeds only: say so.
    reference = numerics.reference()["fingerprint"]
    for name, changes in settings.ROBUSTNESS_VARIANTS.items():
        found = numerics.measure({**settings.numerics_env(), **changes})["fingerprint"]
        same = " (the reference's own numerics here: only the seeds differ)" * (
            found == reference)
        print(f"{name:<40} numerics fingerprint {found}{same}")
    jobs = [(path, name, changes) for name, changes in settings.ROBUSTNESS_VARIANTS.items()
            for path in paths]
    failed = 0
    # execute() sets the kernel's environment in this process: one kernel start at a time is
    # handled by running each job in its own process.
    with ThreadPoolExecutor(max_workers=settings.PARALLEL) as pool:
        results = pool.map(lambda job: _in_subprocess(*job), jobs)
        for (path, name, _), (problem, seconds) in zip(jobs, results, strict=True):
            status = "ok" if not problem else f"FAILED: {problem}"
            print(f"{name:<40} {path.name:<24} {seconds:6.1f} s  {status}", flush=True)
            failed += bool(problem)
    print(f"robustness: {len(jobs) - failed} passed, {failed} failed "
          f"({len(settings.ROBUSTNESS_VARIANTS)} variants x {len(paths)} chapters)")
    return 1 if failed else 0


def _in_subprocess(path: Path, name: str, changes: dict[str, str]) -> tuple[str, float]:
    import json
    import subprocess

    code = ("import json, sys; from pathlib import Path; "
            "from bookkit.pipeline.robustness import run; "
            "print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]))))")
    done = subprocess.run([sys.executable, "-c", code, str(path), name, json.dumps(changes)],
                          capture_output=True, text=True, cwd=settings.ROOT)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["crashed"])[-1], 0.0
    problem, seconds = json.loads(done.stdout.strip().splitlines()[-1])
    return problem, seconds


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
