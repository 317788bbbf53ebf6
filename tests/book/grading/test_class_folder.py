"""`make grade` as an instructor runs it, on one folder: the student edition as distributed,
the book's own chapters, and one of each bad submission. Run by `make grade-check` (CI), after
`make student`: zero for every auto-graded exercise of the distributed notebooks, full marks
for the chapters and for the student edition with every answer cell filled in, a row saying
what went wrong for each bad one. (How long it took is a
measurement, printed by `make grade`, not asserted.)"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest
from grading_fixtures import write

from bookkit import settings
from bookkit.grading import grade
from bookkit.grading.checks import CHECKS
from bookkit.grading.notebooks import META


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    notebooks = settings.STUDENT_DIR / "notebooks"
    if not any(notebooks.glob("*.ipynb")):
        pytest.fail(f"no student notebooks in {notebooks}: run `make student`", pytrace=False)
    folder = tmp_path_factory.mktemp("class")
    shutil.copytree(notebooks, folder / "distributed")  # one student: every chapter, unanswered
    shutil.copytree(settings.BOOK, folder / "book", ignore=shutil.ignore_patterns(
        "*.md", "*.bib", "_*"))                          # one student: the chapters, solved
    complete = folder / "complete"                        # one student: every answer right
    complete.mkdir()
    for path in sorted(notebooks.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            label = cell.metadata.get(META, {}).get("answer")
            if label:  # typed into the answer cell, as a student would
                cell.source = CHECKS[label].reference
        nbformat.write(nb, complete / f"my {path.stem}.ipynb")
    write(folder)                                         # one student per kind of answer
    out = tmp_path_factory.mktemp("grades")
    grade.grade(folder, out)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {"rows": rows, "out": out}


def auto(rows):
    return [r for r in rows if r["max_score"] not in ("", None)]


def test_the_distributed_notebooks_score_zero_on_every_checked_exercise(graded):
    rows = auto([r for r in graded["rows"] if r["student"] == "distributed"])
    assert len({r["exercise"] for r in rows}) == 15, sorted({r["exercise"] for r in rows})
    assert all(float(r["score"]) == 0 for r in rows), [r for r in rows if float(r["score"])]


@pytest.mark.parametrize("student", ["book", "complete"])
def test_the_chapters_and_a_completed_student_edition_score_full_marks(graded, student):
    rows = auto([r for r in graded["rows"] if r["student"] == student])
    assert len({r["exercise"] for r in rows}) == 15
    short = [(r["exercise"], r["score"], r["max_score"], r["message"][:200]) for r in rows
             if float(r["score"]) != float(r["max_score"])]
    assert not short, short


def test_every_student_has_feedback_and_the_bad_ones_have_rows(graded):
    students = {r["student"] for r in graded["rows"]}
    assert {"distributed", "book", "complete"} <= students
    for student in students:
        assert (graded["out"] / "feedback" / f"{grade.safe(student)}.md").is_file(), student
    assert len(students - {"distributed", "book", "complete"}) >= 10
