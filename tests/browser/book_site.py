"""Where the browser tests find the built book and Chromium, and which pages the book has.

The book is read from ``_build/html`` (or ``RECTIFIERS_HTML_DIR``); screenshots go beside it,
to ``_build/screenshots`` (or ``RECTIFIERS_SCREENSHOT_DIR``): of every page with
``RECTIFIERS_SCREENSHOTS=1`` (``make screenshots``), otherwise only of a page and mode where a
check failed. Without Chromium or a built book the tests skip, unless
``RECTIFIERS_BROWSER_REQUIRED=1`` (``make test-browser``) makes them fail. The pages are opened
in ``RECTIFIERS_BROWSER_WORKERS`` Chromiums at once (default: 2, or 1 on a single core).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from book_toc import toc_files

ROOT = Path(__file__).resolve().parents[2]
HTML_DIR = Path(os.environ.get("RECTIFIERS_HTML_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOT_DIR = Path(os.environ.get("RECTIFIERS_SCREENSHOT_DIR", HTML_DIR.parent / "screenshots"))
CHROMIUM = Path(os.environ.get("RECTIFIERS_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("RECTIFIERS_BROWSER_REQUIRED") == "1"
SCREENSHOTS = os.environ.get("RECTIFIERS_SCREENSHOTS") == "1"
WORKERS = int(os.environ.get("RECTIFIERS_BROWSER_WORKERS", min(2, os.cpu_count() or 1)))
# No GPU, no network beyond the page, nothing the browser does on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000


def unavailable(reason: str):
    """Skip with ``reason``; fail instead when the browser tests are required."""
    if REQUIRED:
        pytest.fail(f"{reason} (RECTIFIERS_BROWSER_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


def toc_pages() -> list[str]:
    """The HTML path of every page in ``_toc.yml``, in reading order (``book/intro.html``...)."""
    return [f"{name}.html" for name in toc_files()]


def chapter_pages() -> list[str]:
    """The numbered chapters (``book/NN_name.html``), which must each have exercises."""
    return [p for p in toc_pages() if Path(p).name[:1].isdigit()]
