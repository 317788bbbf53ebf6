"""Shared fixtures for the notebook checks: the chapters, one fixture per notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from bookkit.settings import BOOK, ROOT, chapters, toc_files  # noqa: F401 (shared)

CHAPTERS = chapters()
# Columns of code, and of its printed output, that the text column shows without scrolling at
# 1280 px (the browser check code_scrolls measures the rendered page).
WIDTH = 80


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request) -> tuple[Path, nbformat.NotebookNode]:
    return request.param, nbformat.read(request.param, as_version=4)
