"""Where the editions tests find what ``make student`` and ``make pdf`` built.

Without a build the tests fail (they are run by those targets, right after building).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bookkit.settings import PDF
from bookkit.settings import STUDENT_DIR as STUDENT


@pytest.fixture(scope="session")
def student_dir() -> Path:
    if not (STUDENT / "html" / "index.html").is_file():
        pytest.fail(f"no student edition at {STUDENT}: run `make student`", pytrace=False)
    return STUDENT


@pytest.fixture(scope="session")
def pdf_path() -> Path:
    if not PDF.is_file():
        pytest.fail(f"no PDF at {PDF}: run `make pdf`", pytrace=False)
    return PDF
