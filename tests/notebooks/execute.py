"""Execute chapters in place, top to bottom, and store their outputs (``make notebooks``).

Each notebook runs in a fresh kernel with the book's working directory and a fixed
hash seed, so execution counts are 1..n and outputs are what nbval will compare.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh python3 kernel; return the executed notebook (not saved)."""
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the Makefile: repeatable BLAS
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        start = time.perf_counter()
        nb = execute(path)
        nbformat.write(nb, path)
        print(f"executed {path} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:] or sorted(str(p) for p in (ROOT / "book").glob("[0-9]*.ipynb")))
