"""Build the HTML book with ``-n -W --keep-going``: the one recipe behind ``make book`` and
``make test``'s build check.

    python tests/notebooks/build_book.py execute   # make book: run every chapter, then build
    python tests/notebooks/build_book.py stored    # make test: render the stored outputs

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
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
MODES = {"execute": "cache", "stored": "off"}


def write_config(mode: str) -> Path:
    """``_config.yml`` with execution ``mode`` (myst-nb's name) and absolute paths."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = mode
    execute["cache"] = str(CACHE)
    sphinx = config.setdefault("sphinx", {})
    # Paths in a configuration file are read relative to that file: make them absolute.
    sphinx["local_extensions"] = {
        name: str((ROOT / path).resolve())
        for name, path in (sphinx.get("local_extensions") or {}).items()
    }
    out = BUILD / "config" / f"_config.{mode}.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, sort_keys=False))
    return out


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
    config = write_config(mode)
    if mode == "cache":
        timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
        execute_into_cache(sorted((ROOT / "book").glob("[0-9]*.ipynb")), timeout)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--all",
               "-n", "-W", "--keep-going", "--config", str(config)]
    sys.exit(subprocess.call(command, cwd=ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
