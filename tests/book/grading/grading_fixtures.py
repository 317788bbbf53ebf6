"""Stand-in submissions for `make grade`: tiny notebooks with the book's exercise cells.

Each is a student edition in miniature (an exercise of chapter 1 with its answer and check cells
as ``make student`` inserts them, and one graded by hand), answered in one way: right, wrong,
not at all, or badly. ``python tests/book/grading/grading_fixtures.py DIR`` writes them into DIR,
so that ``make grade SUBMISSIONS=DIR`` shows every case.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from bookkit.grading.checks import CHECKS
from bookkit.pipeline.student import add_checks


def exercise(label: str) -> str:
    return f"```{{exercise}} A stand-in\n:label: {label}\n\nThe task.\n```\n"


def student_notebook(*labels: str, answers: dict[str, str] | None = None):
    """A notebook with these exercises, as distributed, then with ``answers`` filled in."""
    nb = new_notebook(cells=[new_markdown_cell("# A stand-in chapter\n")]
                      + [new_markdown_cell(exercise(label)) for label in labels])
    add_checks(nb)
    for cell in nb.cells:
        meta = cell.metadata.get("rectified", {})
        if "answer" in meta and meta["answer"] in (answers or {}):
            cell.source = answers[meta["answer"]]
    return nb


RIGHT = CHECKS["ex-ch1-min"].reference
WRONG = "def relu_min(x):\n    return -min(0.0, -x)\n"
ONE_SIDED = CHECKS["ex-ch3-one-sided"].reference


def submissions() -> dict[str, object]:
    """File name (inside the folder of submissions) -> notebook, or bytes for raw files."""
    ch1 = ("ex-ch1-min", "ex-ch1-census")
    found = {
        "right.ipynb": student_notebook(*ch1, answers={"ex-ch1-min": RIGHT}),
        "unanswered.ipynb": student_notebook(*ch1),
        "wrong.ipynb": student_notebook(*ch1, answers={"ex-ch1-min": WRONG}),
        "raises.ipynb": student_notebook(*ch1, answers={
            "ex-ch1-min": "def relu_min(x):\n    raise ValueError('not yet')\n"}),
        "loops.ipynb": student_notebook(*ch1, answers={"ex-ch1-min": "while True:\n    pass\n"}),
        "loops_in_check.ipynb": student_notebook(*ch1, answers={
            "ex-ch1-min": "def relu_min(x):\n    while True:\n        pass\n"}),
        "prints.ipynb": student_notebook(*ch1, answers={
            "ex-ch1-min": "for _ in range(100):\n    print('x' * 100_000)\n" + RIGHT}),
        "exits.ipynb": student_notebook(*ch1, answers={
            "ex-ch1-min": "import os\nos._exit(1)\n"}),
        "deletes.ipynb": student_notebook(*ch1, answers={"ex-ch1-min": (
            "import os, shutil\n"
            "here = os.getcwd()\n"
            "for name in os.listdir(here):\n    os.remove(name)\n"
            "shutil.rmtree(os.path.dirname(here))  # its own folder and everything beside it\n"
            + RIGHT)}),
        "not_a_notebook.txt": b"my answers are on paper\n",
        "broken.ipynb": b'{"cells": [{"cell_type": "code", "source": "x = 1"',
    }
    # Edits the check cell and redefines the checker, with a wrong answer.
    cheat = student_notebook(*ch1, answers={"ex-ch1-min": WRONG + (
        "\n\ndef check(label):\n    print('Exercise', label, ': 5 of 5 checks passed.')\n\n"
        "import bookkit.grading\nbookkit.grading.check = check\n")})
    for cell in cheat.cells:
        if "check" in cell.metadata.get("rectified", {}):
            cell.source = "print('5 of 5 checks passed')\n"
    found["cheats.ipynb"] = cheat
    # Cells deleted and reordered: the exercise's Markdown cell is gone and the answer cell
    # (right) moved to the top, the check cell deleted.
    moved = student_notebook(*ch1, answers={"ex-ch1-min": RIGHT})
    answer = next(c for c in moved.cells if c.metadata.get("rectified", {}).get("answer"))
    moved.cells = [answer] + [c for c in moved.cells if c is not answer
                              and "ex-ch1-min" not in c.source]
    found["reordered.ipynb"] = moved
    # One student per folder: two notebooks of two chapters, any names.
    found["dora/first try.ipynb"] = student_notebook(*ch1, answers={"ex-ch1-min": RIGHT})
    found["dora/ch3.ipynb"] = student_notebook("ex-ch3-one-sided", "ex-ch3-abs",
                                               answers={"ex-ch3-one-sided": ONE_SIDED})
    return found


def write(folder: Path) -> Path:
    for name, content in submissions().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            nbformat.write(content, path)
    return folder


if __name__ == "__main__":
    write(Path(sys.argv[1]))
