"""Execute chapters in place, top to bottom, and store their outputs (``make notebooks``).

    python -m bookkit.pipeline.execute [book/NN_name.ipynb ...]   # default: every chapter

Each notebook runs in a fresh kernel in ``book/``, under the book's numerics and hash seed
(bookkit.settings), so execution counts are 1..n and outputs are what nbval will compare.
The numerics fingerprint they were stored under is recorded (bookkit.numerics).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .. import numerics, settings


def execute(path: Path, env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh python3 kernel under ``env`` (default: the book's numerics);
    return the executed notebook (not saved)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=settings.cell_timeout(), kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel inherits this process's environment.
    saved = dict(os.environ)
    os.environ.update(settings.numerics_env() if env is None else env)
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def main(paths: list[str]) -> None:
    for path in [Path(p) for p in paths] or settings.chapters():
        start = time.perf_counter()
        nbformat.write(execute(path), path)
        print(f"executed {path} in {time.perf_counter() - start:.1f} s")
    numerics.record()


if __name__ == "__main__":
    main(sys.argv[1:])
