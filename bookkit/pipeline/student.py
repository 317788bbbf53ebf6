"""The student edition: every chapter without its solutions (``make student``).

Solutions are written in two ways in the chapters, and both are removed here:

- a ``{solution}`` directive (fenced with backticks or colons) inside a Markdown cell;
- a gated solution: ``{solution-start}`` in a Markdown cell, any cells (prose and code),
  then ``{solution-end}``. sphinx-exercise's ``hide_solutions`` drops only the start
  directive of a gated solution and leaves its content on the page, so the student HTML is
  built from these stripped notebooks (with ``hide_solutions`` on as well).

After each exercise that has a check (``bookkit/grading/checks.py``) the student notebook gets
two code cells: an answer cell that says what to define (and defines nothing), and a check cell
that calls ``bookkit.grading.check`` and prints what passed, or "not attempted". Their
``metadata.rectified`` says which exercise they belong to (``make grade`` reads it). The hidden
set-up cell installs ``bookkit`` with its ``grading`` extra (otter-grader), which the checks use.

Usage (``make student`` runs it, then the edition's tests):

    python -m bookkit.pipeline.student     # _build/student/{notebooks,html}
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from .. import settings
from .tools import jupyter_book, write_config

ROOT = settings.ROOT

# The opening line of a directive fence: ``` or ::: (three or more), then {name}.
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")


@dataclass
class SolutionBlock:
    """One solution of a source notebook: its label and its text (prose and code)."""

    notebook: str
    target: str
    markdown: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)


def chapter_notebooks() -> list[Path]:
    """The notebooks of the book, in the order of ``_toc.yml``."""
    paths = [ROOT / f"{entry}.ipynb" for entry in settings.toc_files()]
    return [path for path in paths if path.is_file()]


def _closing(lines: list[str], start: int) -> int:
    """Index of the line that closes the fence opened at ``lines[start]``."""
    match = FENCE.match(lines[start])
    fence = match["fence"]
    closer = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for i in range(start + 1, len(lines)):
        if closer.match(lines[i]):
            return i
    raise ValueError(f"unclosed {{{match['name']}}} fence: {lines[start]!r}")


def strip_solutions(nb: nbformat.NotebookNode, name: str = "") -> tuple[
        nbformat.NotebookNode, list[SolutionBlock]]:
    """Return a copy of ``nb`` without solutions, and the solutions that were removed."""
    nb = nbformat.from_dict(nb)  # a deep copy
    kept, blocks = [], []
    gated: SolutionBlock | None = None  # the open gated solution, if any
    for cell in nb.cells:
        if cell.cell_type == "code":
            if gated is not None:
                gated.code.append(cell.source)
            else:
                kept.append(cell)
            continue
        lines = cell.source.splitlines()
        if gated is not None:
            gated.markdown.append("")  # a paragraph break between cells
        out: list[str] = []
        i = 0
        while i < len(lines):
            match = FENCE.match(lines[i])
            if gated is not None:
                if match and match["name"] == "solution-end":
                    end = _closing(lines, i)
                    blocks.append(gated)
                    gated = None
                    i = end + 1
                    continue
                gated.markdown.append(lines[i])
                i += 1
                continue
            if match and match["name"] in ("solution", "solution-start"):
                end = _closing(lines, i)
                target = lines[i][match.end():].strip()
                block = SolutionBlock(name, target, markdown=lines[i + 1:end])
                if match["name"] == "solution":
                    blocks.append(block)
                else:
                    gated = block
                i = end + 1
                continue
            out.append(lines[i])
            i += 1
        text = "\n".join(out).strip()
        if text and cell.source.strip():
            cell.source = text
            kept.append(cell)
    if gated is not None:
        raise ValueError(f"{name}: {{solution-start}} {gated.target} has no {{solution-end}}")
    nb.cells = kept
    return nb, blocks


# The hidden set-up cell of every chapter installs bookkit; the student edition's needs the
# checks' extra too.
BOOKKIT_INSTALL = '"rectified-bookkit @ {BOOK}#subdirectory=bookkit"'
BOOKKIT_INSTALL_GRADING = '"rectified-bookkit[grading] @ {BOOK}#subdirectory=bookkit"'


def add_checks(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """After each exercise with a check: an answer cell and a check cell (in place)."""
    from ..grading.checks import CHECKS
    from ..grading.notebooks import META, answer_source, check_source, exercise_labels

    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code" and BOOKKIT_INSTALL in cell.source:
            cell.source = cell.source.replace(BOOKKIT_INSTALL, BOOKKIT_INSTALL_GRADING)
        for label in exercise_labels(cell):
            if label in CHECKS:
                cells.append(nbformat.v4.new_code_cell(
                    answer_source(label), metadata={META: {"answer": label}}))
                cells.append(nbformat.v4.new_code_cell(
                    check_source(label), metadata={META: {"check": label}}))
    nb.cells = cells
    return nb


def solution_blocks() -> list[SolutionBlock]:
    """Every solution of every chapter notebook."""
    blocks = []
    for path in chapter_notebooks():
        _, found = strip_solutions(nbformat.read(path, as_version=4), path.name)
        blocks.extend(found)
    return blocks


def write_notebooks(out: Path) -> list[Path]:
    """Write each chapter without its solutions (other outputs kept) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapter_notebooks():
        nb, blocks = strip_solutions(nbformat.read(path, as_version=4), path.name)
        add_checks(nb)
        target = out / path.name
        nbformat.write(nb, target)
        written.append(target)
        print(f"{target}: {len(blocks)} solutions removed")
    return written


def stage(source: Path) -> None:
    """A source tree for the student HTML: the book with the stripped notebooks.

    Everything except the chapter notebooks is linked, not copied, so the tree stays current;
    the configuration turns ``hide_solutions`` on and notebook execution off (the stored,
    nbval-checked outputs are used).
    """
    if source.exists():
        shutil.rmtree(source)
    (source / "book").mkdir(parents=True)
    notebooks = {path.name for path in chapter_notebooks()}
    for entry in (ROOT / "book").iterdir():
        if entry.name not in notebooks and not entry.name.startswith("."):
            (source / "book" / entry.name).symlink_to(entry)
    for entry in ROOT.iterdir():
        if entry.name.startswith((".", "_")) or entry.name == "book":
            continue
        (source / entry.name).symlink_to(entry)
    (source / "_toc.yml").symlink_to(ROOT / "_toc.yml")
    write_notebooks(source / "book")
    config = yaml.safe_load(settings.CONFIG.read_text())
    sphinx, title = config.get("sphinx", {}), config.get("title", "")
    write_config(source / "_config.yml", title=f"{title} (student edition)".strip(),
                 sphinx={**sphinx, "config": {**sphinx.get("config", {}),
                                              "hide_solutions": True}})


def main(argv: list[str]) -> None:
    """Both parts of the edition into ``_build/student`` (or RECTIFIERS_STUDENT_DIR)."""
    if argv:
        raise SystemExit(__doc__)
    out = settings.STUDENT_DIR
    shutil.rmtree(out, ignore_errors=True)
    write_notebooks(out / "notebooks")
    stage(out / "source")
    status = jupyter_book(out / "source", "--path-output", str(out / "work"))
    if status:
        sys.exit(status)
    (out / "work" / "_build" / "html").rename(out / "html")
    shutil.rmtree(out / "work")
    shutil.rmtree(out / "source")


if __name__ == "__main__":
    main(sys.argv[1:])
