"""Where the browser tests find the built book and Chromium, and which pages the book has.

The book is read from ``_build/html`` (or ``RECTIFIERS_HTML_DIR``); screenshots go beside it,
to ``_build/screenshots`` (or ``RECTIFIERS_SCREENSHOT_DIR``): of every page with
``RECTIFIERS_SCREENSHOTS=1`` (``make screenshots``), otherwise only of a page and mode where a
check failed. Without Chromium or a built book the tests skip, unless
``RECTIFIERS_BROWSER_REQUIRED=1`` (``make test-browser``) makes them fail. The pages are opened
in ``RECTIFIERS_BROWSER_WORKERS`` Chromiums at once (default: 2, or 1 on a single core).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bookkit import settings
from bookkit.pipeline.tools import chromium_missing
from bookkit.settings import toc_files

REQUIRED = settings.env("RECTIFIERS_BROWSER_REQUIRED") == "1"
SCREENSHOTS = settings.env("RECTIFIERS_SCREENSHOTS") == "1"
WORKERS = settings.BROWSER_WORKERS
HTML_DIR = settings.HTML_DIR
SCREENSHOT_DIR = settings.SCREENSHOT_DIR


def unavailable(reason: str):
    """Skip with ``reason``; fail instead when the browser tests are required."""
    if REQUIRED:
        pytest.fail(f"{reason} (RECTIFIERS_BROWSER_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


def require_chromium() -> None:
    if missing := chromium_missing():
        unavailable(missing)


def toc_pages() -> list[str]:
    """The HTML path of every page in ``_toc.yml``, in reading order (``book/intro.html``...)."""
    return [f"{name}.html" for name in toc_files()]


def chapter_pages() -> list[str]:
    """The numbered chapters (``book/NN_name.html``), which must each have exercises."""
    return [p for p in toc_pages() if Path(p).name[:1].isdigit()]
