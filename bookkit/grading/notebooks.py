"""Where the exercises, answers and checks are in a notebook (a chapter or a student's copy).

A code exercise's *answer* is every code cell after the Markdown cell that holds its
``{exercise}`` directive, up to the next such cell, except check cells. In a chapter those are
the cells of its gated solution; in the student edition, the answer cell that
``make student`` inserts and any cells the student adds beside it. Cells carry
``metadata.rectified`` = ``{"answer": label}`` or ``{"check": label}`` in the student edition,
so an answer cell moved elsewhere is still found.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import nbformat

from .. import settings
from .checks import CHECKS, HAND_GRADED

EXERCISE = re.compile(r"^\s*(?:`{3,}|:{3,})\{exercise\}.*?^\s*:label:\s*(\S+)", re.M | re.S)
META = "rectified"


def exercise_labels(cell) -> list[str]:
    """Labels of the ``{exercise}`` directives of a Markdown cell."""
    if cell.get("cell_type") != "markdown":
        return []
    return re.findall(r"^\s*:label:\s*(ex-\S+)", "\n".join(
        m.group(0) for m in EXERCISE.finditer(cell.get("source", ""))), re.M)


def role(cell) -> tuple[str, str] | None:
    """("answer" | "check", label) from a cell's metadata, or None."""
    meta = cell.get("metadata", {}).get(META)
    if isinstance(meta, dict):
        for kind in ("answer", "check"):
            if isinstance(meta.get(kind), str):
                return kind, meta[kind]
    return None


def answers(nb) -> tuple[dict[str, list[str]], list[str]]:
    """The source of each exercise's answer cells, by label, and notes on the layout."""
    found: dict[str, list[str]] = {}
    notes: list[str] = []
    current = None
    placed = set()  # answer cells found in their exercise's place
    for index, cell in enumerate(nb.cells):
        labels = exercise_labels(cell)
        if labels:
            current = labels[-1]
            found.setdefault(current, [])
            continue
        if cell.get("cell_type") != "code" or current is None:
            continue
        kind = role(cell)
        if kind and kind[0] == "check":
            if cell.source.strip() != check_source(kind[1]).strip():
                notes.append(f"the check cell of {kind[1]} was edited: the grader ran its own")
            continue
        if kind and kind[0] == "answer":
            if kind[1] != current:
                continue  # moved: collected below
            placed.add(index)
        found[current].append(cell.source)
    for index, cell in enumerate(nb.cells):
        kind = role(cell)
        if cell.get("cell_type") == "code" and kind and kind[0] == "answer" \
                and index not in placed:
            found.setdefault(kind[1], []).append(cell.source)
            notes.append(f"the answer cell of {kind[1]} was moved away from its exercise: "
                         "graded where it is")
    return found, notes


def chapter_of(labels) -> Path | None:
    """The chapter a notebook belongs to, from the labels of its exercises."""
    numbers = [int(label.split("-")[1].removeprefix("ch")) for label in labels
               if label in CHECKS or label in HAND_GRADED]
    if not numbers:
        return None
    number = max(set(numbers), key=numbers.count)
    return next((path for path in settings.chapters() if path.name.startswith(f"{number:02d}_")),
                None)


@cache
def preamble(chapter: Path) -> str:
    """The import statements of a chapter (of its source in book/, never a submission's)."""
    nb = nbformat.read(chapter, as_version=4)
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "%" in cell.source:
            continue  # the Colab set-up cell (a %pip line) is not Python
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.append(ast.get_source_segment(cell.source, node))
    return "\n".join(dict.fromkeys(lines))


def answer_source(label: str) -> str:
    """The answer cell of ``label`` in the student edition: what to define, nothing defined."""
    check = CHECKS[label]
    return (f"# Your answer to the exercise above ({label}): {check.task}.\n"
            "# `make grade` runs the chapter's imports and this cell (and cells you add before "
            "the check),\n# not the rest of the chapter: define here everything your answer "
            "uses.\n")


def check_source(label: str) -> str:
    """The check cell of ``label`` in the student edition."""
    return ("# Check your answer: run this cell after your answer cell. (Editing it changes "
            "nothing:\n# `make grade` runs its own copy.)\n"
            f"from bookkit.grading import check\n\ncheck({label!r})\n")
