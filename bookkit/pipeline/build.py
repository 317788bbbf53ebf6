"""Build the HTML book with ``-n -W --keep-going``: the one recipe behind ``make book`` and
``make test``'s build check.

    python -m bookkit.pipeline.build execute   # make book: run every chapter, then build
    python -m bookkit.pipeline.build stored    # make test: render the stored outputs

``execute`` runs every chapter top to bottom in a fresh kernel, as many at a time as the
machine has cores, into a new, empty jupyter-cache; the build then takes each chapter's
outputs from that cache (``execute_notebooks: cache``), so every chapter is executed
exactly once per build, with the same outputs as a one-at-a-time build (each chapter has its
own kernel, seeded generators and ``PYTHONHASHSEED``). Pages that are not chapters (the
status page) are executed by the build itself. ``stored`` turns execution off: nbval has
just executed every chapter and compared it with these very outputs.

Both write the book's ``_config.yml`` with only the execution settings changed to
``_build/config/`` and pass it with ``--config``; ``_config.yml`` itself keeps
``execute_notebooks: force``, so a plain ``jupyter-book build .`` executes every chapter too.
Every chapter runs under the book's numerics (bookkit.settings).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from .. import settings
from .tools import jupyter_book, write_config

CACHE = settings.BUILD / ".jupyter_cache"
MODES = {"execute": "cache", "stored": "off"}


def execute_into_cache(chapters: list[Path], timeout: int) -> None:
    """Execute ``chapters`` in parallel into a fresh jupyter-cache; raise if any failed."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    previous = {}
    if CACHE.exists():
        old = get_cache(str(CACHE))
        # How long each chapter took last time: the longest start first, so that the two
        # workers finish together. Sizes stand in for chapters never executed before.
        previous = {r.uri: r.data.get("execution_seconds") or 0.0
                    for r in old.list_cache_records()}
        old.clear_cache()
    cache = get_cache(str(CACHE))
    for path in sorted(chapters, key=lambda p: (previous.get(str(p), 0.0), p.stat().st_size),
                       reverse=True):
        cache.add_nb_to_project(str(path))
    logger = logging.getLogger("build_book")
    logger.setLevel(logging.INFO)  # multiprocessing then reports one line per chapter
    start = time.perf_counter()
    result = load_executor("local-parallel", cache=cache, logger=logger).run_and_cache(
        timeout=timeout, allow_errors=False)
    failed = result.excepted + result.errored
    for uri in failed:
        record = cache.get_project_record(uri)
        print(f"\n{uri} failed:\n{record.traceback}", file=sys.stderr)
    if failed:
        raise SystemExit(f"{len(failed)} of {len(chapters)} chapters failed to execute")
    print(f"executed {len(chapters)} chapters in {time.perf_counter() - start:.1f} s "
          "(in parallel)")


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in MODES:
        raise SystemExit(__doc__)
    mode = MODES[argv[0]]
    config = write_config(settings.BUILD / "config" / f"_config.{mode}.yml", execute=mode)
    if mode == "cache":
        settings.apply_numerics()  # the executor's kernels inherit this environment
        execute_into_cache(settings.chapters(), settings.cell_timeout())
    sys.exit(jupyter_book(settings.ROOT, "--config", str(config)))


if __name__ == "__main__":
    main(sys.argv[1:])
