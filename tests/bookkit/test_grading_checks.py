"""The exercises' checks (bookkit/grading/checks.py): each passes the book's answer, fails every
wrong answer it lists, and says "not attempted" when nothing is defined. A check that passes a
wrong answer is a broken check."""

from __future__ import annotations

import functools

import nbformat
import pytest

from bookkit.grading.checks import CHECKS, HAND_GRADED
from bookkit.grading.notebooks import (
    answer_source,
    answers,
    chapter_of,
    check_source,
    exercise_labels,
    preamble,
)
from bookkit.grading.run import run_check
from bookkit.pipeline.student import add_checks, chapter_notebooks, strip_solutions

WRONG = [(label, what) for label, check in CHECKS.items() for what in check.wrong]


@functools.cache
def _imports(label: str) -> str:
    return preamble(chapter_of([label]))


def namespace(label: str, code: str = "") -> dict:
    """A fresh namespace: the chapter's imports, then ``code``, as `make grade` runs them."""
    env: dict = {}
    exec(compile(_imports(label) + "\n" + code, f"<{label}>", "exec"), env)  # noqa: S102
    return env


@pytest.mark.parametrize("label", CHECKS)
def test_the_books_answer_passes_its_check(label):
    result = run_check(label, namespace(label, CHECKS[label].reference))
    assert result.status == "passed", result.report()
    assert result.score == result.max_score == len(CHECKS[label].cases)


@pytest.mark.parametrize(("label", "what"), WRONG, ids=[f"{lb}:{w}" for lb, w in WRONG])
def test_a_wrong_answer_fails_its_check(label, what):
    result = run_check(label, namespace(label, CHECKS[label].wrong[what]))
    assert result.status == "failed" and result.score < result.max_score, result.report()
    failed = [case for case in result.cases if not case.passed]
    assert all(case.message.strip() for case in failed), "a failure without a message"


@pytest.mark.parametrize("label", CHECKS)
def test_every_check_has_a_wrong_answer_and_is_not_attempted_without_an_answer(label):
    assert CHECKS[label].wrong
    result = run_check(label, namespace(label))
    assert result.status == "not attempted" and result.score == 0
    assert "not attempted" in result.report()


@pytest.mark.parametrize("label", CHECKS)
def test_every_test_case_catches_some_wrong_answer(label):
    """A case that no wrong answer fails may be broken (or the wrong answers too few)."""
    caught = set()
    for code in CHECKS[label].wrong.values():
        caught |= {c.name for c in run_check(label, namespace(label, code)).cases
                   if not c.passed}
    names = [(case.__doc__ or case.__name__).strip() for case in CHECKS[label].cases]
    assert set(names) <= caught, f"no wrong answer fails {sorted(set(names) - caught)}"


def test_a_failure_message_teaches():
    result = run_check("ex-ch1-min", namespace("ex-ch1-min",
                                               "def relu_min(x):\n    return -min(0.0, -x)\n"))
    assert "relu_min(-2.0) gave -0.0; ReLU of a negative number is +0.0: which operation " \
           "set the sign bit?" in result.report()


def test_an_answer_that_raises_fails_with_the_error_not_a_crash():
    result = run_check("ex-ch1-min", namespace("ex-ch1-min",
                                               "def relu_min(x):\n    return 1 / 0\n"))
    assert result.status == "failed"
    assert "your code raised ZeroDivisionError" in result.report()


def test_every_exercise_of_the_book_is_checked_or_graded_by_hand():
    labels = [label for path in chapter_notebooks()
              for cell in nbformat.read(path, as_version=4).cells
              for label in exercise_labels(cell)]
    assert labels, "no exercises found"
    assert sorted(labels) == sorted([*CHECKS, *HAND_GRADED])


def test_the_student_edition_gets_an_answer_and_a_check_cell_after_each_code_exercise():
    for path in chapter_notebooks():
        nb, _ = strip_solutions(nbformat.read(path, as_version=4), path.name)
        cells = add_checks(nb).cells
        for i, cell in enumerate(cells):
            for label in exercise_labels(cell):
                if label in CHECKS:
                    assert cells[i + 1].source == answer_source(label)
                    assert cells[i + 2].source == check_source(label)
                    assert cells[i + 2].metadata["rectified"] == {"check": label}
        found, notes = answers(nbformat.from_dict({"cells": cells}))
        assert not notes
        for label in found:
            if label in CHECKS:  # as distributed: the answer cell defines nothing
                result = run_check(label, namespace(label, "\n".join(found[label])))
                assert result.status == "not attempted"
        setup = next(c for c in cells if c.cell_type == "code")
        assert "rectified-bookkit[grading] @" in setup.source


def test_the_chapters_solution_answers_are_found_where_the_grader_looks():
    """In a chapter the answer of a code exercise is its gated solution's code cells."""
    path = next(p for p in chapter_notebooks() if p.name.startswith("01_"))
    found, _ = answers(nbformat.read(path, as_version=4))
    assert "def neg_first" in "\n".join(found["ex-ch1-min"])


def test_the_html_says_which_exercises_have_a_check(tmp_path):
    from sphinx.cmd.build import build_main

    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_exercise", "bookkit.sphinx_ext.exercise_checks"]\n')
    (tmp_path / "index.md").write_text(
        "# T\n\n```{exercise} Min\n:label: ex-ch1-min\n\nWrite it.\n```\n\n"
        "```{exercise} Bool\n:label: ex-ch1-bool\n\nArgue.\n```\n")
    assert build_main(["-q", "-W", "-b", "html", str(tmp_path), str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.count('class="exercise-check"') == 1  # ex-ch1-min only
    assert page.index("exercise-check") < page.index('id="ex-ch1-bool"')
