"""The book's own solutions pass their exercises' checks, as `make grade` runs them.

For each code exercise: the chapter's import statements, then the code cells of its gated
solution (a cell that needs the rest of the chapter may raise: `make grade` goes on too), then
its check, which must give full marks. Only these cells run, in this process, in seconds.
"""

from __future__ import annotations

import contextlib
import io

import nbformat
import pytest

from bookkit.grading.checks import CHECKS
from bookkit.grading.notebooks import answers, chapter_of, preamble
from bookkit.grading.run import run_check


@pytest.mark.parametrize("label", CHECKS)
def test_the_chapters_solution_gets_full_marks(label):
    chapter = chapter_of([label])
    cells = answers(nbformat.read(chapter, as_version=4))[0].get(label, [])
    env: dict = {}
    errors = []
    with contextlib.redirect_stdout(io.StringIO()):
        exec(preamble(chapter), env)  # noqa: S102
        for source in cells:
            try:
                exec(source, env)  # noqa: S102
            except Exception as err:  # noqa: BLE001
                errors.append(f"{type(err).__name__}: {err}")
    result = run_check(label, env)
    assert result.status == "passed", (
        f"{chapter.name}: the solution of {label} does not pass its check (see "
        f"/work/notes/grading_chapter_changes.md); its cells raised {errors}\n{result.report()}")
