"""`make grade` (bookkit/grading/grade.py) on stand-in submissions (grading_fixtures.py), run by
`make grade-check`: every
bad submission gets a row that says what went wrong, and the others are graded as if it were
not there. One grading run for the module, with a short time limit per exercise."""

from __future__ import annotations

import csv

import pytest
from grading_fixtures import write

from bookkit.grading import grade

TIMEOUT = 6  # seconds per exercise, answer and check


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = write(tmp_path_factory.mktemp("submissions"))
    out = tmp_path_factory.mktemp("grades")
    results = grade.grade(folder, out, timeout=TIMEOUT)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {"rows": rows, "out": out, "folder": folder, "results": results}


def rows_of(graded, notebook: str, exercise: str = "ex-ch1-min") -> dict:
    found = [r for r in graded["rows"] if r["notebook"] == notebook and r["exercise"] == exercise]
    assert len(found) == 1, (notebook, exercise, graded["rows"])
    return found[0]


def test_the_csv_has_the_columns_and_a_feedback_file_per_student(graded):
    assert list(graded["rows"][0]) == grade.COLUMNS
    students = {r["student"] for r in graded["rows"]}
    assert "dora" in students and "not_a_notebook" in students
    for student in students:
        assert (graded["out"] / "feedback" / f"{grade.safe(student)}.md").is_file()


def test_a_right_answer_scores_full_marks_and_an_unanswered_one_zero(graded):
    right = rows_of(graded, "right.ipynb")
    assert (right["status"], right["score"], right["max_score"]) == ("passed", "5", "5")
    blank = rows_of(graded, "unanswered.ipynb")
    assert (blank["status"], blank["score"]) == ("not attempted", "0")


def test_a_wrong_answer_gets_partial_marks_and_the_teaching_message(graded):
    wrong = rows_of(graded, "wrong.ipynb")
    assert wrong["status"] == "failed" and 0 < float(wrong["score"]) < 5
    assert "which operation set the sign bit" in wrong["message"]
    feedback = (graded["out"] / "feedback" / "wrong.md").read_text()
    assert "which operation set the sign bit" in feedback


def test_the_hand_graded_exercise_is_marked_so(graded):
    census = rows_of(graded, "right.ipynb", "ex-ch1-census")
    assert census["status"] == "by hand" and census["score"] == ""


@pytest.mark.parametrize(("notebook", "status", "says"), [
    ("raises.ipynb", "failed", "your code raised ValueError"),
    ("loops.ipynb", "timeout", "time limit"),
    ("loops_in_check.ipynb", "timeout", "time limit"),
    ("prints.ipynb", "too much output", "printed more than"),
    ("exits.ipynb", "died", "kernel died"),
])
def test_a_bad_answer_scores_zero_and_says_why(graded, notebook, status, says):
    row = rows_of(graded, notebook)
    assert (row["status"], row["score"]) == (status, "0") and says in row["message"]


@pytest.mark.parametrize(("notebook", "says"), [
    ("not_a_notebook.txt", "not a notebook"),
    ("broken.ipynb", "not a notebook"),
])
def test_a_file_that_is_not_a_notebook_gets_an_error_row(graded, notebook, says):
    row = rows_of(graded, notebook, "")
    assert row["status"] == "error" and says in row["message"]


def test_editing_the_check_cell_or_redefining_check_changes_nothing(graded):
    row = rows_of(graded, "cheats.ipynb")
    assert row["status"] == "failed" and row["score"] == rows_of(graded, "wrong.ipynb")["score"]
    assert "check cell of ex-ch1-min was edited" in \
        (graded["out"] / "feedback" / "cheats.md").read_text()


def test_a_moved_answer_cell_is_graded_where_it_is(graded):
    row = rows_of(graded, "reordered.ipynb")
    assert row["status"] == "passed"
    assert "moved away from its exercise" in \
        (graded["out"] / "feedback" / "reordered.md").read_text()


def test_deleting_files_harms_only_the_own_folder(graded):
    assert rows_of(graded, "deletes.ipynb")["status"] == "passed"
    assert all(path.exists() for path in graded["folder"].rglob("*.ipynb"))


def test_a_student_folder_holds_several_notebooks_of_several_chapters(graded):
    assert rows_of(graded, "dora/first try.ipynb")["status"] == "passed"
    assert rows_of(graded, "dora/ch3.ipynb", "ex-ch3-one-sided")["status"] == "passed"
    assert rows_of(graded, "dora/ch3.ipynb", "ex-ch3-abs")["status"] == "by hand"
    # chapter 3's other code exercises are not in this notebook: not attempted
    assert rows_of(graded, "dora/ch3.ipynb", "ex-ch3-batch")["status"] == "not attempted"

