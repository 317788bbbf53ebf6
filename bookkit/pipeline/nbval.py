"""nbval on every chapter, one pytest per chapter, as many at a time as there are cores.

    python -m bookkit.pipeline.nbval [book/NN_name.ipynb ...] [-- pytest options]

Strict where this machine computes the reference numerics (bookkit.numerics): every stored
output is compared. Elsewhere (another processor family, another OS) the stored outputs differ
in their last bits, so the run says so in one line and runs nbval's lax mode: every cell is
executed and every claim of the prose is asserted, but digits are not compared.
``RECTIFIERS_NBVAL=strict|lax`` forces a mode. The outputs are stored under one hash seed and
checked under another, so an output that depends on set or dict order fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import numerics, settings

# A kernel that never came up (a busy machine, two kernels racing for one free port) says
# nothing about the chapter: that run is repeated once, and the report says so.
NO_KERNEL = "Kernel didn't respond"


def mode() -> tuple[str, str]:
    """``("strict" | "lax", why)``."""
    forced = settings.env("RECTIFIERS_NBVAL")
    if forced:
        if forced not in ("strict", "lax"):
            raise SystemExit(f"RECTIFIERS_NBVAL must be strict or lax, not {forced!r}")
        return forced, f"RECTIFIERS_NBVAL={forced}"
    same, why = numerics.matches_reference()
    return ("strict" if same else "lax"), why


def run(path: Path, options: list[str], env: dict[str, str]) -> tuple[Path, int, str, float]:
    start = time.perf_counter()
    command = [sys.executable, "-m", "pytest", *options, str(path)]
    done = subprocess.run(command, cwd=settings.ROOT, capture_output=True, text=True, env=env)
    report = done.stdout + done.stderr
    if done.returncode != 0 and NO_KERNEL in report:
        done = subprocess.run(command, cwd=settings.ROOT, capture_output=True, text=True,
                              env=env)
        report = (f"(the kernel did not start on the first try; run again)\n"
                  f"{done.stdout}{done.stderr}")
    return path, done.returncode, report, time.perf_counter() - start


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    paths = [Path(a) for a in (argv[:argv.index("--")] if "--" in argv else argv)]
    paths = paths or settings.chapters()
    kind, why = mode()
    if kind == "strict":
        print(f"nbval strict: {why}")
    else:
        print(f"nbval lax (every cell runs and every claim is checked, digits are not "
              f"compared): stored outputs are defined for x86-64 Linux under the book's "
              f"numerics, and {why}. See README, 'One book on every machine'.")
    options = ["--nbval" if kind == "strict" else "--nbval-lax", "--nbval-current-env",
               "--nbval-cell-timeout", str(settings.cell_timeout()),
               "--nbval-sanitize-with", str(settings.NBVAL_SANITIZE),
               "-p", "no:randomly", "-q", *extra]
    env = {**os.environ, **settings.numerics_env(), "PYTHONHASHSEED": settings.HASH_SEED_CHECK}
    # Largest first: the long chapters start early and the short ones fill the gaps.
    paths.sort(key=lambda p: p.stat().st_size, reverse=True)
    failed = []
    with ThreadPoolExecutor(max_workers=settings.PARALLEL) as pool:
        for path, code, report, seconds in pool.map(lambda p: run(p, options, env), paths):
            print(f"--- nbval {path} ({seconds:.1f} s)\n{report.rstrip()}", flush=True)
            if code != 0:
                failed.append(str(path))
    print(f"nbval: {len(paths) - len(failed)} passed, {len(failed)} failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
