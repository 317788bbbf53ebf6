"""Fixtures for the browser tests: the built book, a localhost server, headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from book_site import CHROMIUM, CHROMIUM_ARGS, HTML_DIR, SCREENSHOT_DIR, TIMEOUT_MS, unavailable


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        unavailable(f"no built book at {HTML_DIR}: run `make book` or set RECTIFIERS_HTML_DIR")
    return HTML_DIR


@pytest.fixture(scope="session")
def base_url(html_dir):
    """The built book served from 127.0.0.1 on a free port, for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_context(base_url, tmp_path_factory):
    """Headless Debian Chromium with a fresh profile; every request off localhost is blocked."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM}: install Debian's package "
                    "(`apt-get install chromium`) or set RECTIFIERS_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    own_host = urlsplit(base_url).netloc
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.external_requests = []

        # The book must work offline: record and refuse anything that leaves localhost.
        def route(route):
            if urlsplit(route.request.url).netloc == own_host:
                route.continue_()
            else:
                context.external_requests.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        yield context
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
