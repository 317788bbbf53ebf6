"""Checks of the book's code exercises, and `make grade` (``python -m bookkit.grading.grade``).

In a student notebook, the cell after an answer calls :func:`check`; ``checks.py`` holds every
check, ``run.py`` runs one through otter-grader, ``grade.py`` grades a folder of notebooks.
"""

from __future__ import annotations

import inspect


def check(label: str) -> None:
    """Print which checks of exercise ``label`` the answer in this notebook passes.

    It reads the caller's globals (the notebook's), never raises, and says "not attempted"
    until the answer defines what the exercise asks for.
    """
    frame = inspect.currentframe().f_back
    env = frame.f_globals
    try:
        from .run import run_check
    except ImportError as err:  # otter-grader missing: the reader's install lacks the extra
        print(f"Exercise {label}: the checks need otter-grader ({err}); install it with "
              "pip install 'rectified-bookkit[grading]'.")
        return
    try:
        print(run_check(label, env).report())
    except Exception as err:  # a check must never stop the notebook  # noqa: BLE001
        print(f"Exercise {label}: the check could not run: {type(err).__name__}: {err}")
